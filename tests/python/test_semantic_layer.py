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
from harness import PROJECT_ROOT, ScratchDatabase
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


def mf_lead_numbers(
    semantic: SemanticLayer, db: ScratchDatabase, state: dict[str, Any]
) -> dict[str, Any]:
    """leads (no window, no source), clients (with both), and the median, from MetricFlow."""
    lead_state = {key: value for key, value in state.items() if key != "source"}
    (leads,) = db.query(semantic.sql(["leads"], where=lead_where(lead_state, window=False)))[0]
    (clients,) = db.query(semantic.sql(["clients"], where=lead_where(state, window=True)))[0]
    # A median is not additive over the views: it is asked of one view (ALL by default).
    one_view = {"event_filter": "ALL", **{k: v for k, v in state.items() if v}}
    (median,) = db.query(
        semantic.sql(["median_days_to_conversion"], where=lead_where(one_view, window=True))
    )[0]
    return {"leads": int(leads or 0), "clients": int(clients or 0), "median_days": median}


# Our own count from the marts: the leads are fct_lead_conversions' ALL rows (L13) with the
# labels of dim_branches (countries compared case-insensitively); the clients those with a
# CLIENT row of the filter whose event came less than N days after signup (local times).
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
            extract(
                epoch from event.client_conversion_event_local_created_at
                - scoped.local_user_created_at
            ) / 86400.0 as days
        from scoped
        inner join marts.fct_lead_conversions as event
            on scoped.user_id = event.user_id
        where
            event.client_conversion_event_filter = %(event_filter)s
            and event.lead_status = 'CLIENT'
            and (
                cast(%(window_days)s as integer) is null
                or event.client_conversion_event_local_created_at
                < scoped.local_user_created_at
                + make_interval(days => cast(%(window_days)s as integer))
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
