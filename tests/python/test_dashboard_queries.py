"""The dashboard's lead and activity drill-down queries give exactly what the pages
showed when they computed every number from the marts at query time.

The page now reads two relations built for it (marts.dash_lead_counts, marts.dash_lead_members:
models/marts/dashboard). Here a reference computes each view from fct_lead_conversions and
dim_branches directly: `MEMBERS` below is the page's former query (one member per lead in
scope), and Python derives from its rows what each registered query must return: leads,
clients, the exact median (percentile_cont), time-to-conversion buckets, every breakdown,
drill count and drill list (first 500 in signup order), and the filter options. Compared on the
sample data (setup.sql) for every event filter and window, with and without each filter. The
activity drill-down (marts.dash_activity_new_users) is compared with the page's former query.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.pq import Format

from glofox import payments_loader
from glofox.dashboard import activity_data, queries
from glofox.dashboard import lead_data as page
from harness import PROJECT_ROOT, ScratchDatabase
from infinite_times import TIMESTAMP_OID, adapt

AS_OF = "2026-03-31"

# The page's former `members` CTE (before it read relations built for it), verbatim but for
# infinite times (setup.sql's d71, d72): days_to_conversion is NULL when a time is infinite
# (the subtraction fails on `infinity`), and such a client is not within any window (no
# days, as a client without a signup time); `select * from members` added, with the signup's
# epoch to order the drill list by (a local signup past year 9999 or before year 1, setup.sql's
# d75 and d76, is read as its text: Python's datetime cannot hold it).
MEMBERS = """
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
            case
                when
                    isfinite(conversion_rows.client_conversion_event_local_created_at)
                    and isfinite(lead_rows.local_user_created_at)
                    then extract(
                        epoch from conversion_rows.client_conversion_event_local_created_at
                        - lead_rows.local_user_created_at
                    ) / 86400.0
            end as days_to_conversion,
            conversion_rows.user_id is not null
            and (
                cast(%(window_days)s as integer) is null
                or (
                    isfinite(conversion_rows.client_conversion_event_local_created_at)
                    and isfinite(lead_rows.local_user_created_at)
                    and conversion_rows.client_conversion_event_local_created_at
                    < lead_rows.local_user_created_at
                    + make_interval(days => cast(%(window_days)s as integer))
                )
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
    select *, extract(epoch from local_user_created_at) as signup_epoch from members
"""


# The activity page's former drill-down query (before dash_activity_new_users), verbatim:
# every user, no limit.
ACTIVITY_DRILL = """
        with spellings as (
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

        members as (
            select user_id, branch_id, client_conversion_event_source
            from marts.fct_lead_conversions
            where client_conversion_event_filter = 'ALL'
        ),

        new_users as (
            select
                dim_new_users_30d.id,
                dim_new_users_30d.created_at,
                dim_new_users_30d.last_active,
                dim_new_users_30d.messages_in_window,
                dim_new_users_30d.payments_in_window,
                dim_new_users_30d.revenue_in_window,
                dim_new_users_30d.is_converted,
                coalesce(dim_branches.branch_name, members.branch_id, 'unknown') as branch,
                coalesce(
                    canonical_countries.country, dim_branches.country, 'unknown'
                ) as country_label,
                coalesce(members.client_conversion_event_source, 'unknown')
                    as acquisition_source
            from marts.dim_new_users_30d
            left join members
                on cast(dim_new_users_30d.id as text) = members.user_id
            left join marts.dim_branches
                on members.branch_id = dim_branches.branch_id
            left join canonical_countries
                on lower(dim_branches.country) = canonical_countries.country_key
            where dim_new_users_30d.as_of_date = %(as_of)s
        )

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
        from new_users
        where
            (cardinality(cast(%(countries)s as text[])) = 0
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
        order by created_at, id
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("dashboard_queries")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    rejects = Path(tmp_path_factory.mktemp("payments")) / "rejects.jsonl"
    payments_loader.load_file(
        db.conn, payments_loader.sample_file(), rejects_path=rejects, progress=False
    )
    db.dbt("seed")
    db.dbt("run", "--exclude", "tag:experiments", vars={"as_of_date": AS_OF})
    yield db
    db.drop()


def connect(db: ScratchDatabase) -> psycopg.Connection:
    """A connection reading `infinity` / `-infinity` as INFINITY / MINUS_INFINITY, and a time
    Python cannot hold (a local time past year 9999 or before year 1) as its text, as the
    page's own connection does."""
    connection = adapt(db.connect())
    for wire_format in (Format.TEXT, Format.BINARY):
        loader = connection.adapters.get_loader(TIMESTAMP_OID, wire_format)
        connection.adapters.register_loader("timestamp", queries._as_text_when_out_of_range(loader))
    return connection


def run(db: ScratchDatabase, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connect(db) as connection, connection.cursor() as cursor:
        cursor.execute(queries._QUERIES[name], params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def members(db: ScratchDatabase, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connect(db) as connection, connection.cursor() as cursor:
        cursor.execute(MEMBERS, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def percentile_cont_half(values: list[float]) -> float | None:
    """PostgreSQL's percentile_cont(0.5) over float8 values."""
    if not values:
        return None
    ordered = sorted(values)
    position = 0.5 * (len(ordered) - 1)
    first, second = math.floor(position), math.ceil(position)
    low, high = ordered[first], ordered[second]
    return low if first == second else low + (high - low) * (position - first)


def bucket(days: Any) -> str:
    if days is None:
        return "6 unknown signup time"
    for bound, label in (
        (0, "0 before signup"),
        (1, "1 same day"),
        (7, "2 1-7 days"),
        (30, "3 7-30 days"),
        (90, "4 30-90 days"),
    ):
        if days < bound:
            return label
    return "5 90 days or more"


def rounded(days: Decimal | None) -> Decimal | None:
    """PostgreSQL's round(numeric, 1): halves away from zero."""
    return None if days is None else days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def drill_list(rows: list[dict[str, Any]]) -> list[tuple]:
    def key(row: dict[str, Any]) -> tuple:
        signup = row["signup_epoch"]  # in signup order, NULL last
        return (signup is None, signup or 0, row["user_id"])

    shown = []
    for row in sorted(rows, key=key)[: page.DRILL_LIMIT]:
        converted = bool(row["converted"])
        shown.append(
            (
                row["user_id"],
                row["branch"],
                row["country"],
                row["local_user_created_at"],
                "CLIENT" if converted else "LEAD",
                row["client_conversion_event_type"] if converted else None,
                row["client_conversion_event_id"] if converted else None,
                row["client_conversion_event_local_created_at"] if converted else None,
                row["client_conversion_event_name"] if converted else None,
                row["client_conversion_event_source"] if converted else None,
                rounded(row["days_to_conversion"]) if converted else None,
            )
        )
    return shown


# The page's labels as the reference names them (source_label: `source`, an SQL keyword).
REFERENCE_COLUMNS = {"source_label": "source"}
NO_FILTERS = {"countries": [], "branches": [], "sources": [], "cohorts": [], "policies": []}


def views(db: ScratchDatabase) -> list[dict[str, Any]]:
    """Every event filter x window, unfiltered and with each filter (a common value)."""
    picked = {
        "countries": ["Poland"],
        "cohorts": ["2026-03"],
        "policies": ["MEMBERSHIP"],
        "branches": [
            db.query("select branch_name from marts.dim_branches order by 1 limit 1")[0][0]
        ],
        "sources": [
            db.query(
                "select client_conversion_event_source from marts.fct_lead_conversions "
                "where client_conversion_event_source is not null "
                "group by 1 order by count(*) desc limit 1"
            )[0][0]
        ],
    }
    chosen = []
    for event_filter in page.EVENT_FILTERS:
        for window in page.WINDOWS.values():
            chosen.append({**NO_FILTERS, "event_filter": event_filter, "window_days": window})
            for key, values in picked.items():
                chosen.append(
                    {**NO_FILTERS, key: values, "event_filter": event_filter, "window_days": window}
                )
    chosen.append(
        {**NO_FILTERS, **picked, "sources": [], "event_filter": "MEMBERSHIP", "window_days": 30}
    )
    return chosen


def test_lead_page_queries_equal_the_marts_computed_at_query_time(built) -> None:
    checked = 0
    for params in views(built):
        rows = members(built, params)
        converted = [row for row in rows if row["converted"]]
        kpis = run(built, page.Q_KPIS, params)[0]
        median = percentile_cont_half(
            [
                float(row["days_to_conversion"])
                for row in converted
                if row["days_to_conversion"] is not None
            ]
        )
        assert (kpis["leads"], kpis["clients"]) == (len(rows), len(converted)), params
        assert kpis["median_days"] == median, params

        buckets: dict[str, int] = {}
        for row in converted:
            label = bucket(row["days_to_conversion"])
            buckets[label] = buckets.get(label, 0) + 1
        shown = [(row["bucket"], row["clients"]) for row in run(built, page.Q_BUCKETS, params)]
        assert shown == sorted(buckets.items()), params

        for dimension, (_, label) in page.DIMENSIONS.items():
            column = REFERENCE_COLUMNS.get(label, label)
            grouped: dict[str, list[int]] = {}
            for row in rows if dimension != "source" else converted:
                counts = grouped.setdefault(row[column], [0, 0])
                counts[0] += 1
                counts[1] += bool(row["converted"])
            if dimension == "source":
                expected = sorted(
                    ((value, len(rows), c) for value, (_, c) in grouped.items()),
                    key=lambda item: (-item[2], item[0]),
                )
            elif dimension == "cohort":
                expected = sorted((value, n, c) for value, (n, c) in grouped.items())
            else:
                expected = sorted(
                    ((value, n, c) for value, (n, c) in grouped.items()),
                    key=lambda item: (-item[1], item[0]),
                )
            breakdown = run(built, page.Q_BREAKDOWN[dimension], params)
            assert [(r["value"], r["leads"], r["clients"]) for r in breakdown] == expected, (
                dimension,
                params,
            )
            for value, _, _ in expected[:2]:
                drilled = [
                    row
                    for row in (converted if dimension == "source" else rows)
                    if row[column] == value
                ]
                with_value = {**params, "drill_value": value}
                count = run(built, page.Q_DRILL_COUNT[dimension], with_value)[0]["members"]
                assert count == len(drilled), (dimension, value, params)
                listed = [
                    tuple(r.values()) for r in run(built, page.Q_DRILL[dimension], with_value)
                ]
                assert listed == drill_list(drilled), (dimension, value, params)
                checked += 1
    assert checked > 100


def test_lead_page_options_equal_the_marts(built) -> None:
    params = {**NO_FILTERS, "event_filter": "ALL", "window_days": None}
    rows = members(built, params)
    expected = set()
    for kind, column in (
        ("country", "country"),
        ("branch", "branch"),
        ("cohort", "signup_month"),
        ("policy", "gym_policy"),
    ):
        expected |= {(kind, row[column]) for row in rows}
    sources = built.query(
        "select distinct coalesce(client_conversion_event_source, '(no source)') "
        "from marts.fct_lead_conversions where lead_status = 'CLIENT'"
    )
    expected |= {("source", source) for (source,) in sources}
    shown = [(row["kind"], row["value"]) for row in run(built, page.Q_OPTIONS, params)]
    assert shown == sorted(expected)


def test_activity_drill_down_lists_and_counts_what_the_marts_give(built) -> None:
    """The first DRILL_LIMIT users behind each number, and how many, for each filter."""
    countries = [row[0] for row in built.query("select distinct country from marts.dim_branches")]
    picked = {
        "countries": ["Poland", countries[0]],
        "branches": [built.query("select branch_name from marts.dim_branches limit 1")[0][0]],
        "sources": ["unknown"],
    }
    chosen = [{"countries": [], "branches": [], "sources": []}]
    chosen += [
        {"countries": [], "branches": [], "sources": [], key: v} for key, v in picked.items()
    ]
    checked = 0
    for filters in chosen:
        for drill in activity_data.DRILLS:
            params = {**filters, "as_of": AS_OF, "drill": drill}
            with built.connect() as connection:
                expected = connection.execute(ACTIVITY_DRILL, params).fetchall()
                count = connection.execute(
                    queries._QUERIES[activity_data.Q_DRILL_COUNT], params
                ).fetchone()[0]
                listed = connection.execute(
                    queries._QUERIES[activity_data.Q_DRILL], params
                ).fetchall()
            assert count == len(expected), params
            assert listed == expected[: activity_data.DRILL_LIMIT], params
            checked += bool(expected)
    assert checked >= 6
