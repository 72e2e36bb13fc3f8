"""The dashboard's pages, in one place: app.py navigates between them, and a page links to
another with `st.page_link(navigation.page("activity"))`."""

from __future__ import annotations

from functools import cache

import streamlit as st


@cache
def pages() -> dict[str, st.Page]:
    # Imported here: the page modules import this one to link to each other.
    from glofox.dashboard import (
        page_activity,
        page_data_quality,
        page_experiments,
        page_lead_conversions,
    )

    return {
        "lead_conversions": st.Page(
            page_lead_conversions.render, title="Lead conversions", default=True
        ),
        "activity": st.Page(page_activity.render, title="Activity", url_path="activity"),
        "experiments": st.Page(
            page_experiments.render, title="Experiments", url_path="experiments"
        ),
        "data_quality": st.Page(
            page_data_quality.render, title="Data quality", url_path="data-quality"
        ),
    }


def page(name: str) -> st.Page:
    return pages()[name]
