"""Streamlit entry point (`glofox dashboard` runs `streamlit run` on this file): the pages."""

from __future__ import annotations

import streamlit as st

from glofox.dashboard import (
    page_activity,
    page_data_quality,
    page_experiments,
    page_lead_conversions,
)

st.set_page_config(page_title="glofox analytics", layout="wide")

pages = [
    st.Page(page_lead_conversions.render, title="Lead conversions", default=True),
    st.Page(page_activity.render, title="Activity", url_path="activity"),
    st.Page(page_experiments.render, title="Experiments", url_path="experiments"),
    st.Page(page_data_quality.render, title="Data quality", url_path="data-quality"),
]
st.navigation(pages).run()
