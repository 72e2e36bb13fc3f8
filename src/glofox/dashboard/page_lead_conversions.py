"""Lead conversions page: leads, clients and conversion rate (spec L1-L15) with drill-down.

Reads marts.fct_lead_conversions (L13) and marts.dim_branches (L6). Every filter is bound to
the URL (st.query_params), so a view can be shared, and stays while drilling down and back.

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

RELATIONS = ("marts.fct_lead_conversions", "marts.dim_branches")
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
    "source": ("Source", "source"),
    "cohort": ("Signup cohort month", "signup_month"),
    "policy": ("Gym conversion policy", "gym_policy"),
}
DRILL_LIMIT = 500
ROW_HEIGHT = 35  # pixels per table row (the e2e test clicks a row by position)

# One member per lead in scope, with the conversion under the chosen event filter.
_MEMBERS = sql.SQL(
    """
    with lead_rows as (
        select user_id, branch_id, local_user_created_at
        from marts.fct_lead_conversions
        where client_conversion_event_filter = 'ALL'
    ),

    conversion_rows as (
        select
            user_id,
            client_conversion_event_type,
            client_conversion_event_id,
            client_conversion_event_local_created_at,
            client_conversion_event_name,
            client_conversion_event_source
        from marts.fct_lead_conversions
        where
            client_conversion_event_filter = %(event_filter)s
            and lead_status = 'CLIENT'
    ),

    -- Countries are grouped case-insensitively ('poland' and 'Poland' are kept as given in
    -- dim_branches, L1); the label is the most common spelling.
    spellings as (
        select lower(country) as country_key, country, count(*) as branches
        from marts.dim_branches
        where country is not null
        group by lower(country), country
    ),

    canonical_countries as (
        select distinct on (country_key) country_key, country
        from spellings
        order by country_key, branches desc, country
    ),

    branches as (
        select
            dim_branches.branch_id,
            dim_branches.branch_name,
            dim_branches.conversion_policy,
            canonical_countries.country
        from marts.dim_branches
        left join canonical_countries
            on lower(dim_branches.country) = canonical_countries.country_key
    ),

    joined as (
        select
            lead_rows.user_id,
            lead_rows.branch_id,
            coalesce(branches.branch_name, lead_rows.branch_id, '(no branch)') as branch,
            coalesce(branches.conversion_policy, '(unknown)') as gym_policy,
            coalesce(branches.country, '(unknown)') as country,
            coalesce(to_char(lead_rows.local_user_created_at, 'YYYY-MM'), '(unknown)')
                as signup_month,
            lead_rows.local_user_created_at,
            conversion_rows.client_conversion_event_type,
            conversion_rows.client_conversion_event_id,
            conversion_rows.client_conversion_event_local_created_at,
            conversion_rows.client_conversion_event_name,
            conversion_rows.client_conversion_event_source,
            coalesce(conversion_rows.client_conversion_event_source, '(no source)') as source,
            extract(
                epoch from conversion_rows.client_conversion_event_local_created_at
                - lead_rows.local_user_created_at
            ) / 86400.0 as days_to_conversion,
            conversion_rows.user_id is not null
            and (
                cast(%(window_days)s as integer) is null
                or conversion_rows.client_conversion_event_local_created_at
                < lead_rows.local_user_created_at
                + make_interval(days => cast(%(window_days)s as integer))
            ) as converted_in_window
        from lead_rows
        left join branches
            on lead_rows.branch_id = branches.branch_id
        left join conversion_rows
            on lead_rows.user_id = conversion_rows.user_id
    ),

    members as (
        select
            *,
            converted_in_window
            and (
                cardinality(cast(%(sources)s as text[])) = 0
                or source = any(cast(%(sources)s as text[]))
            ) as converted
        from joined
        where
            (cardinality(cast(%(countries)s as text[])) = 0
                or country = any(cast(%(countries)s as text[])))
            and (cardinality(cast(%(branches)s as text[])) = 0
                or branch = any(cast(%(branches)s as text[])))
            and (cardinality(cast(%(cohorts)s as text[])) = 0
                or signup_month = any(cast(%(cohorts)s as text[])))
            and (cardinality(cast(%(policies)s as text[])) = 0
                or gym_policy = any(cast(%(policies)s as text[])))
    )
    """
)

Q_OPTIONS = queries.register(
    "lead_options",
    _MEMBERS
    + sql.SQL(
        """
        select 'country' as kind, country as value from members
        union
        select 'branch', branch from members
        union
        select 'cohort', signup_month from members
        union
        select 'policy', gym_policy from members
        union
        select 'source', coalesce(client_conversion_event_source, '(no source)')
        from marts.fct_lead_conversions
        where lead_status = 'CLIENT'
        order by 1, 2
        """
    ),
)

Q_KPIS = queries.register(
    "lead_kpis",
    _MEMBERS
    + sql.SQL(
        """
        select
            count(*) as leads,
            count(*) filter (where converted) as clients,
            percentile_cont(0.5) within group (order by days_to_conversion)
                filter (where converted) as median_days
        from members
        """
    ),
)

Q_BUCKETS = queries.register(
    "lead_time_to_conversion",
    _MEMBERS
    + sql.SQL(
        """
        , bucketed as (
            select
                case
                    when days_to_conversion is null then '(unknown signup time)'
                    when days_to_conversion < 0 then '0 before signup'
                    when days_to_conversion < 1 then '1 same day (< 1 day)'
                    when days_to_conversion < 7 then '2 1-7 days'
                    when days_to_conversion < 30 then '3 7-30 days'
                    when days_to_conversion < 90 then '4 30-90 days'
                    else '5 90+ days'
                end as bucket
            from members
            where converted
        )
        select bucket, count(*) as clients
        from bucketed
        group by bucket
        order by bucket
        """
    ),
)


def _breakdown_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    # Cohorts read in time order; the other dimensions biggest first.
    order = sql.SQL("value") if dimension == "cohort" else sql.SQL("leads desc, value")
    if dimension == "source":
        # Leads have no source: each source's clients over all leads in scope.
        return _MEMBERS + sql.SQL(
            """
            select
                {column} as value,
                (select count(*) from members) as leads,
                count(*) as clients
            from members
            where converted
            group by {column}
            order by clients desc, value
            """
        ).format(column=column)
    return _MEMBERS + sql.SQL(
        """
        select
            {column} as value,
            count(*) as leads,
            count(*) filter (where converted) as clients
        from members
        group by {column}
        order by {order}
        """
    ).format(column=column, order=order)


def _drill_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    only_clients = sql.SQL("and converted") if dimension == "source" else sql.SQL("")
    return _MEMBERS + sql.SQL(
        """
        select
            user_id as member_id,
            branch,
            country,
            local_user_created_at as signup_local,
            case when converted then 'CLIENT' else 'LEAD' end as status,
            case when converted then client_conversion_event_type end as event_type,
            case when converted then client_conversion_event_id end as event_id,
            case when converted then client_conversion_event_local_created_at end
                as event_local,
            case when converted then client_conversion_event_name end as event_name,
            case when converted then client_conversion_event_source end as event_source,
            case when converted then round(cast(days_to_conversion as numeric), 1) end
                as days_to_conversion
        from members
        where {column} = %(drill_value)s {only_clients}
        order by local_user_created_at nulls last, user_id
        limit {limit}
        """
    ).format(column=column, only_clients=only_clients, limit=sql.Literal(DRILL_LIMIT))


def _drill_count_query(dimension: str) -> sql.Composable:
    column = sql.Identifier(DIMENSIONS[dimension][1])
    only_clients = sql.SQL("and converted") if dimension == "source" else sql.SQL("")
    return _MEMBERS + sql.SQL(
        "select count(*) as members from members where {column} = %(drill_value)s {only_clients}"
    ).format(column=column, only_clients=only_clients)


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
