"""Pieces every page uses: the 'marts not built' guard and KPI tiles with numerator/denominator."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
import streamlit as st

from glofox.dashboard import queries


def require(relations: Sequence[str]) -> str:
    """The data version of the relations a page reads, or a message saying what to do, and stop."""
    try:
        return queries.data_version(relations)
    except queries.MartsMissing as missing:
        st.error(
            "The marts this page reads are not built yet: "
            + ", ".join(f"`{name}`" for name in missing.relations)
            + ".\n\nRun `make run` (database, setup.sql, dbt build), then reload this page."
        )
    except psycopg.OperationalError as error:
        st.error(
            "The dashboard cannot connect to the database with its read-only role.\n\n"
            "Start it with `make dashboard` (or `glofox dashboard`), which starts the database "
            "and creates the role, after `make run` has built the marts.\n\n"
            f"Details: {error}"
        )
    except psycopg.errors.InsufficientPrivilege as error:
        st.error(
            "The dashboard's role may not read the marts. Run `make run` or "
            f"`glofox dashboard --grant-only` to grant it.\n\nDetails: {error}"
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def kpi(column, label: str, value: str, caption: str, help_text: str) -> None:
    """A KPI tile; the caption under it shows numerator / denominator (also on hover)."""
    with column:
        st.metric(label, value, help=help_text, border=True)
        st.caption(caption)
