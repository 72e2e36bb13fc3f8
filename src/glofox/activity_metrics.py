"""The 30-day activity metrics (rules A4-A12): the default as-of date and a summary.

metrics_30d is a daily series: one row per as-of date from its first day through the var
`as_of_date`. `make run` builds it through DEFAULT_AS_OF_DATE unless told otherwise (`glofox
run --as-of`, `make run AS_OF=...`): the sample data spans 2025-10-01 .. 2026-03-31, so on
its last day every metric has data. dbt itself defaults to today in UTC.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from glofox import database, settings

# The one place the README's as-of date lives.
DEFAULT_AS_OF_DATE = datetime.date(2026, 3, 31)

# What `make run` says when the activity marts are empty.
NO_INPUT = (
    "30-day metrics: the activity part had no input (no signup, message or payment in the app"
    " tables, or the tables are missing): metrics_30d and the other activity marts are empty."
)


def dbt_vars(as_of: datetime.date) -> list[str]:
    """dbt arguments that set the as-of date D (A4, A12: var `as_of_date`, YYYY-MM-DD)."""
    return ["--vars", json.dumps({"as_of_date": as_of.isoformat()})]


@dataclass(frozen=True)
class Headline:
    as_of_date: datetime.date
    window_start: datetime.datetime
    window_end: datetime.datetime
    new_users: int
    new_user_revenue: Decimal
    active_users: int
    active_paying_users: int
    converted_new_users: int
    conversion_rate: Decimal | None
    retention_cohort_users: int
    retained_users: int
    retention_rate: Decimal | None


def series_ends_after(conn: settings.Connection, as_of: datetime.date) -> bool:
    """True when marts.metrics_30d holds days after `as_of`: an incremental build cannot take
    those away, so the series must be rebuilt whole (dbt stops and says so otherwise)."""
    with database.connect(conn) as db:
        if db.execute("select to_regclass('marts.metrics_30d')").fetchone()[0] is None:
            return False
        (last_day,) = db.execute("select max(as_of_date) from marts.metrics_30d").fetchone()
    return last_day is not None and last_day > as_of


def read_headline(conn: settings.Connection, as_of: datetime.date | None = None) -> Headline | None:
    """The row of marts.metrics_30d for `as_of` (default: the series' last day), or None when
    the mart is not built yet or has no row for that day."""
    fields = ", ".join(Headline.__dataclass_fields__)
    with database.connect(conn) as db:
        exists = db.execute("select to_regclass('marts.metrics_30d')").fetchone()[0]
        if exists is None:
            return None
        row = db.execute(
            f"select {fields} from marts.metrics_30d"
            " where as_of_date = coalesce(%s, (select max(as_of_date) from marts.metrics_30d))",
            (as_of,),
        ).fetchone()
    return Headline(*row) if row else None


def _rate(numerator: int, denominator: int, rate: Decimal | None) -> str:
    shown = "n/a (empty denominator)" if rate is None else f"{rate * 100:.1f}%"
    return f"{shown}  ({numerator} / {denominator})"


def format_headline(headline: Headline) -> list[str]:
    """Readable lines: the window, then each metric with its numerator and denominator (A11)."""
    last_day = (headline.window_end - datetime.timedelta(microseconds=1)).date()
    conversion = _rate(headline.converted_new_users, headline.new_users, headline.conversion_rate)
    retention = _rate(
        headline.retained_users, headline.retention_cohort_users, headline.retention_rate
    )
    return [
        f"30-day metrics for {headline.as_of_date}"
        f" (window {headline.window_start.date()} .. {last_day}, UTC)",
        f"  new users             : {headline.new_users}",
        f"  new-user revenue      : {headline.new_user_revenue:.2f}",
        f"  active users          : {headline.active_users}",
        f"  active paying users   : {headline.active_paying_users}",
        f"  conversion rate       : {conversion}",
        f"  retention rate        : {retention}",
    ]
