"""dbt docs describe every model, seed, source and column, checked against the catalog of what
dbt really built, not only the YAML."""

from __future__ import annotations

import json

from glofox import activity_metrics
from harness import PROJECT_ROOT, ScratchDatabase


def test_every_model_seed_source_and_column_is_described():
    db = ScratchDatabase("docs_coverage")
    try:
        db.load_sql_file(PROJECT_ROOT / "setup.sql")
        vars_ = {"as_of_date": activity_metrics.DEFAULT_AS_OF_DATE.isoformat()}
        db.dbt("seed", vars=vars_)
        db.dbt("run", vars=vars_)
        db.dbt("docs", "generate", vars=vars_)
        manifest = json.loads((db.target_path / "manifest.json").read_text())
        catalog = json.loads((db.target_path / "catalog.json").read_text())
    finally:
        db.drop()

    undocumented: list[str] = []
    for kind, nodes, built in (
        ("node", manifest["nodes"], catalog["nodes"]),
        ("source", manifest["sources"], catalog["sources"]),
    ):
        for unique_id, node in nodes.items():
            if kind == "node" and node["resource_type"] not in {"model", "seed"}:
                continue
            if not node.get("description", "").strip():
                undocumented.append(f"{unique_id} (no description)")
            columns = built.get(unique_id, {}).get("columns") or node["columns"]
            for column in columns:
                described = node["columns"].get(column, {}).get("description", "")
                if not described.strip():
                    undocumented.append(f"{unique_id}.{column}")
    assert len(catalog["nodes"]) > 20, "the catalog is missing the built models"
    assert undocumented == [], "undocumented in dbt docs:\n" + "\n".join(undocumented)
