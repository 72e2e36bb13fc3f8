"""The relations the dashboard reads: the `depends_on` of the exposures in models/exposures.yml
(one definition, also what the docs lineage shows), and the columns of each that it may read.
The dashboard role is granted exactly these (glofox.dashboard.role)."""

from __future__ import annotations

import re

import yaml

from glofox import settings


def columns_only() -> dict[str, tuple[str, ...]]:
    """Relations of which the dashboard reads some columns only: dbt_project.yml's var
    dashboard_columns (the post-hook grant_dashboard_columns reads the same)."""
    path = settings.project_root() / "dbt_project.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    listed = (project.get("vars") or {}).get("dashboard_columns") or {}
    return {name: tuple(columns) for name, columns in listed.items()}


_REF = re.compile(r"""^ref\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)$""")


def dashboard_relations() -> dict[str, tuple[str, ...]]:
    """{relation name: columns it may read, () for all} over every dashboard exposure."""
    path = settings.project_root() / "models" / "exposures.yml"
    exposures = yaml.safe_load(path.read_text(encoding="utf-8")).get("exposures") or []
    partial = columns_only()
    names: dict[str, tuple[str, ...]] = {}
    for exposure in exposures:
        if exposure.get("type") != "dashboard":
            continue
        for dependency in exposure.get("depends_on") or []:
            match = _REF.match(str(dependency).strip())
            if match:
                names[match.group(1)] = partial.get(match.group(1), ())
    return names
