"""Activity page: the 30-day figures of an as-of date, trends, retention by cohort, drill-down.

Filters and renders only: every number comes from glofox.dashboard.activity_data, whose
queries are tested against the semantic layer's activity metrics (new_users,
new_user_revenue, active_users, active_paying_users, conversion_rate_30d, retention_rate_30d).
Filters and the as-of date live in the URL.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from glofox.dashboard import activity_data, components, formatting, navigation

CONVERSION_HELP = (
    "30-day total conversion rate = converted new users / new users: the share of the app "
    "users who signed up in the 30 days and paid or sent a message in them. Not the lead "
    "conversion rate of the Lead conversions page (gym members who bought a membership or a "
    "credit pack)."
)


def _filters(version: str) -> dict[str, Any]:
    dates = activity_data.as_of_dates(version)
    if not dates:
        st.warning("The activity marts hold no as-of date yet. Run `make run`.")
        st.stop()
    columns = st.columns([1, 2, 2, 2])
    with columns[0]:
        as_of = st.selectbox(
            "As-of date",
            dates,
            key="as_of",
            bind="query-params",
            format_func=lambda day: day.isoformat(),
            help="Every day of the 30-day series: the 30 days ending with this date (UTC) are "
            "the window of every figure. The drill-down, the days of the window and the "
            "cohorts describe the latest day. A later date: `make run AS_OF=YYYY-MM-DD`.",
        )
    as_of = as_of or dates[0]
    pick = activity_data.options(version, as_of)
    with columns[1]:
        countries = st.multiselect("Country", pick["country"], key="country", bind="query-params")
    with columns[2]:
        branches = st.multiselect("Branch", pick["branch"], key="branch", bind="query-params")
    with columns[3]:
        sources = st.multiselect(
            "Acquisition source",
            pick["source"],
            key="source",
            bind="query-params",
            help="The source of the purchase that made the user a client; 'unknown' when none.",
        )
    return {
        "as_of": as_of,
        "latest": dates[0],
        "countries": list(countries),
        "branches": list(branches),
        "sources": list(sources),
    }


def _kpis(version: str, filters: dict[str, Any]) -> None:
    values = activity_data.kpis(version, filters)
    if filters["as_of"] != filters["latest"]:
        st.caption(
            f"The drill-down, the days of the window and the cohorts below describe the "
            f"latest day, {filters['latest']:%Y-%m-%d}."
        )
    window = activity_data.window(version, filters["as_of"])
    new_users = values["new_users"]
    st.caption(
        f"Window: {window['window_start']:%Y-%m-%d} to {window['window_end']:%Y-%m-%d} UTC "
        f"(end exclusive). Retention cohort: first payment from "
        f"{window['retention_cohort_start']:%Y-%m-%d} to "
        f"{window['retention_cohort_end']:%Y-%m-%d} UTC (end exclusive)."
    )
    row_one = st.columns(3)
    components.kpi(
        row_one[0],
        "New users",
        formatting.count(new_users),
        "signed up in the 30 days",
        "App users whose signup falls in the window.",
    )
    components.kpi(
        row_one[1],
        "New-user revenue",
        formatting.money(values["new_user_revenue"]),
        f"paid by the {formatting.count(new_users)} new users",
        "The sum of the new users' payments in the window.",
    )
    components.kpi(
        row_one[2],
        "Active users",
        formatting.count(values["active_users"]),
        "sent a message in the 30 days",
        "Distinct users who sent a message in the window.",
    )
    row_two = st.columns(3)
    components.kpi(
        row_two[0],
        "Active paying users",
        formatting.count(values["active_paying_users"]),
        "a message and a payment in the 30 days",
        "Users with both a message and a payment in the window.",
    )
    converted = values["converted_new_users"]
    components.kpi(
        row_two[1],
        "30-day total conversion rate",
        formatting.rate(converted, new_users),
        f"paid or messaged / new users = {formatting.ratio_caption(converted, new_users)}",
        CONVERSION_HELP,
    )
    cohort, retained = values["retention_cohort_users"], values["retained_users"]
    components.kpi(
        row_two[2],
        "30-day retention rate",
        formatting.rate(retained, cohort),
        f"paid again / cohort = {formatting.ratio_caption(retained, cohort)}",
        "Of the users whose first payment fell in the 30 days before the window, the share "
        "who paid again within 30 days of it.",
    )


SERIES_MEASURES = {
    "New users": ("new_users", None),
    "New-user revenue": ("new_user_revenue", None),
    "Active users": ("active_users", None),
    "Active paying users": ("active_paying_users", None),
    "30-day total conversion rate": ("conversion_rate", "%"),
    "30-day retention rate": ("retention_rate", "%"),
}


def _series(version: str, params: dict[str, Any]) -> None:
    st.subheader("30-day figures over time")
    first, last = min(params["dates"]), max(params["dates"])
    columns = st.columns([2, 2, 2])
    with columns[0]:
        picked = st.date_input(
            "As-of dates",
            value=(max(first, last - pd.Timedelta(days=89)), last),
            min_value=first,
            max_value=last,
            key="series_range",
        )
    with columns[1]:
        grain = st.radio(
            "Grain",
            ["day", "week", "month"],
            key="series_grain",
            horizontal=True,
            bind="query-params",
        )
    with columns[2]:
        label = st.selectbox(
            "Figure", list(SERIES_MEASURES), key="series_measure", bind="query-params"
        )
    start, end = picked if len(picked) == 2 else (picked[0], picked[0])
    frame = activity_data.series(version, start, end, grain or "day")
    if frame.empty:
        st.info("No day of the series in this range.")
        return
    column, unit = SERIES_MEASURES.get(label or "", ("new_users", None))
    frame = frame.astype({column: float})
    st.altair_chart(
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:T", title=f"{grain} (UTC)"),
            y=alt.Y(f"{column}:Q", title=label, axis=alt.Axis(format=unit or "")),
            tooltip=[
                alt.Tooltip("as_of_date:T", title="As of (UTC)"),
                alt.Tooltip(f"{column}:Q", title=label),
            ],
        )
    )
    st.caption(
        "Each point is the 30 days ending on its as-of date, all segments; a week or a month "
        "shows its last day in the range (30-day figures are never added up over days)."
    )


def _trends(version: str, params: dict[str, Any]) -> None:
    st.subheader("Days of the latest window")
    grain = st.radio("Period", ["day", "week"], key="grain", horizontal=True, bind="query-params")
    frame = activity_data.daily(version, params, grain or "day")
    if frame.empty:
        st.info("Nothing in this view.")
        return
    frame = frame.assign(
        conversion_rate=[
            int(c) / int(n) if int(n) else None
            for c, n in zip(frame["converted_new_users"], frame["new_users"], strict=True)
        ]
    )
    measures = {
        "New users": "new_users",
        "Converted new users": "converted_new_users",
        "Messages": "messages",
        "Payments": "payments",
    } | ({"Active users": "active_users"} if grain != "week" else {})
    left, right = st.columns(2)
    with left:
        # One measure per axis: the measure is picked, not stacked beside others.
        measure = st.selectbox("Measure", list(measures), key="measure", bind="query-params")
        column = measures.get(measure or "", "new_users")
        st.altair_chart(
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=alt.X("period:T", title=f"{grain} (UTC)"),
                y=alt.Y(f"{column}:Q", title=measure),
                tooltip=[
                    alt.Tooltip("period:T", title=f"{grain} (UTC)"),
                    alt.Tooltip(f"{column}:Q", title=measure),
                ],
            )
        )
    with right:
        st.altair_chart(
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("period:T", title=f"signup {grain} (UTC)"),
                y=alt.Y(
                    "conversion_rate:Q",
                    title="Total conversion rate by signup",
                    axis=alt.Axis(format="%"),
                ),
                tooltip=[
                    alt.Tooltip("period:T", title=f"signup {grain} (UTC)"),
                    alt.Tooltip("new_users:Q", title="New users"),
                    alt.Tooltip("converted_new_users:Q", title="Paid or messaged"),
                    alt.Tooltip("conversion_rate:Q", title="Total conversion rate", format=".2%"),
                ],
            )
        )
    st.caption(
        "Total conversion by signup period = new users of the period who paid or sent a message "
        "in the window / new users of the period. "
        "Active users are distinct per day, so they are shown by day only (a user active on two "
        "days is one 30-day active user)."
    )


def _retention(version: str, params: dict[str, Any]) -> None:
    st.subheader("Retention by first-payment cohort")
    grain = st.radio(
        "Cohort",
        ["day", "week", "month"],
        index=2,
        key="cohort_grain",
        horizontal=True,
        bind="query-params",
    )
    frame = activity_data.cohorts(version, params["latest"], grain or "month")
    st.caption(
        "All segments: this mart has no branch/country/source (the KPI above follows the filters)."
        " Only cohorts whose 30-day follow-up has elapsed by the as-of date are listed."
    )
    if frame.empty:
        st.info("No cohort has a fully elapsed follow-up by this date.")
        return
    table = pd.DataFrame(
        {
            "Cohort start": frame["cohort_start"],
            "Cohort users": frame["cohort_users"].astype(int),
            "Retained": frame["retained_users"].astype(int),
            "Retention": [
                formatting.rate(r, n)
                for r, n in zip(frame["retained_users"], frame["cohort_users"], strict=True)
            ],
        }
    )
    st.dataframe(table, hide_index=True, key="cohort_table")


DRILL_HEADERS = {
    "user_id": "User",
    "signup_utc": "Signup (UTC)",
    "last_active": "Last active (UTC)",
    "branch": "Branch",
    "country": "Country",
    "acquisition_source": "Acquisition source",
    "messages_in_window": "Messages in the 30 days",
    "payments_in_window": "Payments in the 30 days",
    "revenue_in_window": "Revenue in the 30 days",
    "is_converted": "Paid or messaged",
}


def _drill(version: str, params: dict[str, Any]) -> None:
    st.subheader("Users behind a number")
    drill = st.selectbox(
        "Show the users behind",
        list(activity_data.DRILLS),
        index=None,
        key="drill",
        bind="query-params",
        placeholder="Pick a number",
    )
    if not drill:
        return
    count = activity_data.drill_count(version, params, drill)
    rows = activity_data.drill(version, params, drill).rename(columns=DRILL_HEADERS)
    st.button("← Back to the overview", key="drill_back", on_click=_clear_drill)
    limit = activity_data.DRILL_LIMIT
    shown = f"; the first {limit} by signup time are shown" if count > limit else ""
    st.caption(
        f"{formatting.count(count)} users: {activity_data.DRILLS[drill]}{shown}; times in UTC."
    )
    st.dataframe(rows, hide_index=True, key="drill_table")


def _clear_drill() -> None:
    st.session_state["drill"] = None


def render() -> None:
    st.title("Activity")
    version = components.require(activity_data.RELATIONS)
    params = _filters(version)
    params["dates"] = activity_data.as_of_dates(version)
    components.built_line(
        data_as_of=f"{params['as_of']:%Y-%m-%d} (the 30 days ending that day, UTC)",
    )
    st.markdown(
        "**30-day total conversion rate**: the share of new app users (signed up in the 30 "
        "days) who paid or sent a message in those 30 days. Looking for gym members who "
        "became clients by buying a membership or a credit pack, e.g. at membership-only "
        "gyms? That is the *lead conversion rate* on the Lead conversions page."
    )
    st.page_link(
        navigation.page("lead_conversions"),
        label="Lead conversions: the lead conversion rate",
        icon="➡️",
    )
    _kpis(version, params)
    st.divider()
    _series(version, {"dates": params.pop("dates")})
    st.divider()
    _drill(version, params)
    st.divider()
    _trends(version, params)
    st.divider()
    _retention(version, params)
