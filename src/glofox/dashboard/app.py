"""Streamlit entry point (`glofox dashboard` runs `streamlit run` on this file): the pages."""

from __future__ import annotations

import streamlit as st

from glofox.dashboard import components, navigation

st.set_page_config(page_title="glofox analytics", layout="wide")
components.back_button_per_filter_change()
st.navigation(list(navigation.pages().values())).run()
