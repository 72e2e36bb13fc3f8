"""The semantic layer (models/semantic, MetricFlow) answers every metric as the marts do.

One scratch database gets setup.sql, the sample payment stream and `dbt run`. For a set of
filter states, the SQL MetricFlow compiles for each metric (the SQL `mf query` runs, from the
semantic manifest this build wrote) is run on it and compared with the same number counted
here from the marts with SQL of our own; `mf query` itself is run once and must agree.
"""

from __future__ import annotations

import csv
import os
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from glofox import payments_loader
from harness import PROJECT_ROOT, ScratchDatabase, patched_environ
from semantic_layer import SemanticLayer

AS_OF = "2026-03-31"

# Filter states an analyst sets: the event filter (None = not given: the ALL view), the lead
# dimensions and a conversion window in days.
LEAD_STATES: list[dict[str, Any]] = [
    {},
    {"event_filter": "ALL"},
    {"event_filter": "MEMBERSHIP"},
    {"event_filter": "USER_CREDIT"},
    {"country": ["Poland"]},
    {"country": ["Poland"], "gym_conversion_policy": ["MEMBERSHIP"], "signup_month": ["2026-03"]},
    {
        "country": ["Poland"],
        "gym_conversion_policy": ["MEMBERSHIP"],
        "signup_month": ["2026-03"],
        "window_days": 30,
    },
    {"event_filter": "MEMBERSHIP", "window_days": 7, "signup_month": ["2026-02", "2026-03"]},
    {"event_filter": "USER_CREDIT", "gym_conversion_policy": ["USER_CREDIT"]},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    db = ScratchDatabase("semantic_layer")
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    rejects = Path(tmp_path_factory.mktemp("payments")) / "rejects.jsonl"
    payments_loader.load_file(
        db.conn, payments_loader.sample_file(), rejects_path=rejects, progress=False
    )
    db.dbt("seed")
    db.dbt("run", vars={"as_of_date": AS_OF})
    yield db
    db.drop()


@pytest.fixture(scope="module")
def semantic(built: ScratchDatabase) -> SemanticLayer:
    return SemanticLayer(built.target_path / "semantic_manifest.json")


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def lead_where(state: dict[str, Any], *, window: bool) -> list[str]:
    """MetricFlow where filters for a state; the window only when asked (it narrows clients)."""
    where = []
    if state.get("event_filter"):
        where.append(
            "{{ Dimension('lead_outcome__event_filter') }} = " + quote(state["event_filter"])
        )
    for dimension in ("country", "branch", "gym_conversion_policy", "signup_month", "source"):
        if state.get(dimension):
            values = ", ".join(quote(value) for value in state[dimension])
            where.append(f"{{{{ Dimension('lead_outcome__{dimension}') }}}} in ({values})")
    if window and state.get("window_days"):
        where.append(
            "{{ Dimension('lead_outcome__days_to_conversion') }} < " + str(state["window_days"])
        )
    return where


def one_view(state: dict[str, Any]) -> dict[str, Any]:
    """The state with its event filter, ALL when not given: the event's own attributes (its
    source, time to conversion, their median) are asked of one view, since a lead converts
    under up to three views with different events."""
    return {**state, "event_filter": state.get("event_filter") or "ALL"}


def mf_lead_numbers(
    semantic: SemanticLayer, db: ScratchDatabase, state: dict[str, Any]
) -> dict[str, Any]:
    """leads (no window, no source), clients (with both), and the median, from MetricFlow."""
    lead_state = {key: value for key, value in state.items() if key != "source"}
    (leads,) = db.query(semantic.sql(["leads"], where=lead_where(lead_state, window=False)))[0]
    (clients,) = db.query(semantic.sql(["clients"], where=lead_where(state, window=True)))[0]
    (median,) = db.query(
        semantic.sql(["median_days_to_conversion"], where=lead_where(one_view(state), window=True))
    )[0]
    return {"leads": int(leads or 0), "clients": int(clients or 0), "median_days": median}


# Our own count from the marts: the leads are fct_lead_conversions' ALL rows (L13) with the
# labels of dim_branches (countries compared case-insensitively); the clients those with a
# CLIENT row of the filter whose event came less than N days after signup (local times; no
# days when a time is infinite, as without a signup time).
MART_COUNTS = """
    with labelled as (
        select
            lead.user_id,
            lead.local_user_created_at,
            branch.country,
            branch.conversion_policy,
            to_char(lead.local_user_created_at, 'YYYY-MM') as signup_month
        from marts.fct_lead_conversions as lead
        left join marts.dim_branches as branch on lead.branch_id = branch.branch_id
        where lead.client_conversion_event_filter = 'ALL'
    ),

    scoped as (
        select * from labelled
        where
            (cast(%(country)s as text) is null or lower(country) = lower(%(country)s))
            and (cast(%(policy)s as text) is null or conversion_policy = %(policy)s)
            and (cardinality(cast(%(months)s as text[])) = 0
                or signup_month = any(cast(%(months)s as text[])))
    ),

    converted as (
        select
            case
                when
                    isfinite(event.client_conversion_event_local_created_at)
                    and isfinite(scoped.local_user_created_at)
                    then extract(
                        epoch from event.client_conversion_event_local_created_at
                        - scoped.local_user_created_at
                    ) / 86400.0
            end as days
        from scoped
        inner join marts.fct_lead_conversions as event
            on scoped.user_id = event.user_id
        where
            event.client_conversion_event_filter = %(event_filter)s
            and event.lead_status = 'CLIENT'
            and (
                cast(%(window_days)s as integer) is null
                or (
                    isfinite(event.client_conversion_event_local_created_at)
                    and isfinite(scoped.local_user_created_at)
                    and event.client_conversion_event_local_created_at
                    < scoped.local_user_created_at
                    + make_interval(days => cast(%(window_days)s as integer))
                )
            )
    )

    select
        (select count(*) from scoped) as leads,
        (select count(*) from converted) as clients,
        (select percentile_cont(0.5) within group (order by days) from converted) as median
"""


def mart_lead_numbers(db: ScratchDatabase, state: dict[str, Any]) -> dict[str, Any]:
    (country,) = state.get("country") or [None]
    (policy,) = state.get("gym_conversion_policy") or [None]
    with db.connect() as conn:
        leads, clients, median = conn.execute(
            MART_COUNTS,
            {
                "country": country,
                "policy": policy,
                "months": state.get("signup_month") or [],
                "event_filter": state.get("event_filter") or "ALL",
                "window_days": state.get("window_days"),
            },
        ).fetchone()
    return {"leads": leads, "clients": clients, "median_days": median}


@pytest.mark.parametrize("state", LEAD_STATES, ids=[str(state) for state in LEAD_STATES])
def test_lead_metrics_equal_the_marts_L13(semantic, built, state) -> None:
    got = mf_lead_numbers(semantic, built, state)
    want = mart_lead_numbers(built, state)
    assert got["leads"] == want["leads"] and got["clients"] == want["clients"], (got, want)
    if want["median_days"] is None:
        assert got["median_days"] is None
    else:
        assert abs(Decimal(str(got["median_days"])) - Decimal(str(want["median_days"]))) < Decimal(
            "1e-9"
        )


def test_lead_event_filter_views_count_every_lead_L13(semantic, built) -> None:
    """By the event filter every view has all the leads; without it each lead counts once."""
    rows = built.query(semantic.sql(["leads", "clients"], group_by=["lead_outcome__event_filter"]))
    ((total_leads, total_clients),) = built.query(semantic.sql(["leads", "clients"]))
    by_filter = {event_filter: (leads, clients) for event_filter, leads, clients in rows}
    assert set(by_filter) == {"ALL", "MEMBERSHIP", "USER_CREDIT"}
    assert {leads for leads, _ in by_filter.values()} == {total_leads}
    assert by_filter["ALL"][1] == total_clients
    for event_filter in by_filter:
        assert by_filter[event_filter] == tuple(
            mart_lead_numbers(built, {"event_filter": event_filter})[key]
            for key in ("leads", "clients")
        )


def test_mf_query_command_gives_the_same_numbers(semantic, built, tmp_path) -> None:
    """`mf query` as the README runs it (through `glofox exec`'s environment), on this build:
    a project folder whose target/ is this build's, so mf reads its semantic manifest."""
    project = tmp_path / "project"
    project.mkdir()
    for entry in PROJECT_ROOT.iterdir():
        if entry.name == "dbt_project.yml":  # a copy: a link would lead mf back to the root
            (project / entry.name).write_text(entry.read_text())
        elif entry.name not in {"target", ".git", ".venv", ".glofox", "logs"}:
            (project / entry.name).symlink_to(entry)
    (project / "target").symlink_to(built.target_path)
    out = tmp_path / "mf.csv"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.pop("DBT_TARGET_PATH", None)
    env.update(
        {**built.conn.env(), "DBT_PROFILES_DIR": str(PROJECT_ROOT), "DBT_PROJECT_DIR": str(project)}
    )
    command = [
        str(Path(os.environ.get("VIRTUAL_ENV", PROJECT_ROOT / ".venv")) / "bin" / "mf"),
        "query",
        "--metrics",
        "leads,clients,lead_conversion_rate",
        "--group-by",
        "lead_outcome__event_filter",
        "--csv",
        str(out),
    ]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open() as handle:
        from_cli = {
            row["lead_outcome__event_filter"]: (int(row["leads"]), int(row["clients"]))
            for row in csv.DictReader(handle)
        }
    rows = built.query(semantic.sql(["leads", "clients"], group_by=["lead_outcome__event_filter"]))
    assert from_cli == {event_filter: (leads, clients) for event_filter, leads, clients in rows}


# --- the dashboard's lead page reads the same numbers -------------------------------------

# The page's breakdown dimensions -> the semantic layer's dimension names.
LEAD_DIMENSIONS = {
    "branch": "branch",
    "country": "country",
    "source": "source",
    "cohort": "signup_month",
    "policy": "gym_conversion_policy",
}


def page_filters(state: dict[str, Any]) -> dict[str, Any]:
    """The lead page's filters (its URL state) for a filter state."""
    return {
        "event_filter": state.get("event_filter") or "ALL",
        "countries": state.get("country", []),
        "branches": state.get("branch", []),
        "sources": state.get("source", []),
        "cohorts": state.get("signup_month", []),
        "policies": state.get("gym_conversion_policy", []),
        "window_days": state.get("window_days"),
    }


def mf_by(
    semantic: SemanticLayer, db: ScratchDatabase, metric: str, dimension: str, where: list[str]
) -> dict[str, int]:
    rows = db.query(semantic.sql([metric], group_by=[f"lead_outcome__{dimension}"], where=where))
    return {str(value): int(count) for value, count in rows if count}


@pytest.mark.parametrize("state", LEAD_STATES, ids=[str(state) for state in LEAD_STATES])
def test_lead_page_numbers_equal_the_semantic_layer(semantic, built, state) -> None:
    """Every KPI, breakdown row, trend point and time-to-conversion bar of the lead page."""
    from glofox.dashboard import lead_data

    filters = page_filters(state)
    want = mf_lead_numbers(semantic, built, state)
    with patched_environ(built.conn.env()):
        version = f"{built.name}:{state}"
        got = lead_data.kpis(version, filters)
        assert (got["leads"], got["clients"]) == (want["leads"], want["clients"]), state
        if want["median_days"] is None:
            assert got["median_days"] is None
        else:
            assert float(got["median_days"]) == pytest.approx(float(want["median_days"]))

        lead_state = {key: value for key, value in state.items() if key != "source"}
        for page_dimension, dimension in LEAD_DIMENSIONS.items():
            frame = lead_data.breakdown(version, filters, page_dimension)
            shown = {row.value: (row.leads, row.clients, row.rate) for row in frame.itertuples()}
            clients = mf_by(semantic, built, "clients", dimension, lead_where(state, window=True))
            if page_dimension == "source":
                # An event's attribute: asked of one view (ALL by default), as the median.
                clients = mf_by(
                    semantic, built, "clients", dimension, lead_where(one_view(state), window=True)
                )
                expected = {
                    value: (want["leads"], count, count / want["leads"])
                    for value, count in clients.items()
                }
            else:
                leads = mf_by(
                    semantic, built, "leads", dimension, lead_where(lead_state, window=False)
                )
                expected = {
                    value: (count, clients.get(value, 0), clients.get(value, 0) / count)
                    for value, count in leads.items()
                }
            assert shown == expected, (state, page_dimension)

        bands = lead_data.time_to_conversion(version, filters)
        expected_bands = mf_by(
            semantic,
            built,
            "clients",
            "time_to_conversion",
            lead_where(one_view(state), window=True),
        )
        assert dict(zip(bands["band"], bands["clients"], strict=True)) == expected_bands, state


# --- activity -----------------------------------------------------------------------------

ACTIVITY_METRICS = {
    # metric -> metrics_30d column
    "new_users": "new_users",
    "new_user_revenue": "new_user_revenue",
    "active_users": "active_users",
    "active_paying_users": "active_paying_users",
    "conversion_rate_30d": "conversion_rate",
    "retention_rate_30d": "retention_rate",
}


def close(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(Decimal(str(got)) - Decimal(str(want))) < Decimal("1e-9")


def by_name(db: ScratchDatabase, statement: str) -> list[dict[str, Any]]:
    """Rows as dicts by column name (MetricFlow orders its columns its own way)."""
    with db.connect() as conn, conn.cursor() as cursor:
        cursor.execute(statement)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def metrics_30d(db: ScratchDatabase) -> dict[Any, dict[str, Any]]:
    columns = ", ".join(ACTIVITY_METRICS.values())
    rows = db.query(f"select as_of_date, {columns} from marts.metrics_30d order by as_of_date")
    return {row[0]: dict(zip(ACTIVITY_METRICS, row[1:], strict=True)) for row in rows}


def test_activity_metrics_by_day_are_each_days_30_day_figures_A12(semantic, built) -> None:
    want = metrics_30d(built)
    assert want, "metrics_30d is empty"
    rows = by_name(built, semantic.sql(list(ACTIVITY_METRICS), group_by=["metric_time__day"]))
    got = {row["metric_time__day"].date(): row for row in rows}
    assert set(got) == set(want)
    for day, values in want.items():
        for metric, value in values.items():
            assert close(got[day][metric], value), (day, metric, got[day][metric], value)


@pytest.mark.parametrize("grain", ["week", "month"])
def test_activity_metrics_by_week_or_month_are_the_periods_last_day(semantic, built, grain) -> None:
    """A 30-day figure is a state: by week or month the period's last as-of date, never a sum
    over its days."""
    want = metrics_30d(built)
    rows = by_name(built, semantic.sql(list(ACTIVITY_METRICS), group_by=[f"metric_time__{grain}"]))
    (truncate,) = built.query(
        f"select array_agg(distinct cast(date_trunc('{grain}', as_of_date) as date)) "
        "from marts.metrics_30d"
    )[0]
    assert sorted(row[f"metric_time__{grain}"].date() for row in rows) == sorted(truncate)
    for row in rows:
        period = row[f"metric_time__{grain}"].date()
        last = max(
            day
            for day in want
            if built.query(f"select cast(date_trunc('{grain}', cast(%s as date)) as date)", (day,))[
                0
            ][0]
            == period
        )
        for metric in ACTIVITY_METRICS:
            assert close(row[metric], want[last][metric]), (grain, period, metric)


ACTIVITY_STATES: list[dict[str, Any]] = [
    {},
    {"country": ["Poland"]},
    {"country": ["Poland"], "gym_conversion_policy": ["MEMBERSHIP"]},
    {"source": ["WEBSITE", "KIOSK"]},
]

# Our own sums of the segment mart, labelled as the README says (branch name, one spelling
# per country, the gym's policy), per as-of date.
SEGMENT_SUMS = """
    with spellings as (
        select lower(country) as country_key, country, count(*) as branches
        from marts.dim_branches where country is not null
        group by lower(country), country
    ),

    labels as (
        select distinct on (country_key) country_key, country as label
        from spellings order by country_key, branches desc, country
    ),

    labelled as (
        select
            segments.*,
            coalesce(labels.label, segments.country) as country_label,
            coalesce(branch.conversion_policy, 'unknown') as policy
        from marts.fct_activity_segments_30d as segments
        left join marts.dim_branches as branch on segments.branch_id = branch.branch_id
        left join labels on lower(segments.country) = labels.country_key
    )

    select
        as_of_date,
        sum(new_users),
        sum(new_user_revenue),
        sum(active_users),
        sum(active_paying_users),
        cast(sum(converted_new_users) as numeric) / nullif(sum(new_users), 0),
        cast(sum(retained_users) as numeric) / nullif(sum(retention_cohort_users), 0)
    from labelled
    where
        (cardinality(cast(%(countries)s as text[])) = 0
            or country_label = any(cast(%(countries)s as text[])))
        and (cardinality(cast(%(policies)s as text[])) = 0
            or policy = any(cast(%(policies)s as text[])))
        and (cardinality(cast(%(sources)s as text[])) = 0
            or acquisition_source = any(cast(%(sources)s as text[])))
    group by as_of_date
"""


def activity_where(state: dict[str, Any]) -> list[str]:
    where = []
    for dimension in ("country", "branch", "gym_conversion_policy", "source"):
        if state.get(dimension):
            values = ", ".join(quote(value) for value in state[dimension])
            where.append(f"{{{{ Dimension('activity_segment__{dimension}') }}}} in ({values})")
    return where


@pytest.mark.parametrize("state", ACTIVITY_STATES, ids=[str(s) for s in ACTIVITY_STATES])
def test_activity_metrics_by_filter_equal_the_segment_marts_A11(semantic, built, state) -> None:
    with built.connect() as conn:
        want = {
            row[0]: dict(zip(ACTIVITY_METRICS, row[1:], strict=True))
            for row in conn.execute(
                SEGMENT_SUMS,
                {
                    "countries": state.get("country", []),
                    "policies": state.get("gym_conversion_policy", []),
                    "sources": state.get("source", []),
                },
            ).fetchall()
        }
    assert want
    rows = by_name(
        built,
        semantic.sql(
            list(ACTIVITY_METRICS), group_by=["metric_time__day"], where=activity_where(state)
        ),
    )
    got = {row["metric_time__day"].date(): row for row in rows}
    assert set(got) == set(want), state
    for day, values in want.items():
        for metric, value in values.items():
            assert close(got[day][metric], value), (state, day, metric)


@pytest.mark.parametrize(
    "state",
    [state for state in ACTIVITY_STATES if "gym_conversion_policy" not in state],
    ids=[str(s) for s in ACTIVITY_STATES if "gym_conversion_policy" not in s],
)
def test_activity_page_kpis_equal_the_semantic_layer(semantic, built, state) -> None:
    """Every KPI tile of the Activity page, for each as-of date it offers."""
    from glofox.dashboard import activity_data

    metrics = list(ACTIVITY_METRICS) + ["converted_new_users", "retained_users"]
    metrics += ["retention_cohort_users"]
    rows = by_name(
        built, semantic.sql(metrics, group_by=["metric_time__day"], where=activity_where(state))
    )
    with patched_environ(built.conn.env()):
        version = f"{built.name}:activity:{state}"
        dates = activity_data.as_of_dates(version)
        assert dates
        by_day = {row["metric_time__day"].date(): row for row in rows}
        for as_of in dates:
            shown = activity_data.kpis(
                version,
                {
                    "as_of": as_of,
                    "countries": state.get("country", []),
                    "branches": state.get("branch", []),
                    "sources": state.get("source", []),
                },
            )
            want = by_day[as_of]
            for key in (
                "new_users",
                "new_user_revenue",
                "active_users",
                "active_paying_users",
                "converted_new_users",
                "retention_cohort_users",
                "retained_users",
            ):
                assert close(shown[key], want[key] or 0), (state, as_of, key)
            rate = shown["converted_new_users"] / shown["new_users"] if shown["new_users"] else None
            assert close(rate, want["conversion_rate_30d"]), (state, as_of)
            cohort = shown["retention_cohort_users"]
            retention = shown["retained_users"] / cohort if cohort else None
            assert close(retention, want["retention_rate_30d"]), (state, as_of)
