"""Data quality page: rows set aside by rule, from the audit models (L5, A2)."""

from __future__ import annotations

import streamlit as st


def render() -> None:
    st.title("Data quality")
    st.info("The audit models are being built; this page follows them.")
