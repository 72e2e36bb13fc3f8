"""A plain `dbt build` on the brief's own container: only the lead-conversion tables exist.

The brief's container holds the glofox tables and nothing of the app replica (users,
messages, payment stream) nor the experiment log. On a scratch database loaded with only
setup.sql's glofox section, a plain `dbt build` must pass: the lead marts build as usual,
each staging model of a missing table builds empty with its declared columns and types and
logs one line naming the table, and the activity and experiment marts build empty with every
test passing on empty input.
"""

from __future__ import annotations

import tempfile

import pytest

from glofox import database
from harness import PROJECT_ROOT, ScratchDatabase

MISSING = {
    "stg_app__users": "app.users",
    "stg_app__conversations": "app.conversations",
    "stg_app__messages": "app.messages",
    "stg_app__payment_events": "app.payment_events",
    "stg_app__experiment_assignments": "app.experiment_assignments",
}
# (schema, relation): the activity and experiment marts, empty without their input.
EMPTY_MARTS = [
    ("marts", "metrics_30d"),
    ("marts", "dim_new_users_30d"),
    ("marts", "fct_retention_by_first_payment_cohort"),
    ("marts", "fct_activity_segments_30d"),
    ("marts", "fct_activity_daily_segments_30d"),
    ("marts", "fct_experiment_user_outcomes"),
    ("marts", "fct_experiment_arm_metrics"),
]


@pytest.fixture(scope="module")
def brief_container():
    db = ScratchDatabase("without_app_tables")
    glofox = database.setup_sections((PROJECT_ROOT / "setup.sql").read_text("utf-8"))["glofox"]
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as part:
        part.write(glofox)
        part.flush()
        db.load_sql_file(part.name)
    # Only this build's log (dbt rotates its log file at 10 MB: read every part of it).
    for old_log in (db.target_path / "logs").glob("dbt.log*"):
        old_log.unlink()
    result = db.dbt("build", check=False)
    yield db, result
    db.drop()


def test_plain_dbt_build_is_green_without_the_app_tables(brief_container) -> None:
    db, result = brief_container
    failed = [
        f"{r.node.unique_id}: {r.status}"
        for r in result.result.results
        if str(r.status).lower() in {"error", "fail", "skipped"}
    ]
    assert result.success, f"dbt build failed without the app tables: {failed}"
    assert db.query("select to_regclass('app.users')") == [(None,)]
    assert db.query("select count(*) from marts.fct_lead_conversions")[0][0] > 0


@pytest.mark.parametrize("model", sorted(MISSING))
def test_staging_of_a_missing_table_is_empty_with_its_declared_columns(
    brief_container, model: str
) -> None:
    db, _ = brief_container
    assert db.query(f"select count(*) from staging.{model}") == [(0,)]
    declared = db.query(
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'staging' and table_name = %s order by ordinal_position",
        (model,),
    )
    assert declared, f"staging.{model} has no columns"
    assert ("user_id", "uuid") in declared or model == "stg_app__conversations"
    log = "".join(
        part.read_text(encoding="utf-8") for part in (db.target_path / "logs").glob("dbt.log*")
    )
    assert f"{model}: source table {MISSING[model]} does not exist; read as empty" in log


@pytest.mark.parametrize(("schema", "relation"), EMPTY_MARTS)
def test_activity_and_experiment_marts_are_empty(brief_container, schema, relation) -> None:
    db, _ = brief_container
    assert db.query(f"select count(*) from {schema}.{relation}") == [(0,)]
