"""A pure-Python reference of the user-activity rules A1-A11 (docs/rules.md), written from them.

It shares no code with the dbt models: the differential test feeds the same random data to
both and compares. Inputs are plain Python values; every time is a naive datetime in UTC.
Decisions the rules leave open follow the models' documentation (see
models/marts/activity/_activity__docs.md): A1 de-duplicates every object with a usable _id
before the A2 field checks; ties between payments at the same instant go by _id in byte
order, and a second payment at the same instant as the first counts as another payment.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

TRIM = " \t\r\n"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
DECIMAL_RE = re.compile(r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?")
EPOCH_MS_RE = re.compile(r"-?[0-9]{1,14}")
ISO_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]+))?)?"
    r"(?:Z|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
)
EPOCH = datetime.datetime(1970, 1, 1)
FOLLOW_UP = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Document:
    """One row of app.payment_events: the JSON text as loaded and its loaded_at."""

    text: str
    loaded_at: datetime.datetime


@dataclass(frozen=True)
class Payment:
    payment_id: str
    user_id: str
    amount: Decimal
    paid_at: datetime.datetime


@dataclass(frozen=True)
class User:
    user_id: str | None
    created_at: datetime.datetime | None
    last_active: datetime.datetime | None


@dataclass(frozen=True)
class Message:
    user_id: str | None
    sent_at: datetime.datetime


@dataclass(frozen=True)
class Parsed:
    payment_id: str | None
    user_id: str | None
    amount: Decimal | None
    paid_at: datetime.datetime | None
    reason_code: str | None  # A2 reason before A1; None = the fields make a payment


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _trimmed(value: object) -> str | None:
    text = _string(value)
    return None if text is None else text.strip(TRIM)


def _missing(document: dict, key: str) -> bool:
    return document.get(key) is None


AMOUNT_KEYS = ("$numberDecimal", "$numberDouble", "$numberLong", "$numberInt")
# A2: the most one payment can be (dbt var payment_amount_max); larger ones are set aside.
PAYMENT_AMOUNT_MAX = Decimal(1_000_000)


def _amount_text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return value.strip(TRIM)
    if isinstance(value, dict):
        # Extended JSON number types, canonical or relaxed, first present key wins.
        for key in AMOUNT_KEYS:
            if key in value:
                return _trimmed(value[key])
    return None


def _amount(text: str | None) -> Decimal | None:
    if text is None or not DECIMAL_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _iso_timestamp(text: str) -> tuple[bool, datetime.datetime | None]:
    """(matches the strict pattern, the UTC time or None when impossible)."""
    match = ISO_RE.fullmatch(text)
    if match is None:
        return False, None
    year, month, day, hour, minute, second, fraction, sign, off_h, off_m = match.groups()
    hour, minute, second = int(hour or 0), int(minute or 0), int(second or 0)
    off_h, off_m = int(off_h or 0), int(off_m or 0)
    if hour > 23 or minute > 59 or second > 59 or off_h > 14 or off_m > 59:
        return True, None
    try:
        local = datetime.datetime(int(year), int(month), int(day), hour, minute, second)
    except ValueError:
        return True, None
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    offset = datetime.timedelta(hours=off_h, minutes=off_m) * (-1 if sign == "-" else 1)
    return True, local + datetime.timedelta(microseconds=micros) - offset


def parse(text: str) -> Parsed:
    """A2: the fields of one document and the first check it fails (None: a payment)."""
    document = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    if not isinstance(document, dict):
        return Parsed(None, None, None, None, "not_an_object")
    raw_id = document.get("_id")
    if isinstance(raw_id, dict) and "$oid" in raw_id:
        raw_id = raw_id["$oid"]
    payment_id = _trimmed(raw_id) or None

    user_text = _trimmed(document.get("user_id"))
    user_id = user_text.lower() if user_text and UUID_RE.fullmatch(user_text) else None

    amount_text = _amount_text(document.get("payment_amount"))
    amount = _amount(amount_text)

    date = document.get("transaction_date")
    iso_text = _string(date)
    if iso_text is None and isinstance(date, dict):
        iso_text = _string(date.get("$date"))
    epoch_text = None
    if isinstance(date, dict) and isinstance(date.get("$date"), dict):
        epoch_text = _string(date["$date"].get("$numberLong"))
    iso_matches, paid_at = _iso_timestamp(iso_text) if iso_text is not None else (False, None)
    is_epoch = epoch_text is not None and EPOCH_MS_RE.fullmatch(epoch_text) is not None
    if is_epoch:
        paid_at = EPOCH + datetime.timedelta(milliseconds=int(epoch_text))

    if payment_id is None:
        reason = "missing_id"
    elif _missing(document, "user_id"):
        reason = "missing_user_id"
    elif user_id is None:
        reason = "invalid_user_id"
    elif _missing(document, "payment_amount"):
        reason = "missing_amount"
    elif amount_text is None:
        reason = "amount_wrong_type"
    elif amount is None:
        reason = "amount_not_numeric"
    elif amount <= 0:
        reason = "amount_not_positive"
    elif amount > PAYMENT_AMOUNT_MAX:
        reason = "amount_too_large"
    elif _missing(document, "transaction_date"):
        reason = "missing_date"
    elif iso_text is None and epoch_text is None:
        reason = "date_wrong_shape"
    elif not iso_matches and not is_epoch:
        reason = "date_unparseable"
    elif paid_at is None:
        reason = "date_impossible"
    else:
        reason = None
    return Parsed(payment_id, user_id, amount, paid_at, reason)


def classify(documents: Iterable[Document]) -> list[tuple[Document, str | None]]:
    """A1 + A2 in load order: each document with its set-aside reason code (None: payment).

    The load order is loaded_at; callers give distinct loaded_at (the models break ties by
    the jsonb text, which this reference does not reproduce).
    """
    ordered = sorted(documents, key=lambda d: d.loaded_at)
    seen: set[str] = set()
    result = []
    for document in ordered:
        parsed = parse(document.text)
        if parsed.reason_code in ("not_an_object", "missing_id"):
            result.append((document, parsed.reason_code))
            continue
        if parsed.payment_id in seen:
            result.append((document, "duplicate_id"))
            continue
        seen.add(parsed.payment_id)
        result.append((document, parsed.reason_code))
    return result


def payments(documents: Iterable[Document]) -> list[Payment]:
    """The valid, de-duplicated payments (A1, A2)."""
    kept = []
    for document, reason in classify(documents):
        if reason is None:
            parsed = parse(document.text)
            kept.append(Payment(parsed.payment_id, parsed.user_id, parsed.amount, parsed.paid_at))
    return kept


@dataclass(frozen=True)
class FirstPayment:
    user_id: str
    first_paid_at: datetime.datetime
    is_retained: bool


def app_users(users: Iterable[User]) -> list[User]:
    """A5: one user per id: of the rows of an id, the earliest created_at (None last), then
    the latest last_active (None last). A row without an id is no user."""
    kept: dict[str, User] = {}
    for user in users:
        if user.user_id is None:
            continue
        rank = _user_rank(user)
        if user.user_id not in kept or rank < _user_rank(kept[user.user_id]):
            kept[user.user_id] = user
    return list(kept.values())


def _user_rank(user: User) -> tuple:
    signup, active = user.created_at, user.last_active
    return (
        signup is None,
        signup or datetime.datetime.min,
        active is None,
        -((active - datetime.datetime.min) // datetime.timedelta(microseconds=1)) if active else 0,
    )


def first_payments(
    all_payments: Iterable[Payment], facts_begin: datetime.date | None = None
) -> list[FirstPayment]:
    """A10: each payer's first payment ever and whether another follows within 30 days.
    "Ever" starts on `facts_begin` (the first day of the daily facts; None: no start): an
    earlier payment counts for nothing."""
    start = None if facts_begin is None else datetime.datetime.combine(facts_begin, datetime.time())
    by_user: dict[str, list[Payment]] = {}
    for payment in all_payments:
        if start is None or payment.paid_at >= start:
            by_user.setdefault(payment.user_id, []).append(payment)
    result = []
    for user_id, own in by_user.items():
        own.sort(key=lambda p: (p.paid_at, p.payment_id.encode()))
        first = own[0]
        retained = len(own) > 1 and own[1].paid_at <= first.paid_at + FOLLOW_UP
        result.append(FirstPayment(user_id, first.paid_at, retained))
    return result


def window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """A4: [D - 29 days 00:00, D + 1 day 00:00)."""
    start = datetime.datetime.combine(as_of, datetime.time()) - datetime.timedelta(days=29)
    return start, start + datetime.timedelta(days=30)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator == 0 else Decimal(numerator) / Decimal(denominator)


def metrics(
    as_of: datetime.date,
    users: list[User],
    messages: list[Message],
    documents: list[Document],
    facts_begin: datetime.date | None = None,
) -> dict[str, object]:
    """The row of metrics_30d for D (A4-A11); `facts_begin` as for first_payments."""
    start, end = window(as_of)
    cohort_start, cohort_end = start - datetime.timedelta(days=30), start

    def inside(moment: datetime.datetime | None) -> bool:
        return moment is not None and start <= moment < end

    valid = payments(documents)
    new_users = {u.user_id for u in app_users(users) if inside(u.created_at)}
    senders = {m.user_id for m in messages if m.user_id is not None and inside(m.sent_at)}
    payers = {p.user_id for p in valid if inside(p.paid_at)}
    revenue = sum(
        (p.amount for p in valid if inside(p.paid_at) and p.user_id in new_users), Decimal(0)
    )
    converted = new_users & (senders | payers)
    firsts = first_payments(valid, facts_begin)
    cohort = [f for f in firsts if cohort_start <= f.first_paid_at < cohort_end]
    retained = [f for f in cohort if f.is_retained]
    return {
        "as_of_date": as_of,
        "window_start": start,
        "window_end": end,
        "new_users": len(new_users),
        "new_user_revenue": revenue,
        "active_users": len(senders),
        "active_paying_users": len(senders & payers),
        "converted_new_users": len(converted),
        "conversion_rate": _rate(len(converted), len(new_users)),
        "retention_cohort_users": len(cohort),
        "retained_users": len(retained),
        "retention_rate": _rate(len(retained), len(cohort)),
    }


def _cohort_period(grain: str, moment: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    day = moment.date()
    if grain == "day":
        return day, day + datetime.timedelta(days=1)
    if grain == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=7)
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following


def retention_by_cohort(
    as_of: datetime.date, documents: list[Document], facts_begin: datetime.date | None = None
) -> set[tuple[str, datetime.date, datetime.date, int, int]]:
    """A10 by first-payment cohort: (grain, start, end, cohort users, retained users), for
    cohorts whose follow-up has elapsed by the end of D (end + 30 days <= D + 1 day);
    `facts_begin` as for first_payments."""
    _, window_end = window(as_of)
    counts: dict[tuple[str, datetime.date, datetime.date], list[int]] = {}
    for first in first_payments(payments(documents), facts_begin):
        for grain in ("day", "week", "month"):
            period = (grain, *_cohort_period(grain, first.first_paid_at))
            ends = datetime.datetime.combine(period[2], datetime.time()) + FOLLOW_UP
            if ends <= window_end:
                tally = counts.setdefault(period, [0, 0])
                tally[0] += 1
                tally[1] += int(first.is_retained)
    return {(*period, users, kept) for period, (users, kept) in counts.items()}


def first_activity_day(
    users: list[User],
    messages: list[Message],
    documents: list[Document],
    facts_days: tuple[datetime.date, datetime.date] | None = None,
) -> datetime.date | None:
    """The default first day of the series: the first day with a signup, a message of a
    sender, or a valid payment (None when there is none), among the days of the daily facts
    `facts_days` (first, last; None: every day). A time outside them (before the var
    activity_facts_begin, after the build, `infinity`) counts for no day."""
    moments = [u.created_at for u in app_users(users) if u.created_at is not None]
    moments += [m.sent_at for m in messages if m.user_id is not None]
    moments += [p.paid_at for p in payments(documents)]
    if facts_days is not None:
        first, last = (datetime.datetime.combine(day, datetime.time()) for day in facts_days)
        last += datetime.timedelta(days=1)
        moments = [moment for moment in moments if first <= moment < last]
    return min((moment.date() for moment in moments), default=None)


def series(
    as_of: datetime.date,
    users: list[User],
    messages: list[Message],
    documents: list[Document],
    first_day: datetime.date | None = None,
    facts_days: tuple[datetime.date, datetime.date] | None = None,
) -> list[dict[str, object]]:
    """metrics_30d as a daily series: metrics() of every D from the first day (default
    first_activity_day within `facts_days`) through as_of, each computed on its own."""
    start = first_day or first_activity_day(users, messages, documents, facts_days)
    if start is None:
        return []
    days = (as_of - start).days + 1
    facts_begin = None if facts_days is None else facts_days[0]
    return [
        metrics(start + datetime.timedelta(days=n), users, messages, documents, facts_begin)
        for n in range(max(days, 0))
    ]
