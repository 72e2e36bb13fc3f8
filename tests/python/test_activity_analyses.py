"""The activity selector on the sample data, and the brief's deliverables as analyses.

On a scratch database loaded from setup.sql, `dbt build --selector activity` for the
README's as-of date must pass (models, unit and data tests), every metric must have data,
and each analyses/deliverable_*.sql (readable SQL written apart from the marts) must give
the numbers of metrics_30d / dim_new_users_30d (A5-A11). An as-of date that is not a real
date must stop dbt with a message that says so in words.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from glofox import activity_metrics
from harness import PROJECT_ROOT, ScratchDatabase, rule_codes

AS_OF = activity_metrics.DEFAULT_AS_OF_DATE.isoformat()
DELIVERABLES = {
    "deliverable_2_new_user_revenue": ("new_users", "new_user_revenue"),
    "deliverable_3_active_users": ("active_users", "active_paying_users"),
    "deliverable_4_conversion_rate": ("new_users", "converted_new_users", "conversion_rate"),
    "deliverable_5_retention_rate": ("retention_cohort_users", "retained_users", "retention_rate"),
}
# The marts' contracts hold fractions as numeric(38, 18): an analysis' rate (PostgreSQL's
# division gives some 20 decimals) is compared at that scale, rounded as a cast rounds.
CONTRACT_SCALE = Decimal("1e-18")


def at_contract_scale(value: object) -> object:
    if isinstance(value, Decimal):
        return value.quantize(CONTRACT_SCALE, rounding=ROUND_HALF_UP)
    return value


@pytest.fixture(scope="module")
def db():
    scratch = ScratchDatabase("activity_analyses")
    scratch.load_sql_file(PROJECT_ROOT / "setup.sql")
    scratch.dbt("build", "--selector", "activity", vars={"as_of_date": AS_OF})
    yield scratch
    scratch.drop()


@pytest.fixture(scope="module")
def analyses(db: ScratchDatabase) -> dict[str, str]:
    result = db.dbt("compile", "--select", "path:analyses", vars={"as_of_date": AS_OF})
    return {r.node.name: r.node.compiled_code for r in result.result.results}


def metrics(db: ScratchDatabase) -> dict[str, object]:
    """metrics_30d's row for the as-of date (the series' last day)."""
    with db.connect() as conn:
        cursor = conn.execute("select * from marts.metrics_30d where as_of_date = %s", (AS_OF,))
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
        (last_day,) = conn.execute("select max(as_of_date) from marts.metrics_30d").fetchone()
    assert len(rows) == 1, "A12: metrics_30d holds one row for the as-of date"
    assert last_day.isoformat() == AS_OF, "A12: the series ends on the as-of date"
    return dict(zip(names, rows[0], strict=True))


def test_a5_to_a10_sample_data_gives_every_metric_data(db: ScratchDatabase) -> None:
    row = metrics(db)
    empty = [name for name, value in row.items() if value in (0, None)]
    assert not empty, f"the sample data leaves these metrics empty for {AS_OF}: {empty}"
    cohorts = db.query("select count(*) from marts.fct_retention_by_first_payment_cohort")[0][0]
    assert cohorts > 0


def test_a5_deliverable_1_lists_the_new_users(
    db: ScratchDatabase, analyses: dict[str, str]
) -> None:
    listed = db.query(analyses["deliverable_1_new_users"])
    mart = db.query("select id, created_at, last_active from marts.dim_new_users_30d")
    assert sorted(listed) == sorted(mart)
    assert len(listed) == metrics(db)["new_users"]


@pytest.mark.parametrize("name", sorted(DELIVERABLES))
def test_a6_to_a10_deliverables_match_metrics_30d(
    db: ScratchDatabase, analyses: dict[str, str], name: str
) -> None:
    with db.connect() as conn:
        cursor = conn.execute(analyses[name])
        answer = dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))
    row = metrics(db)
    for column in DELIVERABLES[name]:
        assert at_contract_scale(answer[column]) == row[column], f"{name}.{column}"


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "31/03/2026", "today"])
def test_a4_an_as_of_date_that_is_not_a_date_stops_dbt(db: ScratchDatabase, bad: str) -> None:
    result = db.dbt("compile", "--select", "metrics_30d", vars={"as_of_date": bad}, check=False)
    assert not result.success
    message = str(result.exception)
    assert f"The as-of date (var as_of_date) '{bad}' is not" in message, message
    assert "YYYY-MM-DD" in message and rule_codes(message) == [], message


def test_a4_an_as_of_date_before_the_series_end_needs_a_full_rebuild(db: ScratchDatabase) -> None:
    """An incremental run cannot take days after the as-of date out of the series: dbt stops
    with what to do, and `glofox run` (series_ends_after) rebuilds the series whole instead."""
    earlier = activity_metrics.DEFAULT_AS_OF_DATE - datetime.timedelta(days=30)
    result = db.dbt(
        "run", "--select", "metrics_30d", vars={"as_of_date": earlier.isoformat()}, check=False
    )
    assert not result.success
    message = str(result.exception or "") + "".join(
        str(r.message) for r in (result.result.results if result.result else [])
    )
    assert "already holds days after the as-of date" in message, message
    assert "--full-refresh" in message and rule_codes(message) == [], message
    assert activity_metrics.series_ends_after(db.conn, earlier)
    assert not activity_metrics.series_ends_after(db.conn, activity_metrics.DEFAULT_AS_OF_DATE)
