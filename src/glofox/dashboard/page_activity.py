"""Activity page (A1-A12): KPI tiles, trends, retention by cohort, drill-down to users."""

from __future__ import annotations

import streamlit as st

RELATIONS = ("marts.metrics_30d",)


def render() -> None:
    st.title("Activity")
    st.info("The activity marts are being built (issue 2); this page follows them.")
