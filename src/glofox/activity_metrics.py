"""The 30-day activity metrics of one as-of date (spec A4-A12): the default date and a summary.

`make run` builds metrics_30d for DEFAULT_AS_OF_DATE unless told otherwise (`glofox run
--as-of`, `make run AS_OF=...`): the sample data spans 2025-10-01 .. 2026-03-31, so on its
last day every metric has data. dbt itself defaults to today in UTC (var `as_of_date`).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from glofox import database, settings

# The one place the README's as-of date lives.
DEFAULT_AS_OF_DATE = datetime.date(2026, 3, 31)


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


def read_headline(conn: settings.Connection) -> Headline | None:
    """The row of marts.metrics_30d, or None when the mart is not built yet."""
    fields = ", ".join(Headline.__dataclass_fields__)
    with database.connect(conn) as db:
        exists = db.execute("select to_regclass('marts.metrics_30d')").fetchone()[0]
        if exists is None:
            return None
        row = db.execute(f"select {fields} from marts.metrics_30d").fetchone()
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
