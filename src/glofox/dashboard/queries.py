"""The dashboard's query layer: every query is fixed SQL with psycopg parameters.

- User input (filters, drill-down values, as-of dates) only ever travels as query parameters;
  identifiers chosen by the user (a group-by dimension) come from a fixed whitelist and are
  composed with psycopg.sql.Identifier. No SQL is built from strings holding user input.
- Results are cached with st.cache_data (ttl below). The cache key holds the query name, its
  parameters (so the as-of date is part of it) and the data version of the relations read
  (OID + row-change counter), which moves whenever dbt rebuilds or incrementally updates one,
  so a rebuild is never hidden by the cache.
- The app connects with the read-only role of role.py through the libpq variables that
  `glofox dashboard` sets (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import psycopg
import streamlit as st
from psycopg import sql
from psycopg.types.datetime import DateLoader, TimestampLoader, TimestamptzLoader

CACHE_TTL_SECONDS = 600

# Every query the app runs, by name. Pages register theirs at import time.
_QUERIES: dict[str, sql.Composable] = {}


class MartsMissing(RuntimeError):
    """The marts a page reads are not built (yet)."""

    def __init__(self, relations: Sequence[str]):
        super().__init__(", ".join(relations))
        self.relations = list(relations)


def register(name: str, query: sql.Composable | str) -> str:
    """Add a query to the registry; return its name (what pages pass to `frame`)."""
    _QUERIES[name] = sql.SQL(query) if isinstance(query, str) else query
    return name


def _as_text_when_out_of_range(base: type) -> type:
    """A psycopg loader that gives the PostgreSQL text of a date or time Python cannot hold
    (`infinity`, years before 1 or after 9999, e.g. a local time in year 10000) instead of
    raising: such values are kept as given and shown as they are."""

    class Loader(base):
        def load(self, data):
            try:
                return super().load(data)
            except psycopg.DataError:
                return bytes(data).decode()

    return Loader


def connect() -> psycopg.Connection:
    # Empty conninfo: libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD.
    connection = psycopg.connect("", application_name="glofox-dashboard", connect_timeout=10)
    for name, base in (
        ("date", DateLoader),
        ("timestamp", TimestampLoader),
        ("timestamptz", TimestamptzLoader),
    ):
        connection.adapters.register_loader(name, _as_text_when_out_of_range(base))
    return connection


def _freeze(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Hashable parameters for the cache key (lists become tuples)."""
    return tuple(
        sorted(
            (key, tuple(value) if isinstance(value, list) else value)
            for key, value in params.items()
        )
    )


def _thaw(params: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return {key: list(value) if isinstance(value, tuple) else value for key, value in params}


_VERSION = """
    select
        relations.name,
        cast(to_regclass(relations.name) as oid) as relation_oid,
        coalesce(stats.n_tup_ins + stats.n_tup_upd + stats.n_tup_del, 0) as changes
    from unnest(cast(%s as text[])) as relations (name)
    left join pg_stat_all_tables as stats
        on stats.relid = to_regclass(relations.name)
"""


def data_version(relations: Sequence[str]) -> str:
    """Uncached and cheap: each relation's OID (new when dbt replaces a table or view) and its
    row-change counter (moves when an incremental run inserts or deletes rows). Raises
    MartsMissing when a relation is absent."""
    with connect() as db:
        rows = db.execute(_VERSION, (list(relations),)).fetchall()
    missing = [name for name, oid, _ in rows if oid is None]
    if missing:
        raise MartsMissing(missing)
    return ",".join(f"{oid}:{changes}" for _, oid, changes in rows)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_frame(name: str, params: tuple[tuple[str, Any], ...], version: str) -> pd.DataFrame:
    del version  # part of the cache key only
    with connect() as db, db.cursor() as cursor:
        cursor.execute(_QUERIES[name], _thaw(params))
        columns = [column.name for column in cursor.description or []]
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def frame(name: str, version: str, **params: Any) -> pd.DataFrame:
    """Run a registered query with named parameters; cached per (name, params, data version)."""
    if name not in _QUERIES:
        raise KeyError(f"unknown dashboard query {name!r}")
    return _cached_frame(name, _freeze(params), version)


def row(name: str, version: str, **params: Any) -> dict[str, Any]:
    """The first row of a registered query as a dict (empty dict when there is none)."""
    result = frame(name, version, **params)
    return {} if result.empty else result.iloc[0].to_dict()


BUILD_INFO = "marts.dash_build_info"


def built_at() -> Any:
    """When the last build that included the dashboard's relations ran (UTC), or None when
    that table is not built."""
    with connect() as db:
        if db.execute("select to_regclass(%s)", (BUILD_INFO,)).fetchone()[0] is None:
            return None
        row = db.execute(f"select max(built_at_utc) from {BUILD_INFO}").fetchone()
    return row[0] if row else None
