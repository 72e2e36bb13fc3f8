"""The project's own conventions that dbt-bouncer and dbt-score cannot express, on the files and
on the manifest `dbt parse` writes:

- every audit model of rows set aside says which rule set each row aside and why, in the
  same two columns, and no model of any layer spells the rule's column another way;
- unit tests sit in the properties file of the model they test, named after the rule they
  check (no `test_` prefix: they are tests already);
- singular tests live in a tree that mirrors models/;
- a column tested unique is tested not null too (together they are its grain), and exposures
  read models and metrics, never sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import PROJECT_ROOT, ScratchDatabase


@pytest.fixture(scope="module")
def manifest() -> dict:
    db = ScratchDatabase("conventions")
    try:
        db.dbt("parse")
        return json.loads((db.target_path / "manifest.json").read_text())
    finally:
        db.drop()


def test_audit_models_name_the_rule_and_the_reason_alike(manifest: dict) -> None:
    audits = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["name"].startswith("audit_")
        and "set_aside" in node["name"]
        and not node["name"].endswith("_counts")
    ]
    assert len(audits) >= 3
    wrong = []
    for node in audits:
        columns = set(node["columns"])
        if not {"set_aside_rule_id", "set_aside_reason"} <= columns:
            wrong.append(f"{node['name']}: no set_aside_rule_id / set_aside_reason")
        if columns & {"rule_id", "set_aside_rule", "reason"}:
            wrong.append(
                f"{node['name']}: {sorted(columns & {'rule_id', 'set_aside_rule', 'reason'})}"
            )
    assert wrong == [], "\n".join(wrong)


def test_the_set_aside_rule_column_has_one_name_in_every_layer(manifest: dict) -> None:
    models = [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]
    named = {
        f"{node['name']}.{column}"
        for node in models
        for column in node["columns"]
        if column.startswith("set_aside_rule")
    }
    assert any(name.startswith("stg_") for name in named), named
    assert sorted(n for n in named if not n.endswith(".set_aside_rule_id")) == []


def test_unit_tests_sit_beside_their_model_named_by_rule(manifest: dict) -> None:
    unit_tests = list(manifest["unit_tests"].values())
    assert len(unit_tests) >= 10
    astray = []
    for unit_test in unit_tests:
        model = manifest["nodes"][unit_test["depends_on"]["nodes"][0]]
        properties = model["patch_path"].split("://", 1)[-1]
        if unit_test["original_file_path"] != properties:
            astray.append(
                f"{unit_test['name']}: in {unit_test['original_file_path']}, not {properties}"
            )
        if unit_test["name"].startswith("test_"):
            astray.append(f"{unit_test['name']}: named test_")
    assert astray == [], "\n".join(astray)


def test_singular_tests_mirror_the_models_tree(manifest: dict) -> None:
    singular = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and "test_metadata" not in node
    ]
    assert len(singular) >= 5
    astray = []
    for node in singular:
        folder = Path(node["original_file_path"]).parent.relative_to("tests")
        if len(folder.parts) != 2 or not (PROJECT_ROOT / "models" / folder).is_dir():
            astray.append(f"{node['original_file_path']}: no models/{folder}")
    assert astray == [], "\n".join(astray)


def test_unique_columns_are_not_null_too(manifest: dict) -> None:
    tests_by_column: dict[tuple[str, str], set[str]] = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata")
        if node["resource_type"] != "test" or not meta or not node.get("column_name"):
            continue
        key = (node["attached_node"], node["column_name"])
        tests_by_column.setdefault(key, set()).add(meta["name"])
    nullable = sorted(
        f"{model}.{column}"
        for (model, column), names in tests_by_column.items()
        if "unique" in names and "not_null" not in names
    )
    assert any("unique" in names for names in tests_by_column.values())
    assert nullable == [], "unique without not_null:\n" + "\n".join(nullable)


def test_exposures_read_no_source(manifest: dict) -> None:
    reads_sources = [
        f"{exposure['name']}: {node}"
        for exposure in manifest["exposures"].values()
        for node in exposure["depends_on"]["nodes"]
        if node.startswith("source.")
    ]
    assert manifest["exposures"]
    assert reads_sources == [], "\n".join(reads_sources)
