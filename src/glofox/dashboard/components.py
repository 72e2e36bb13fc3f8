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


# Streamlit writes a bound widget's new value into the URL with history.replaceState, so the
# browser's Back button would leave the page instead of undoing a filter. This makes each such
# change a new history entry (pushState); right after a Back or Forward (popstate) Streamlit's
# own URL updates stay replacements, so going back does not add entries.
_HISTORY_PER_CHANGE = """
<script>
(() => {
  if (window.glofoxHistoryPerChange) return;
  window.glofoxHistoryPerChange = true;
  const replace = window.history.replaceState.bind(window.history);
  let navigatedAt = 0;
  window.addEventListener("popstate", () => { navigatedAt = Date.now(); });
  window.history.replaceState = (state, title, url) => {
    const next = new URL(url, window.location.href);
    if (next.pathname === window.location.pathname && next.search !== window.location.search
        && Date.now() - navigatedAt > 1500) {
      return window.history.pushState(state, title, url);
    }
    return replace(state, title, url);
  };
})();
</script>
"""


def back_button_per_filter_change() -> None:
    """The browser's Back button returns to the previous filter state (see above)."""
    st.html(_HISTORY_PER_CHANGE, unsafe_allow_javascript=True, width="content")


def built_line(data_as_of: str | None = None) -> None:
    """The "data as of / built at" line: when dbt last built the dashboard's relations (UTC)."""
    try:
        when = queries.built_at()
    except psycopg.Error:
        when = None
    built = f"built at {when:%Y-%m-%d %H:%M} UTC" if when is not None else "build time unknown"
    st.caption((f"Data as of {data_as_of}; " if data_as_of else "Data ") + built + " (`make run`).")


def kpi(column, label: str, value: str, caption: str, help_text: str) -> None:
    """A KPI tile; the caption under it shows numerator / denominator (also on hover)."""
    with column:
        st.metric(label, value, help=help_text, border=True)
        st.caption(caption)
