"""The lead page's data: the queries over the relations dbt builds for it, and nothing else.

Every number is a sum over marts.dash_lead_counts (or an ordered read of
marts.dash_lead_members): members per event filter x branch x country x gym policy x signup
month x source, per band of days to conversion. The definitions live in dbt: the semantic
layer's metrics `leads`, `clients`, `lead_conversion_rate` and `median_days_to_conversion`
(models/semantic, docs/metrics.md) are tested to equal what these queries return for the same
filters (tests/python/test_semantic_layer.py); the page module only filters and renders.

- leads: every lead in scope once (its ALL row), whatever the event filter;
- clients: leads with a conversion under the chosen event filter (ALL / MEMBERSHIP /
  USER_CREDIT), of a chosen source, and with an N-day window, less than N days after signup
  (local times of the branch);
- lead conversion rate: clients / leads, recomputed from the counts at every level shown;
- source belongs to the conversion event, so a lead has none: filtering by source narrows the
  clients, not the leads, and the by-source breakdown divides each source's clients by all
  leads in scope (the rows add up to the total rate).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from psycopg import sql

from glofox.dashboard import queries

# The marts the page summarises, then the two relations built for it (models/marts/dashboard).
RELATIONS = (
    "marts.fct_lead_conversions",
    "marts.dim_branches",
    "marts.dash_lead_counts",
    "marts.dash_lead_members",
    "marts.dash_lead_options",
    queries.BUILD_INFO,
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
    "cohort": ("Signup month", "signup_month"),
    "policy": ("Gym conversion policy", "gym_policy"),
}
# The drill-down's index key of each dimension in dash_lead_members: labels from the sources
# (a branch name, a country, a source) may be kilobytes long, more than a B-tree entry holds,
# so the relation indexes them by their md5 as a uuid; the bounded ones by the label itself.
DRILL_KEYS: dict[str, str | None] = {
    "branch": "branch_key",
    "country": "country_key",
    "source": "source_key",
    "cohort": None,
    "policy": None,
}
assert DRILL_KEYS.keys() == DIMENSIONS.keys()
DRILL_LIMIT = 500
ROW_HEIGHT = 35  # pixels per table row (the e2e test clicks a row by position)

# The page reads two relations built for it (models/marts/dashboard), so that each
# query answers in well under 200 ms at 1M users:
# - marts.dash_lead_counts: members per event filter x label (branch, country, gym policy,
#   signup month) x source, converted or not, with the clients per band of days to conversion
#   (bounds 0, 1, 7, 14, 30, 60, 90, which hold every window): leads, clients, breakdowns,
#   options and drill counts are sums of it;
# - marts.dash_lead_members: one row per fct_lead_conversions row with the same labels, for the
#   drill-down lists (index-ordered, LIMIT) and the exact median (an index-ordered OFFSET).
# The bands of dash_lead_counts: (column, upper bound in days (None: none), time-to-conversion
# bucket: the semantic layer's time_to_conversion after the sort prefix). A band counts
# within an N-day window iff its upper bound is <= N ("days < N" is exact on the bounds; the
# unknown and 90+ bands only without a window).
BANDS: tuple[tuple[str, int | None, str], ...] = (
    ("clients_days_unknown", None, "6 unknown signup time"),
    ("clients_before_signup", 0, "0 before signup"),
    ("clients_days_0_1", 1, "1 same day"),
    ("clients_days_1_7", 7, "2 1-7 days"),
    ("clients_days_7_14", 14, "3 7-30 days"),
    ("clients_days_14_30", 30, "3 7-30 days"),
    ("clients_days_30_60", 60, "4 30-90 days"),
    ("clients_days_60_90", 90, "4 30-90 days"),
    ("clients_days_90_plus", None, "5 90 days or more"),
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


def _md5_keys(param: str) -> sql.Composable:
    """The md5 (as a uuid) of each value of a filter list: the index keys of the labels."""
    return sql.SQL(
        "array(select cast(md5(value) as uuid) from unnest(cast(%({})s as text[])) as value)"
    ).format(sql.SQL(param))


# The scope and the source filter of the median's read, by the index keys of dash_lead_members'
# index on days: the read checks them in the index alone (the labels may be kilobytes, so the
# index holds their md5, never the labels).
_IN_SCOPE_BY_KEYS = sql.SQL(
    """
    (cardinality(cast(%(countries)s as text[])) = 0 or country_key = any({countries}))
    and (cardinality(cast(%(branches)s as text[])) = 0 or branch_key = any({branches}))
    and (cardinality(cast(%(cohorts)s as text[])) = 0
        or signup_month = any(cast(%(cohorts)s as text[])))
    and (cardinality(cast(%(policies)s as text[])) = 0
        or gym_policy = any(cast(%(policies)s as text[])))
    and (cardinality(cast(%(sources)s as text[])) = 0 or source_key = any({sources}))
    """
).format(
    countries=_md5_keys("countries"), branches=_md5_keys("branches"), sources=_md5_keys("sources")
)


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
    "select kind, option_value as value from marts.dash_lead_options order by kind, value",
)

# The median is exact: the clients with a known time to conversion are counted from the
# aggregate, then the one or two middle values are read in index order (OFFSET) and
# percentile_cont interpolates them as it would over all the values. The read starts at the
# band of days holding the first middle value (its lower bound; the band counts say how many
# values lie below it), not at the smallest value, so it visits a fraction of the rows: the
# index-only scan also reads the heap until autovacuum has marked a new table's pages.
_TIMED_BANDS = [
    (column, lower)
    for column, lower in (
        ("clients_before_signup", "-Infinity"),
        ("clients_days_0_1", "0"),
        ("clients_days_1_7", "1"),
        ("clients_days_7_14", "7"),
        ("clients_days_14_30", "14"),
        ("clients_days_30_60", "30"),
        ("clients_days_60_90", "60"),
        ("clients_days_90_plus", "90"),
    )
]
assert {column for column, _ in _TIMED_BANDS} == {
    column for column, _, _ in BANDS if column != "clients_days_unknown"
}
Q_KPIS = queries.register(
    "lead_kpis",
    _SCOPED
    + sql.SQL(
        """
        , totals as (
            select
                coalesce(sum(members), 0) as leads,
                coalesce(sum(converted), 0) as clients,
                coalesce(sum(timed), 0) as timed_clients,
                cast(floor(greatest(coalesce(sum(timed), 0) - 1, 0) / 2) as bigint) as first_middle,
                {band_sums}
            from scoped
        ),

        start as (
            select bands.lower_bound, totals.first_middle - bands.below as skipped
            from totals
            cross join lateral (
                select
                    band.lower_bound,
                    sum(band.clients) over (order by band.lower_bound) - band.clients as below
                from (values {band_values}) as band (lower_bound, clients)
            ) as bands
            where bands.below <= totals.first_middle
            order by bands.lower_bound desc
            limit 1
        ),

        middle as (
            select days_to_conversion
            from marts.dash_lead_members
            where
                client_conversion_event_filter = %(event_filter)s
                and is_client
                and days_to_conversion is not null
                and days_to_conversion >= (select lower_bound from start)
                and {scope_by_keys}
                and (
                    cast(%(window_days)s as integer) is null
                    or days_to_conversion < cast(%(window_days)s as integer)
                )
            order by days_to_conversion
            -- n values: the middle one (n odd) or two (n even) start at floor((n - 1) / 2)
            offset (select skipped from start)
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
    ).format(
        scope=_in_scope(),
        scope_by_keys=_IN_SCOPE_BY_KEYS,
        band_sums=sql.SQL(",\n                ").join(
            sql.SQL("coalesce(sum({column}), 0) as {column}").format(column=sql.Identifier(column))
            for column, _ in _TIMED_BANDS
        ),
        band_values=sql.SQL(", ").join(
            sql.SQL("(cast({lower} as numeric), totals.{column})").format(
                lower=sql.Literal(lower), column=sql.Identifier(column)
            )
            for column, lower in _TIMED_BANDS
        ),
    ),
)

Q_BUCKETS = queries.register(
    "lead_time_to_conversion",
    _SCOPED
    + sql.SQL(
        """
        -- each band summed once, then the bands spread over the buckets (a few rows, not
        -- one per band of every row of the counts)
        , band_totals as (
            select {band_sums}
            from scoped
        ),

        bucketed as (
            select buckets.bucket, buckets.clients
            from band_totals
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
        band_sums=sql.SQL(", ").join(
            sql.SQL("sum({column}) as {column}").format(column=sql.Identifier(column))
            for column, _, _ in BANDS
        ),
        buckets=sql.SQL(", ").join(
            sql.SQL("({}, {})").format(sql.Literal(bucket), sql.Identifier(column))
            for column, _, bucket in BANDS
        ),
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
# dash_lead_members through its indexes), then each one's conversion under the filter
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
            case
                when isfinite(conversion.client_conversion_event_local_created_at)
                    and isfinite(listed.local_user_created_at)
                    then extract(
                        epoch from conversion.client_conversion_event_local_created_at
                        - listed.local_user_created_at
                    ) / 86400.0
            end as days_to_conversion,
            conversion.user_id is not null
            and (
                cast(%(window_days)s as integer) is null
                -- "days < N", as the counts read it: no days (NULL) when a time is infinite
                or (
                    isfinite(conversion.client_conversion_event_local_created_at)
                    and isfinite(listed.local_user_created_at)
                    and conversion.client_conversion_event_local_created_at
                    < listed.local_user_created_at
                    + make_interval(days => cast(%(window_days)s as integer))
                )
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
    key = DRILL_KEYS[dimension]
    # The value by its index key (its md5, the relation's key column) and by itself.
    value = sql.SQL("member.{column} = %(drill_value)s").format(column=column)
    if key:
        value = sql.SQL(
            "member.{key} = cast(md5(cast(%(drill_value)s as text)) as uuid) and {value}"
        ).format(key=sql.Identifier(key), value=value)
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
                and {value}
                and {scope}
            order by member.local_user_created_at nulls last, member.user_id
            limit {limit}
        )
        """
    ).format(rows=rows, value=value, scope=_in_scope("member"), limit=sql.Literal(DRILL_LIMIT))
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


SMALL_GROUP = 30  # fewer leads than this: the rate is flagged as resting on a small group


def options(version: str) -> dict[str, list[str]]:
    """The values each filter offers (every lead's labels; sources of the clients)."""
    frame = queries.frame(Q_OPTIONS, version)
    return {kind: frame.loc[frame["kind"] == kind, "value"].tolist() for kind in DIMENSIONS}


def kpis(version: str, filters: dict[str, Any]) -> dict[str, Any]:
    """leads, clients and the median days to conversion under the filters."""
    values = queries.row(Q_KPIS, version, **filters)
    return {
        "leads": int(values.get("leads") or 0),
        "clients": int(values.get("clients") or 0),
        "median_days": values.get("median_days"),
    }


def breakdown(version: str, filters: dict[str, Any], dimension: str) -> pd.DataFrame:
    """value, leads, clients, rate (a fraction; None without leads) and small_group, in the
    order the page shows them (signup months in time order, else biggest first)."""
    frame = queries.frame(Q_BREAKDOWN[dimension], version, **filters)
    leads = frame["leads"].astype(int)
    clients = frame["clients"].astype(int)
    return pd.DataFrame(
        {
            "value": frame["value"].astype(str),
            "leads": leads,
            "clients": clients,
            "rate": [c / n if n else None for c, n in zip(clients, leads, strict=True)],
            "small_group": leads < SMALL_GROUP,
        }
    )


def time_to_conversion(version: str, filters: dict[str, Any]) -> pd.DataFrame:
    """Clients per band of days from signup to conversion (the semantic layer's bands)."""
    frame = queries.frame(Q_BUCKETS, version, **filters)
    return pd.DataFrame(
        {
            "band": frame["bucket"].str.replace(r"^\d ", "", regex=True),
            "clients": frame["clients"].astype(int),
        }
    )


def drill_count(version: str, filters: dict[str, Any], dimension: str, value: str) -> int:
    row = queries.row(Q_DRILL_COUNT[dimension], version, drill_value=value, **filters)
    return int(row.get("members") or 0)


def drill(version: str, filters: dict[str, Any], dimension: str, value: str) -> pd.DataFrame:
    """The first DRILL_LIMIT members behind a value, in signup order."""
    return queries.frame(Q_DRILL[dimension], version, drill_value=value, **filters)
