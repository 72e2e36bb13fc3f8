"""MetricFlow's SQL for a metric query, the SQL `mf query` runs, without a dbt adapter.

The engine reads a semantic manifest that dbt wrote (semantic_manifest.json, as `mf` reads
target/semantic_manifest.json) and compiles a query for PostgreSQL; the tests run that SQL on
their own scratch database with psycopg. tests/python/test_semantic_layer.py also runs the
`mf query` command itself once and checks it gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import SupportedAdapterTypes
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup


class _CompileOnlyPostgres:
    """What the engine needs of a SQL client to compile: the dialect. It never runs SQL."""

    sql_engine_type = SupportedAdapterTypes.POSTGRES.sql_engine_type
    sql_plan_renderer = SupportedAdapterTypes.POSTGRES.sql_plan_renderer

    def query(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("compile only")

    execute = dry_run = query

    def close(self) -> None:
        pass

    def render_bind_parameter_key(self, bind_parameter_key: str) -> str:
        return f"%({bind_parameter_key})s"


class SemanticLayer:
    def __init__(self, semantic_manifest: Path):
        manifest = parse_manifest_from_dbt_generated_manifest(
            manifest_json_string=semantic_manifest.read_text()
        )
        self.engine = MetricFlowEngine(SemanticManifestLookup(manifest), _CompileOnlyPostgres())

    def sql(
        self,
        metrics: Sequence[str],
        group_by: Sequence[str] = (),
        where: Sequence[str] = (),
    ) -> str:
        request = MetricFlowQueryRequest.create(
            metric_names=list(metrics),
            group_by_names=list(group_by) or None,
            where_constraints=list(where) or None,
        )
        return self.engine.explain(request).sql_statement.sql
