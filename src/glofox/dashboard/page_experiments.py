"""Experiments page (E1-E10): the experiment-report, rendered, with the SRM warning first."""

from __future__ import annotations

import streamlit as st


def render() -> None:
    st.title("Experiments")
    st.info("The experiment marts are being built (issue 4); this page follows them.")
