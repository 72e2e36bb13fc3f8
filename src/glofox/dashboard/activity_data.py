"""The Activity page's data: the queries over the activity marts, and nothing else.

marts.metrics_30d and fct_activity_segments_30d are daily series (one row per as-of date, and per
segment): the as-of dates and the trends over a range come from metrics_30d (at week or
month grain a period is the row of its last day in the range, never a sum of days), the KPIs
of any day under the filters from the segments. The daily rows, cohorts and new users
describe the series' latest day only.

The 30-day figures of an as-of date D (the 30 days ending with D, UTC) are sums over
marts.dash_activity_segments (fct_activity_segments_30d with its labels: one row per D x branch x
country x acquisition source, each user in one segment), so every rate is sum(numerator) /
sum(denominator) over the segments in the filter, never an average of rates. The semantic
layer's metrics new_users, new_user_revenue, active_users, active_paying_users,
conversion_rate_30d and retention_rate_30d read the same relation and are tested to equal
what these queries give for the same filters (tests/python/test_semantic_layer.py).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from psycopg import sql

from glofox.dashboard import queries

RELATIONS = (
    "marts.metrics_30d",
    "marts.fct_activity_segments_30d",
    "marts.fct_activity_daily_segments_30d",
    "marts.fct_retention_by_first_payment_cohort",
    "marts.dim_new_users_30d",
    "marts.fct_lead_conversions",
    "marts.dim_branches",
    "marts.dash_activity_new_users",
    "marts.dash_activity_segments",
    "marts.dash_activity_daily_segments",
    "marts.dash_country_labels",
    queries.BUILD_INFO,
)
DRILLS = {
    "new users": "every new user of the 30 days",
    "converted new users": "new users who paid or sent a message in the 30 days",
    "new users who paid": "new users with a payment in the 30 days",
}
DRILL_LIMIT = 500

_FILTERED = """
    (cardinality(cast(%(countries)s as text[])) = 0
        or {prefix}country = any(cast(%(countries)s as text[])))
    and (cardinality(cast(%(branches)s as text[])) = 0
        or {prefix}branch = any(cast(%(branches)s as text[])))
    and (cardinality(cast(%(sources)s as text[])) = 0
        or {prefix}acquisition_source = any(cast(%(sources)s as text[])))
"""

Q_AS_OF = queries.register(
    "activity_as_of_dates",
    "select as_of_date from marts.metrics_30d order by as_of_date desc",
)
Q_SERIES = queries.register(
    "activity_series",
    """
    select distinct on (cast(date_trunc(%(grain)s, as_of_date) as date))
        cast(date_trunc(%(grain)s, as_of_date) as date) as period,
        as_of_date,
        new_users,
        new_user_revenue,
        active_users,
        active_paying_users,
        converted_new_users,
        conversion_rate,
        retention_cohort_users,
        retained_users,
        retention_rate
    from marts.metrics_30d
    where as_of_date between %(start)s and %(end)s
    -- a week or a month is its last day in the range, never a sum of days
    order by cast(date_trunc(%(grain)s, as_of_date) as date), as_of_date desc
    """,
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
    """
    select 'country' as kind, country as value from marts.dash_activity_segments
    where as_of_date = %(as_of)s
    union
    select 'branch', branch from marts.dash_activity_segments where as_of_date = %(as_of)s
    union
    select 'source', acquisition_source from marts.dash_activity_segments
    where as_of_date = %(as_of)s
    order by 1, 2
    """,
)
Q_KPIS = queries.register(
    "activity_kpis",
    """
    select
        coalesce(sum(new_users), 0) as new_users,
        coalesce(sum(new_user_revenue), 0) as new_user_revenue,
        coalesce(sum(converted_new_users), 0) as converted_new_users,
        coalesce(sum(active_users), 0) as active_users,
        coalesce(sum(active_paying_users), 0) as active_paying_users,
        coalesce(sum(retention_cohort_users), 0) as retention_cohort_users,
        coalesce(sum(retained_users), 0) as retained_users
    from marts.dash_activity_segments
    where as_of_date = %(as_of)s and """
    + _FILTERED.format(prefix=""),
)
# The daily rows of D's window, with the segment labels of dash_activity_segments
# (dash_activity_daily_segments: fct_activity_daily_segments_30d labelled by the build).
Q_DAILY = queries.register(
    "activity_daily",
    """
    select
        cast(date_trunc(%(grain)s, activity_date) as date) as period,
        sum(new_users) as new_users,
        sum(converted_new_users) as converted_new_users,
        sum(new_user_revenue) as new_user_revenue,
        sum(messages) as messages,
        sum(payments) as payments,
        sum(revenue) as revenue,
        sum(active_users) as active_users
    from marts.dash_activity_daily_segments
    where
        as_of_date = %(as_of)s
        and """
    + _FILTERED.format(prefix="")
    + """
        -- the window's days only; the rows before it carry D's retention cohort
        and activity_date >= (
            select cast(window_start as date) from marts.metrics_30d
            where as_of_date = %(as_of)s
        )
    group by 1
    order by 1
    """,
)
Q_COHORTS = queries.register(
    "activity_cohorts",
    """
    select cohort_start, cohort_end, cohort_users, retained_users
    from marts.fct_retention_by_first_payment_cohort
    where as_of_date = %(as_of)s and cohort_grain = %(grain)s
    order by cohort_start
    """,
)

# The drill-down reads marts.dash_activity_new_users: dim_new_users_30d with the segment labels,
# indexed in the page's order, so the list (the first DRILL_LIMIT) and its count answer at
# once at 1M users.
_DRILLED = (
    """
    from marts.dash_activity_new_users
    where
        as_of_date = %(as_of)s
        and """
    + _FILTERED.format(prefix="").replace("country =", "country_label =")
    + """
        and (
            %(drill)s = 'new users'
            or (%(drill)s = 'converted new users' and is_converted)
            or (%(drill)s = 'new users who paid' and revenue_in_window > 0)
        )
"""
)
Q_DRILL_COUNT = queries.register("activity_drill_count", "select count(*) as users" + _DRILLED)
Q_DRILL = queries.register(
    "activity_drill",
    sql.SQL(
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
    ).format(limit=sql.Literal(DRILL_LIMIT)),
)


def as_of_dates(version: str) -> list[Any]:
    return queries.frame(Q_AS_OF, version)["as_of_date"].tolist()


def window(version: str, as_of: Any) -> dict[str, Any]:
    return queries.row(Q_WINDOW, version, as_of=as_of)


def options(version: str, as_of: Any) -> dict[str, list[str]]:
    frame = queries.frame(Q_OPTIONS, version, as_of=as_of)
    return {
        kind: frame.loc[frame["kind"] == kind, "value"].tolist()
        for kind in ("country", "branch", "source")
    }


def series(version: str, start: Any, end: Any, grain: str) -> pd.DataFrame:
    """metrics_30d from start to end; at week or month grain each period's last day."""
    return queries.frame(Q_SERIES, version, start=start, end=end, grain=grain)


def kpis(version: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The 30-day numerators and denominators of D under the filters (0 over nothing)."""
    chosen = {k: v for k, v in filters.items() if k != "latest"}
    values = queries.row(Q_KPIS, version, **chosen)
    return {key: (values[key] if key == "new_user_revenue" else int(values[key])) for key in values}


def _segment_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters of the marts of one day, the series' latest."""
    latest = filters.get("latest") or filters["as_of"]
    return {**{k: v for k, v in filters.items() if k != "latest"}, "as_of": latest}


def daily(version: str, filters: dict[str, Any], grain: str) -> pd.DataFrame:
    return queries.frame(Q_DAILY, version, grain=grain, **_segment_filters(filters))


def cohorts(version: str, as_of: Any, grain: str) -> pd.DataFrame:
    return queries.frame(Q_COHORTS, version, as_of=as_of, grain=grain)


def drill_count(version: str, filters: dict[str, Any], drill: str) -> int:
    return int(
        queries.row(Q_DRILL_COUNT, version, drill=drill, **_segment_filters(filters))["users"]
    )


def drill(version: str, filters: dict[str, Any], drill: str) -> pd.DataFrame:
    return queries.frame(Q_DRILL, version, drill=drill, **_segment_filters(filters))
