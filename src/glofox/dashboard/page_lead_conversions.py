"""Lead conversions page: leads, clients and conversion rate (spec L1-L15) with drill-down.

Reads marts.dash_lead_counts and marts.dash_lead_members, built for this page from
marts.fct_lead_conversions (L13) and marts.dim_branches (L6) so that every query answers in
well under 200 ms at 1M users (issue 6; tests/python/test_dashboard_queries.py checks that
each query gives what computing it from those two marts at query time gives). Every filter is
bound to the URL (st.query_params), so a view can be shared, and stays while drilling down
and back.

How the numbers are made (also in the README):
- leads: users in scope: one `ALL` row each in fct_lead_conversions (L13), whether LEAD or CLIENT;
- clients: leads that have a row for the chosen conversion-event filter (ALL / MEMBERSHIP /
  USER_CREDIT) with lead_status CLIENT, and, with a conversion window of N days, whose event
  came less than N days after signup (local times of the mart, L8);
- conversion rate: clients / leads, recomputed from the counts at every level shown;
- source belongs to the conversion event, so a lead has none: filtering by source narrows the
  clients, not the leads, and the by-source breakdown divides each source's clients by all
  leads in scope (the rows add up to the total rate).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from psycopg import sql

from glofox.dashboard import components, formatting, queries

# The marts the page summarises, then the two relations built for it (models/marts/dashboard).
RELATIONS = (
    "marts.fct_lead_conversions",
    "marts.dim_branches",
    "marts.dash_lead_counts",
    "marts.dash_lead_members",
)
EVENT_FILTERS = ("ALL", "MEMBERSHIP", "USER_CREDIT")
WINDOWS: dict[str, int | None] = {
    "any time": None,
    "7 days": 7,
    "14 days": 14,
    "30 days": 30,
    "60 days": 60,
    "90 days": 90,
}
# Group-by dimensions: URL value -> (label, column of the `members` CTE). A whitelist: the
# column is composed with sql.Identifier, never taken from the URL.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "branch": ("Branch", "branch"),
    "country": ("Country", "country"),
    "source": ("Source", "source_label"),
    "cohort": ("Signup cohort month", "signup_month"),
    "policy": ("Gym conversion policy", "gym_policy"),
}
DRILL_LIMIT = 500
ROW_HEIGHT = 35  # pixels per table row (the e2e test clicks a row by position)

# The page reads two relations built for it (models/marts/dashboard, issue 6), so that each
# query answers in well under 200 ms at 1M users:
# - marts.dash_lead_counts: members per event filter x label (branch, country, gym policy,
#   signup month) x source, converted or not, with the clients per band of days to conversion
#   (bounds 0, 1, 7, 14, 30, 60, 90, which hold every window): leads, clients, breakdowns,
#   options and drill counts are sums of it;
# - marts.dash_lead_members: one row per fct_lead_conversions row with the same labels, for the
#   drill-down lists (index-ordered, LIMIT) and the exact median (an index-ordered OFFSET).
# The bands of dash_lead_counts: (column, upper bound in days (None: none), time-to-conversion
# bucket). A band counts within an N-day window iff its upper bound is <= N ("days < N" is
# exact on the bounds; the unknown and 90+ bands only without a window).
BANDS: tuple[tuple[str, int | None, str], ...] = (
    ("clients_days_unknown", None, "(unknown signup time)"),
    ("clients_before_signup", 0, "0 before signup"),
    ("clients_days_0_1", 1, "1 same day (< 1 day)"),
    ("clients_days_1_7", 7, "2 1-7 days"),
    ("clients_days_7_14", 14, "3 7-30 days"),
    ("clients_days_14_30", 30, "3 7-30 days"),
    ("clients_days_30_60", 60, "4 30-90 days"),
    ("clients_days_60_90", 90, "4 30-90 days"),
    ("clients_days_90_plus", None, "5 90+ days"),
)
# Every window is a band's upper bound, so a window keeps whole bands only.
assert {days for days in WINDOWS.values() if days} <= {days for _, days, _ in BANDS}

_IN_SCOPE = sql.SQL(
    """
    (cardinality(cast(%(countries)s as text[])) = 0
        or {prefix}country = any(cast(%(countries)s as text[])))
    and (cardinality(cast(%(branches)s as text[])) = 0
        or {prefix}branch = any(cast(%(branches)s as text[])))
    and (cardinality(cast(%(cohorts)s as text[])) = 0
        or {prefix}signup_month = any(cast(%(cohorts)s as text[])))
    and (cardinality(cast(%(policies)s as text[])) = 0
        or {prefix}gym_policy = any(cast(%(policies)s as text[])))
    """
)


def _in_scope(prefix: str = "") -> sql.Composable:
    return _IN_SCOPE.format(prefix=sql.SQL(f"{prefix}." if prefix else ""))


def _band_in_window(column: str, days: int | None) -> sql.Composable:
    """The band's clients when they count: a client row of a chosen source, within the window."""
    if days is None:
        within = sql.SQL("cast(%(window_days)s as integer) is null")
    else:
        within = sql.SQL(
            "(cast(%(window_days)s as integer) is null or cast(%(window_days)s as integer) >= {})"
        ).format(sql.Literal(days))
    return sql.SQL("case when counted and {within} then {column} else 0 end as {column}").format(
        within=within, column=sql.Identifier(column)
    )


_CONVERTED = sql.SQL(" + ").join(sql.Identifier(column) for column, _, _ in BANDS)
_TIMED = sql.SQL(" + ").join(
    sql.Identifier(column) for column, _, _ in BANDS if column != "clients_days_unknown"
)

# Per row in scope under the chosen event filter: its members, and the converted ones: the
# clients of the filter from a chosen source whose band lies within the window.
_SCOPED = sql.SQL(
    """
    with in_scope as (
        select
            *,
            is_client
            and (
                cardinality(cast(%(sources)s as text[])) = 0
                or source_label = any(cast(%(sources)s as text[]))
            ) as counted
        from marts.dash_lead_counts
        where client_conversion_event_filter = %(event_filter)s and {scope}
    ),

    banded as (
        select
            branch,
            country,
            gym_policy,
            signup_month,
            is_client,
            source_label,
            members,
            {bands}
        from in_scope
    ),

    scoped as (
        select
            *,
            {converted} as converted,
            {timed} as timed
        from banded
    )
    """
).format(
    scope=_in_scope(),
    bands=sql.SQL(",\n            ").join(
        _band_in_window(column, days) for column, days, _ in BANDS
    ),
    converted=_CONVERTED,
    timed=_TIMED,
)

Q_OPTIONS = queries.register(
    "lead_options",
    """
    select 'country' as kind, country as value from marts.dash_lead_counts
    where client_conversion_event_filter = 'ALL'
    union
    select 'branch', branch from marts.dash_lead_counts
    where client_conversion_event_filter = 'ALL'
    union
    select 'cohort', signup_month from marts.dash_lead_counts
    where client_conversion_event_filter = 'ALL'
    union
    select 'policy', gym_policy from marts.dash_lead_counts
    where client_conversion_event_filter = 'ALL'
    union
    select 'source', source_label from marts.dash_lead_counts
    where is_client
    order by 1, 2
    """,
)

# The median is exact: the clients with a known time to conversion are counted from the
# aggregate, then the one or two middle values are read in index order (OFFSET) and
# percentile_cont interpolates them as it would over all the values.
Q_KPIS = queries.register(
    "lead_kpis",
    _SCOPED
    + sql.SQL(
        """
        , totals as (
            select
                coalesce(sum(members), 0) as leads,
                coalesce(sum(converted), 0) as clients,
                coalesce(sum(timed), 0) as timed_clients
            from scoped
        ),

        middle as (
            select days_to_conversion
            from marts.dash_lead_members
            where
                client_conversion_event_filter = %(event_filter)s
                and is_client
                and days_to_conversion is not null
                and {scope}
                and (
                    cast(%(window_days)s as integer) is null
                    or days_to_conversion < cast(%(window_days)s as integer)
                )
                and (
                    cardinality(cast(%(sources)s as text[])) = 0
                    or source_label = any(cast(%(sources)s as text[]))
                )
            order by days_to_conversion
            -- n values: the middle one (n odd) or two (n even) start at floor((n - 1) / 2)
            offset (select cast(floor(greatest(timed_clients - 1, 0) / 2) as bigint) from totals)
            limit (select cast(2 - mod(timed_clients, 2) as bigint) from totals)
        )

        select
            cast(leads as bigint) as leads,
            cast(clients as bigint) as clients,
            (
                select percentile_cont(0.5) within group (order by days_to_conversion)
                from middle
            ) as median_days
        from totals
        """
    ).format(scope=_in_scope()),
)

Q_BUCKETS = queries.register(
    "lead_time_to_conversion",
    _SCOPED
    + sql.SQL(
        """
        , bucketed as (
            select buckets.bucket, buckets.clients
            from scoped
            cross join lateral (
                values {buckets}
            ) as buckets (bucket, clients)
        )
        select bucket, cast(sum(clients) as bigint) as clients
        from bucketed
        group by bucket
        having sum(clients) > 0
        order by bucket
        """
    ).format(
        buckets=sql.SQL(", ").join(
            sql.SQL("({}, {})").format(sql.Literal(bucket), sql.Identifier(column))
            for column, _, bucket in BANDS
        )
    ),
)


def _breakdown_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    # Cohorts read in time order; the other dimensions biggest first.
    order = sql.SQL("value") if dimension == "cohort" else sql.SQL("leads desc, value")
    if dimension == "source":
        # Leads have no source: each source's clients over all leads in scope.
        return _SCOPED + sql.SQL(
            """
            select
                {column} as value,
                (select cast(coalesce(sum(members), 0) as bigint) from scoped) as leads,
                cast(sum(converted) as bigint) as clients
            from scoped
            where converted > 0
            group by {column}
            order by clients desc, value
            """
        ).format(column=column)
    return _SCOPED + sql.SQL(
        """
        select
            {column} as value,
            cast(sum(members) as bigint) as leads,
            cast(sum(converted) as bigint) as clients
        from scoped
        group by {column}
        order by {order}
        """
    ).format(column=column, order=order)


# The drill-down: the first DRILL_LIMIT members in signup order (`listed`, from
# dash_lead_members through its partial indexes), then each one's conversion under the filter
# from fct_lead_conversions (by user_id, its index), with the page's former definitions.
_DRILL_COLUMNS = sql.SQL(
    """
    , drilled as (
        select
            listed.*,
            conversion.client_conversion_event_type,
            conversion.client_conversion_event_id,
            conversion.client_conversion_event_local_created_at,
            conversion.client_conversion_event_name,
            conversion.client_conversion_event_source,
            extract(
                epoch from conversion.client_conversion_event_local_created_at
                - listed.local_user_created_at
            ) / 86400.0 as days_to_conversion,
            conversion.user_id is not null
            and (
                cast(%(window_days)s as integer) is null
                or conversion.client_conversion_event_local_created_at
                < listed.local_user_created_at
                + make_interval(days => cast(%(window_days)s as integer))
            )
            and (
                cardinality(cast(%(sources)s as text[])) = 0
                or coalesce(conversion.client_conversion_event_source, '(no source)')
                = any(cast(%(sources)s as text[]))
            ) as converted
        from listed
        left join marts.fct_lead_conversions as conversion
            on
                listed.user_id = conversion.user_id
                and conversion.client_conversion_event_filter = %(event_filter)s
                and conversion.lead_status = 'CLIENT'
    )

    select
        user_id as member_id,
        branch,
        country,
        local_user_created_at as signup_local,
        case when converted then 'CLIENT' else 'LEAD' end as status,
        case when converted then client_conversion_event_type end as event_type,
        case when converted then client_conversion_event_id end as event_id,
        case when converted then client_conversion_event_local_created_at end as event_local,
        case when converted then client_conversion_event_name end as event_name,
        case when converted then client_conversion_event_source end as event_source,
        case when converted then round(cast(days_to_conversion as numeric), 1) end
            as days_to_conversion
    from drilled
    order by local_user_created_at nulls last, user_id
    """
)


def _drill_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    if dimension == "source":
        # Clients only: the filter's client rows of that source in the window ("days < N" is
        # "event < signup + N days"), in signup order.
        rows = sql.SQL(
            """
            member.client_conversion_event_filter = %(event_filter)s
            and member.is_client
            and (
                cast(%(window_days)s as integer) is null
                or member.days_to_conversion < cast(%(window_days)s as integer)
            )
            and (
                cardinality(cast(%(sources)s as text[])) = 0
                or member.source_label = any(cast(%(sources)s as text[]))
            )
            """
        )
    else:
        # Every lead of the value (its ALL row), converted or not.
        rows = sql.SQL("member.client_conversion_event_filter = 'ALL'")
    listed = sql.SQL(
        """
        with listed as (
            select
                member.user_id,
                member.branch,
                member.country,
                member.local_user_created_at
            from marts.dash_lead_members as member
            where
                {rows}
                and member.{column} = %(drill_value)s
                and {scope}
            order by member.local_user_created_at nulls last, member.user_id
            limit {limit}
        )
        """
    ).format(rows=rows, column=column, scope=_in_scope("member"), limit=sql.Literal(DRILL_LIMIT))
    return listed + _DRILL_COLUMNS


def _drill_count_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    # By source: its clients only; else every member (lead or client) of the value.
    counted = sql.SQL("converted") if dimension == "source" else sql.SQL("members")
    return _SCOPED + sql.SQL(
        """
        select cast(coalesce(sum({counted}), 0) as bigint) as members
        from scoped
        where {column} = %(drill_value)s
        """
    ).format(column=column, counted=counted)


Q_BREAKDOWN = {
    dim: queries.register(f"lead_breakdown_{dim}", _breakdown_query(dim)) for dim in DIMENSIONS
}
Q_DRILL = {dim: queries.register(f"lead_drill_{dim}", _drill_query(dim)) for dim in DIMENSIONS}
Q_DRILL_COUNT = {
    dim: queries.register(f"lead_drill_count_{dim}", _drill_count_query(dim)) for dim in DIMENSIONS
}


def _options(version: str) -> dict[str, list[str]]:
    everything = {"countries": [], "branches": [], "sources": [], "cohorts": [], "policies": []}
    frame = queries.frame(Q_OPTIONS, version, event_filter="ALL", window_days=None, **everything)
    return {kind: frame.loc[frame["kind"] == kind, "value"].tolist() for kind in DIMENSIONS}


def _filters(options: dict[str, list[str]]) -> dict[str, Any]:
    """The filter controls, bound to the URL; the event filter comes first."""
    event_filter = st.radio(
        "Conversion event filter",
        EVENT_FILTERS,
        key="event",
        horizontal=True,
        bind="query-params",
        help="Which purchases count as a conversion (L13): ALL = membership or credit pack, "
        "MEMBERSHIP = memberships only, USER_CREDIT = credit packs only.",
    )
    policies = st.multiselect(
        "Gym conversion policy",
        options["policy"],
        key="policy",
        bind="query-params",
        help="Which purchases each gym itself counts (dim_branches.conversion_policy): "
        "MEMBERSHIP = membership-only gyms, USER_CREDIT = credit-pack-only gyms, ALL = both.",
    )
    columns = st.columns(5)
    with columns[0]:
        countries = st.multiselect(
            "Country", options["country"], key="country", bind="query-params"
        )
    with columns[1]:
        branches = st.multiselect("Branch", options["branch"], key="branch", bind="query-params")
    with columns[2]:
        sources = st.multiselect(
            "Source",
            options["source"],
            key="source",
            bind="query-params",
            help="The conversion event's source: narrows the clients, not the leads.",
        )
    with columns[3]:
        cohorts = st.multiselect(
            "Signup cohort month", options["cohort"], key="cohort", bind="query-params"
        )
    with columns[4]:
        window = st.selectbox(
            "Conversion window",
            list(WINDOWS),
            key="window",
            bind="query-params",
            help="Count a conversion only when the event came less than N days after signup.",
        )
    return {
        "event_filter": event_filter or "ALL",
        "countries": list(countries),
        "branches": list(branches),
        "sources": list(sources),
        "cohorts": list(cohorts),
        "policies": list(policies),
        "window_days": WINDOWS[window or "any time"],
    }


def _kpis(version: str, params: dict[str, Any]) -> None:
    values = queries.row(Q_KPIS, version, **params)
    leads, clients = int(values.get("leads") or 0), int(values.get("clients") or 0)
    columns = st.columns(4)
    components.kpi(
        columns[0],
        "Leads",
        formatting.count(leads),
        "users in scope",
        "Users in scope (L13 ALL rows).",
    )
    components.kpi(
        columns[1],
        "Clients",
        formatting.count(clients),
        f"converted under {params['event_filter']}",
        "Leads with a conversion under the event filter (and window).",
    )
    components.kpi(
        columns[2],
        "Conversion rate",
        formatting.rate(clients, leads),
        formatting.ratio_caption(clients, leads),
        f"clients / leads = {formatting.ratio_caption(clients, leads)}",
    )
    components.kpi(
        columns[3],
        "Median time to conversion",
        formatting.days(values.get("median_days")),
        "signup to conversion event, local time",
        "Median of (event local time - signup local time) over the clients.",
    )


def _set_drill(value: str | None) -> None:
    st.session_state["drill"] = value


def _on_row_select(table_key: str, values: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        _set_drill(values[rows[0]])


def _breakdown(version: str, params: dict[str, Any]) -> str:
    dimension = st.radio(
        "Break down by",
        list(DIMENSIONS),
        format_func=lambda key: DIMENSIONS[key][0],
        key="by",
        horizontal=True,
        bind="query-params",
        on_change=_set_drill,
        args=(None,),
    )
    dimension = dimension or "branch"
    frame = queries.frame(Q_BREAKDOWN[dimension], version, **params)
    label = DIMENSIONS[dimension][0]
    table = pd.DataFrame(
        {
            label: frame["value"],
            "Leads": frame["leads"].astype(int),
            "Clients": frame["clients"].astype(int),
            "Conversion rate": [
                formatting.rate(c, n) for c, n in zip(frame["clients"], frame["leads"], strict=True)
            ],
        }
    )
    chart_data = frame.assign(
        rate=[
            int(c) / int(n) if int(n) else None
            for c, n in zip(frame["clients"], frame["leads"], strict=True)
        ]
    )
    chart = (
        alt.Chart(chart_data.head(40))
        .mark_bar()
        .encode(
            x=alt.X("value:N", title=label, sort=None if dimension == "cohort" else "-y"),
            y=alt.Y("rate:Q", title="Conversion rate", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("value:N", title=label),
                alt.Tooltip("leads:Q", title="Leads"),
                alt.Tooltip("clients:Q", title="Clients"),
                alt.Tooltip("rate:Q", title="Rate", format=".2%"),
            ],
        )
        .add_params(alt.selection_point(name="pick", fields=["value"]))
    )
    values = frame["value"].tolist()
    st.altair_chart(
        chart,
        key="lead_bar",
        on_select=lambda: _on_bar_select(),
        selection_mode="pick",
    )
    st.caption(
        f"Click a bar or a row to see the members behind it (up to {DRILL_LIMIT} rows)."
        + (
            " By source: each source's clients / all leads in scope."
            if dimension == "source"
            else ""
        )
    )
    st.dataframe(
        table,
        hide_index=True,
        key="lead_table",
        on_select=lambda: _on_row_select("lead_table", values),
        selection_mode="single-row",
        row_height=ROW_HEIGHT,
    )
    return dimension


def _on_bar_select() -> None:
    points = st.session_state["lead_bar"].selection.get("pick") or []
    if points:
        _set_drill(str(points[0].get("value")))


def _time_to_conversion(version: str, params: dict[str, Any]) -> None:
    st.subheader("Time from signup to conversion")
    frame = queries.frame(Q_BUCKETS, version, **params)
    if frame.empty:
        st.info("No clients in this view.")
        return
    frame = frame.assign(bucket=frame["bucket"].str.replace(r"^\d ", "", regex=True))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("bucket:N", title="signup to conversion", sort=None),
            y=alt.Y("clients:Q", title="Clients"),
            tooltip=["bucket", "clients"],
        )
    )
    st.altair_chart(chart)


def _drill_down(version: str, params: dict[str, Any], dimension: str, values: list[str]) -> None:
    drill = st.selectbox(
        f"Members behind a {DIMENSIONS[dimension][0].lower()}",
        values,
        index=None,
        key="drill",
        bind="query-params",
        placeholder="Pick a value, a bar or a row",
    )
    if not drill:
        return
    count = int(
        queries.row(Q_DRILL_COUNT[dimension], version, drill_value=drill, **params)["members"]
    )
    st.subheader(f"Members: {DIMENSIONS[dimension][0]} = {drill}")
    st.button("← Back to the overview", key="drill_back", on_click=_set_drill, args=(None,))
    st.caption(
        f"{formatting.count(count)} members"
        + (f"; the first {DRILL_LIMIT} by signup time are shown" if count > DRILL_LIMIT else "")
        + ". Times are local to the member's branch (L8)."
    )
    rows = queries.frame(Q_DRILL[dimension], version, drill_value=drill, **params)
    st.dataframe(rows, hide_index=True, key="drill_table")


def render() -> None:
    st.title("Lead conversions")
    version = components.require(RELATIONS)
    options = _options(version)
    params = _filters(options)
    _kpis(version, params)
    st.divider()
    dimension = _breakdown(version, params)
    values = queries.frame(Q_BREAKDOWN[dimension], version, **params)["value"].tolist()
    st.divider()
    _drill_down(version, params, dimension, values)
    st.divider()
    _time_to_conversion(version, params)
