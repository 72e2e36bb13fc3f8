"""Activity page (A4-A12): 30-day KPIs, trends, retention by cohort, drill-down to users.

Reads the activity marts for an as-of date D: activity_segments_30d (KPIs, one row per
branch x country x acquisition source with numerators and denominators), activity_daily_
segments_30d (trends), retention_by_first_payment_cohort (cohort history) and
dash_activity_new_users (drill-down: new_users_30d with its segment labels, issue 6). Every
rate is sum(numerator) / sum(denominator) over the segments in the filter, never an average of
rates (A11). Filters and the as-of date live in the URL.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from psycopg import sql

from glofox.dashboard import components, formatting, queries

RELATIONS = (
    "marts.metrics_30d",
    "marts.activity_segments_30d",
    "marts.activity_daily_segments_30d",
    "marts.retention_by_first_payment_cohort",
    "marts.new_users_30d",
    "marts.fct_lead_conversions",
    "marts.dim_branches",
    "marts.dash_activity_new_users",
    "marts.dash_country_labels",
)
DRILLS = {
    "new users": "all new users of the window (A5)",
    "converted new users": "new users with a payment or a message in the window (A9)",
    "new users who paid": "new users with revenue in the window (A6)",
}

# Segment labels: a branch's name (else its id); countries grouped case-insensitively, shown
# in their most common spelling (marts.dash_country_labels, as on the lead page).
_LABELS = sql.SQL(
    """
    with

    labelled as (
        select
            segments.*,
            coalesce(dim_branches.branch_name, segments.branch_id) as branch,
            coalesce(country_labels.country_label, segments.country) as country_label
        from {segments} as segments
        left join marts.dim_branches
            on segments.branch_id = dim_branches.branch_id
        left join marts.dash_country_labels as country_labels
            on lower(segments.country) = country_labels.country_key
        where segments.as_of_date = %(as_of)s
    ),

    filtered as (
        select *
        from labelled
        where
            (cardinality(cast(%(countries)s as text[])) = 0
                or country_label = any(cast(%(countries)s as text[])))
            and (cardinality(cast(%(branches)s as text[])) = 0
                or branch = any(cast(%(branches)s as text[])))
            and (cardinality(cast(%(sources)s as text[])) = 0
                or acquisition_source = any(cast(%(sources)s as text[])))
    )
    """
)


def _over(relation: str) -> sql.Composable:
    return _LABELS.format(segments=sql.Identifier("marts", relation))


Q_AS_OF = queries.register(
    "activity_as_of_dates",
    "select as_of_date from marts.metrics_30d order by as_of_date desc",
)
Q_WINDOW = queries.register(
    "activity_window",
    """
    select window_start, window_end, retention_cohort_start, retention_cohort_end
    from marts.metrics_30d
    where as_of_date = %(as_of)s
    """,
)
Q_OPTIONS = queries.register(
    "activity_options",
    _over("activity_segments_30d")
    + sql.SQL(
        """
        select 'country' as kind, country_label as value from labelled
        union
        select 'branch', branch from labelled
        union
        select 'source', acquisition_source from labelled
        order by 1, 2
        """
    ),
)
Q_KPIS = queries.register(
    "activity_kpis",
    _over("activity_segments_30d")
    + sql.SQL(
        """
        select
            coalesce(sum(new_users), 0) as new_users,
            coalesce(sum(new_user_revenue), 0) as new_user_revenue,
            coalesce(sum(converted_new_users), 0) as converted_new_users,
            coalesce(sum(active_users), 0) as active_users,
            coalesce(sum(active_paying_users), 0) as active_paying_users,
            coalesce(sum(retention_cohort_users), 0) as retention_cohort_users,
            coalesce(sum(retained_users), 0) as retained_users
        from filtered
        """
    ),
)
Q_DAILY = queries.register(
    "activity_daily",
    _over("activity_daily_segments_30d")
    + sql.SQL(
        """
        select
            cast(date_trunc(%(grain)s, activity_date) as date) as period,
            sum(new_users) as new_users,
            sum(converted_new_users) as converted_new_users,
            sum(new_user_revenue) as new_user_revenue,
            sum(messages) as messages,
            sum(payments) as payments,
            sum(revenue) as revenue,
            sum(active_users) as active_users,
            sum(retention_cohort_users) as retention_cohort_users,
            sum(retained_users) as retained_users
        from filtered
        -- the window's days only; the rows before it carry D's retention cohort (A10)
        where activity_date >= (
            select cast(window_start as date) from marts.metrics_30d
            where as_of_date = %(as_of)s
        )
        group by 1
        order by 1
        """
    ),
)
Q_COHORTS = queries.register(
    "activity_cohorts",
    """
    select cohort_start, cohort_end, cohort_users, retained_users
    from marts.retention_by_first_payment_cohort
    where as_of_date = %(as_of)s and cohort_grain = %(grain)s
    order by cohort_start
    """,
)


# The drill-down reads marts.dash_activity_new_users: new_users_30d with the segment labels
# (as activity_segments_30d assigns them: L7, L10) prepared by dbt, indexed in the page's order,
# so the list (the first DRILL_LIMIT) and its count answer at once at 1M users (issue 6).
DRILL_LIMIT = 500
_DRILLED = """
    from marts.dash_activity_new_users
    where
        as_of_date = %(as_of)s
        and (cardinality(cast(%(countries)s as text[])) = 0
            or country_label = any(cast(%(countries)s as text[])))
        and (cardinality(cast(%(branches)s as text[])) = 0
            or branch = any(cast(%(branches)s as text[])))
        and (cardinality(cast(%(sources)s as text[])) = 0
            or acquisition_source = any(cast(%(sources)s as text[])))
        and (
            %(drill)s = 'new users'
            or (%(drill)s = 'converted new users' and is_converted)
            or (%(drill)s = 'new users who paid' and revenue_in_window > 0)
        )
"""


def _drill_query() -> sql.Composable:
    """The first DRILL_LIMIT new users behind the number, in signup order."""
    return sql.SQL(
        """
        select
            cast(id as text) as user_id,
            created_at as signup_utc,
            last_active,
            branch,
            country_label as country,
            acquisition_source,
            messages_in_window,
            payments_in_window,
            revenue_in_window,
            is_converted
        """
        + _DRILLED
        + """
        order by created_at, id
        limit {limit}
        """
    ).format(limit=sql.Literal(DRILL_LIMIT))


Q_DRILL_COUNT = queries.register("activity_drill_count", "select count(*) as users" + _DRILLED)
Q_DRILL = queries.register("activity_drill", _drill_query())


def _filters(version: str) -> dict[str, Any]:
    dates = queries.frame(Q_AS_OF, version)["as_of_date"].tolist()
    if not dates:
        st.warning("marts.metrics_30d is empty. Run `make run`.")
        st.stop()
    columns = st.columns([1, 2, 2, 2])
    with columns[0]:
        as_of = st.selectbox(
            "As-of date",
            dates,
            key="as_of",
            bind="query-params",
            format_func=lambda day: day.isoformat(),
            help="The dates the activity marts were built for (A4). Another date: "
            "`make run AS_OF=YYYY-MM-DD`.",
        )
    as_of = as_of or dates[0]
    empty: dict[str, Any] = {"countries": [], "branches": [], "sources": []}
    options = queries.frame(Q_OPTIONS, version, as_of=as_of, **empty)
    pick = {
        kind: options.loc[options["kind"] == kind, "value"].tolist()
        for kind in ("country", "branch", "source")
    }
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
            help="Source of the user's client conversion event (L10); 'unknown' when none.",
        )
    return {
        "as_of": as_of,
        "countries": list(countries),
        "branches": list(branches),
        "sources": list(sources),
    }


def _kpis(version: str, params: dict[str, Any]) -> None:
    values = queries.row(Q_KPIS, version, **params)
    window = queries.row(Q_WINDOW, version, as_of=params["as_of"])
    new_users = int(values["new_users"])
    st.caption(
        f"Window (A4): {window['window_start']:%Y-%m-%d} to {window['window_end']:%Y-%m-%d} "
        f"(end exclusive). Retention cohort (A10): first payment in "
        f"{window['retention_cohort_start']:%Y-%m-%d} to {window['retention_cohort_end']:%Y-%m-%d}."
    )
    row_one = st.columns(3)
    components.kpi(
        row_one[0], "New users", formatting.count(new_users), "signed up in the window", "A5"
    )
    components.kpi(
        row_one[1],
        "New-user revenue",
        formatting.money(values["new_user_revenue"]),
        f"paid by the {formatting.count(new_users)} new users",
        "A6: sum of the new users' payments in the window",
    )
    components.kpi(
        row_one[2],
        "Active users",
        formatting.count(values["active_users"]),
        "sent a message in the window",
        "A7: distinct senders",
    )
    row_two = st.columns(3)
    components.kpi(
        row_two[0],
        "Active paying users",
        formatting.count(values["active_paying_users"]),
        "a message and a payment in the window",
        "A8",
    )
    converted = int(values["converted_new_users"])
    components.kpi(
        row_two[1],
        "30-day conversion",
        formatting.rate(converted, new_users),
        formatting.ratio_caption(converted, new_users),
        f"A9: converted new users / new users = {formatting.ratio_caption(converted, new_users)}",
    )
    cohort, retained = int(values["retention_cohort_users"]), int(values["retained_users"])
    components.kpi(
        row_two[2],
        "30-day retention",
        formatting.rate(retained, cohort),
        formatting.ratio_caption(retained, cohort),
        f"A10: retained / cohort = {formatting.ratio_caption(retained, cohort)}",
    )


def _trends(version: str, params: dict[str, Any]) -> None:
    st.subheader("Trends")
    grain = st.radio("Period", ["day", "week"], key="grain", horizontal=True, bind="query-params")
    frame = queries.frame(Q_DAILY, version, grain=grain or "day", **params)
    if frame.empty:
        st.info("Nothing in this view.")
        return
    frame = frame.assign(
        conversion_rate=[
            int(c) / int(n) if int(n) else None
            for c, n in zip(frame["converted_new_users"], frame["new_users"], strict=True)
        ]
    )
    counts = frame.melt(
        id_vars="period",
        value_vars=["new_users", "converted_new_users", "messages", "payments"]
        + (["active_users"] if grain == "day" else []),
        var_name="measure",
        value_name="value",
    )
    left, right = st.columns(2)
    with left:
        st.altair_chart(
            alt.Chart(counts)
            .mark_line(point=True)
            .encode(
                x=alt.X("period:T", title=grain),
                y=alt.Y("value:Q", title="count"),
                color="measure:N",
                tooltip=["period:T", "measure:N", "value:Q"],
            )
        )
    with right:
        st.altair_chart(
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("period:T", title=f"signup {grain}"),
                y=alt.Y(
                    "conversion_rate:Q", title="conversion (by signup)", axis=alt.Axis(format="%")
                ),
                tooltip=[
                    "period:T",
                    "new_users:Q",
                    "converted_new_users:Q",
                    alt.Tooltip("conversion_rate:Q", format=".2%"),
                ],
            )
        )
    st.caption(
        "Conversion by signup period = sum(converted new users) / sum(new users) of the period. "
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
    frame = queries.frame(Q_COHORTS, version, as_of=params["as_of"], grain=grain or "month")
    st.caption(
        "All segments: this mart has no branch/country/source (the KPI above follows the filters)."
        " Only cohorts whose 30-day follow-up has elapsed by D are listed (A10)."
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


def _drill(version: str, params: dict[str, Any]) -> None:
    st.subheader("Users behind a number")
    drill = st.selectbox(
        "Show the users behind",
        list(DRILLS),
        index=None,
        key="drill",
        bind="query-params",
        placeholder="Pick a number",
    )
    if not drill:
        return
    count = int(queries.row(Q_DRILL_COUNT, version, drill=drill, **params)["users"])
    rows = queries.frame(Q_DRILL, version, drill=drill, **params)
    st.button("← Back to the overview", key="drill_back", on_click=_clear_drill)
    shown = f"; the first {DRILL_LIMIT} by signup time are shown" if count > DRILL_LIMIT else ""
    st.caption(f"{formatting.count(count)} users: {DRILLS[drill]}{shown}; times in UTC.")
    st.dataframe(rows, hide_index=True, key="drill_table")


def _clear_drill() -> None:
    st.session_state["drill"] = None


def render() -> None:
    st.title("Activity")
    version = components.require(RELATIONS)
    params = _filters(version)
    _kpis(version, params)
    st.divider()
    _drill(version, params)
    st.divider()
    _trends(version, params)
    st.divider()
    _retention(version, params)
