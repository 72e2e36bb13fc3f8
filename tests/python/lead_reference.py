"""A pure-Python reference of the lead-conversion rules (rules L1-L13, decisions D1-D10).

Written from the rules (docs/rules.md), not from the dbt models, so the differential test
(test_lead_differential.py) can compare two independent implementations row for row.
Input: the rows of the four input tables as dicts keyed by column name (text as `str`,
times as naive `datetime` holding UTC, the JSON details as the document's text exactly as
stored by PostgreSQL's `json` type). Output: the rows of the two marts as tuples, in the
column order of the contracts (L12, L13), the local times (LOCAL_TIME_COLUMNS) as PostgreSQL's
text of them: a local time may fall past year 9999 or before year 1 (D24), which Python's
datetime cannot hold, and the text is exact for every other time too.

Time zones: local times are computed with `zoneinfo`; the set of zone names PostgreSQL knows
(pg_timezone_names) is an argument, because validity is PostgreSQL's (L6). Python's tz
database and PostgreSQL's can disagree for some zones and instants (different tzdata
releases, backzone links); the differential test only generates zones and instants on which
the two agree and checks that agreement itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from infinite_times import INFINITY, is_infinite

Row = Mapping[str, Any]

# D1: the characters stripped from both ends of every text value.
BLANKS = " \t\n\v\f\r"

CLIENT_CONVERSION_EVENTS_COLUMNS = (
    "user_id",
    "branch_id",
    "local_user_created_at",
    "lead_status",
    "client_conversion_event_type",
    "client_conversion_event_id",
    "client_conversion_event_local_created_at",
    "client_conversion_event_name",
    "client_conversion_event_source",
    "first_user_membership_id",
    "first_local_membership_purchased_at",
    "first_membership_name",
    "first_membership_source",
    "first_credit_pack_id",
    "first_local_credit_pack_purchase_at",
    "first_credit_pack_name",
    "first_credit_pack_source",
)
LEAD_CONVERSIONS_COLUMNS = (*CLIENT_CONVERSION_EVENTS_COLUMNS[:9], "client_conversion_event_filter")
# The marts' timestamps: all local times (L8), compared as PostgreSQL's text of them.
LOCAL_TIME_COLUMNS = frozenset(
    (
        "local_user_created_at",
        "client_conversion_event_local_created_at",
        "first_local_membership_purchased_at",
        "first_local_credit_pack_purchase_at",
    )
)

MEMBERSHIP = "MEMBERSHIP"
USER_CREDIT = "USER_CREDIT"


# --- L1 / D1: text cleaning -------------------------------------------------------------


def clean(value: str | None) -> str | None:
    """D1: strip space, \\t, \\n, \\v, \\f, \\r from both ends; empty -> NULL; case kept."""
    if value is None:
        return None
    stripped = value.strip(BLANKS)
    return stripped or None


def nulls_last(value: Any) -> tuple[bool, Any]:
    """A sort key putting NULL (None) after every value. Python compares `str` by code
    point, which is UTF-8 byte order: PostgreSQL's COLLATE "C"."""
    return (value is None, "" if value is None else value)


# --- L4 / D4: the details JSON ----------------------------------------------------------


@dataclass(frozen=True)
class _JsonNumber:
    """A JSON number kept as the text it was written as (`->>` on PostgreSQL's json type)."""

    text: str


class _JsonObject(list):
    """A JSON object as its (key, value) pairs, in document order (duplicates kept)."""


def _can_be_text(value: str) -> bool:
    """False for strings PostgreSQL cannot turn into text: \\u0000, unpaired surrogates."""
    return "\x00" not in value and not any("\ud800" <= ch <= "\udfff" for ch in value)


def details_text(document: str | None, key: str) -> str | None:
    """D4: the text of `key` when the document is a JSON object and the value (last one for a
    duplicated key) is a string, number or boolean; cleaned as D1. Anything else -> NULL."""
    if document is None:
        return None
    parsed = json.loads(
        document,
        parse_int=_JsonNumber,
        parse_float=_JsonNumber,
        parse_constant=_reject_constant,
        object_pairs_hook=_JsonObject,
    )
    if not isinstance(parsed, _JsonObject):
        return None
    found: list[Any] = [value for name, value in parsed if name == key]
    if not found:
        return None
    value = found[-1]  # duplicate keys: the last one wins, as PostgreSQL's json type does
    if isinstance(value, bool):
        return clean("true" if value else "false")
    if isinstance(value, _JsonNumber):
        return clean(value.text)
    if isinstance(value, str):
        return clean(value) if _can_be_text(value) else None
    return None  # JSON null, arrays, nested objects


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON; PostgreSQL's json type would not hold it")


# --- L6 / D5: zones -----------------------------------------------------------------------


def read_country_seed(path: Path) -> dict[str, str]:
    """The seed country_capital_timezones as {lower(country): timezone_id}."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mapping = {row["country"].lower(): row["timezone_id"] for row in rows}
    if len(mapping) != len(rows):
        raise ValueError(f"{path}: two countries differ only in case; the match would be ambiguous")
    return mapping


# 400 Gregorian years: the calendar (leap days and weekdays) repeats after them exactly.
_CALENDAR_CYCLE = dt.timedelta(days=146097)


def timestamp_text(
    year: int, month: int, day: int, hour: int, minute: int, second: int, microsecond: int
) -> str:
    """PostgreSQL's text of a timestamp (DateStyle ISO) from its fields, `year` counted as ISO
    8601 does (year 0 is 1 BC): years before 1 end in " BC", years past 9999 have five digits,
    fractional seconds lose their trailing zeros."""
    fraction = f".{microsecond:06d}".rstrip("0") if microsecond else ""
    era = "" if year >= 1 else " BC"
    return (
        f"{year if year >= 1 else 1 - year:04d}-{month:02d}-{day:02d}"
        f" {hour:02d}:{minute:02d}:{second:02d}{fraction}{era}"
    )


def to_local(ts: dt.datetime | None, zone: str) -> str | None:
    """D7: (ts at time zone 'UTC') at time zone zone, as PostgreSQL's text of that timestamp.
    An infinite time (`infinity`, `-infinity`) is the same infinity in every zone. A local
    time may fall past year 9999 or before year 1 (D24: 9999-12-31 23:00 UTC in a +14 zone is
    10000-01-01 13:00), beyond Python's datetime: an instant in year 1 or 9999 is converted
    400 years nearer (same calendar; a zone's offsets then are those of its first or its last
    rule, as in year 1 or 9999) and its year moved back."""
    if ts is None:
        return None
    if is_infinite(ts):
        return "infinity" if ts == INFINITY else "-infinity"
    cycles = {dt.MINYEAR: 1, dt.MAXYEAR: -1}.get(ts.year, 0)
    moved = ts + cycles * _CALENDAR_CYCLE
    local = moved.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone))
    return timestamp_text(
        local.year - 400 * cycles,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
    )


@dataclass(frozen=True)
class Branch:
    branch_id: str
    zone: str
    zone_source: str


BRANCH_TEXT_COLUMNS = ("branch_id", "name", "email", "city", "country", "timezone_id")


def resolve_branches(
    dim_branch: Iterable[Row], known_zones: Iterable[str], country_zones: Mapping[str, str]
) -> dict[str, Branch]:
    """L6 / D5: one row per cleaned branch_id, with its resolved zone and where it came from."""
    zones_by_lower = {name.lower(): name for name in known_zones}
    best: dict[str, tuple] = {}
    for raw in dim_branch:
        row = {k: clean(raw[k]) for k in BRANCH_TEXT_COLUMNS}
        if row["branch_id"] is None:
            continue  # audited, L6
        key = (
            nulls_last(raw["created_at"]),
            nulls_last(row["timezone_id"]),
            nulls_last(row["country"]),
            nulls_last(row["name"]),
            nulls_last(row["email"]),
            nulls_last(row["city"]),
        )
        current = best.get(row["branch_id"])
        if current is None or key < current[0]:
            best[row["branch_id"]] = (key, row)
    branches = {}
    for branch_id, (_, row) in best.items():
        timezone_id, country = row["timezone_id"], row["country"]
        if timezone_id is not None and timezone_id.lower() in zones_by_lower:
            branch = Branch(branch_id, zones_by_lower[timezone_id.lower()], "timezone_id")
        elif country is not None and country.lower() in country_zones:
            branch = Branch(branch_id, country_zones[country.lower()], "country_capital")
        else:
            branch = Branch(branch_id, "UTC", "default_utc")
        branches[branch_id] = branch
    return branches


# --- L2 / D2: users -------------------------------------------------------------------------


def dedupe_users(dim_user: Iterable[Row]) -> dict[str, dict[str, Any]]:
    """L2 / D2: drop NULL user_id; one row per user_id (earliest created_at, then branch_id,
    name, email, all NULL last, byte order)."""
    best: dict[str, tuple] = {}
    for raw in dim_user:
        row = {k: clean(raw[k]) for k in ("user_id", "branch_id", "name", "email")}
        row["created_at"] = raw["created_at"]
        if row["user_id"] is None:
            continue  # audited, L2
        key = (
            nulls_last(row["created_at"]),
            nulls_last(row["branch_id"]),
            nulls_last(row["name"]),
            nulls_last(row["email"]),
        )
        current = best.get(row["user_id"])
        if current is None or key < current[0]:
            best[row["user_id"]] = (key, row)
    return {user_id: row for user_id, (_, row) in best.items()}


# --- L3 / L4 / L5 / D3: purchases ---------------------------------------------------------


@dataclass(frozen=True)
class Purchase:
    purchase_id: str
    user_id: str
    branch_id: str | None
    created_at: dt.datetime | None
    effective_at: dt.datetime
    name: str | None
    source: str | None


def dedupe_purchases(
    rows: Iterable[Row],
    id_column: str,
    time_column: str,
    details_column: str,
    users: Mapping | None,
) -> list[Purchase]:
    """L3 / D3: usable rows (id, user_id and effective time present), one per purchase id;
    then L5: only purchases of a known user (L2) are kept (users=None: no L5 filter)."""
    best: dict[str, tuple] = {}
    for raw in rows:
        purchase_id, user_id = clean(raw[id_column]), clean(raw["user_id"])
        effective_at = raw[time_column] if raw[time_column] is not None else raw["created_at"]
        if purchase_id is None or user_id is None or effective_at is None:
            continue  # not usable, audited L3
        purchase = Purchase(
            purchase_id=purchase_id,
            user_id=user_id,
            branch_id=clean(raw["branch_id"]),
            created_at=raw["created_at"],
            effective_at=effective_at,
            name=details_text(raw[details_column], "name"),
            source=details_text(raw[details_column], "source"),
        )
        key = (
            effective_at,
            nulls_last(purchase.created_at),
            user_id,
            nulls_last(purchase.branch_id),
            nulls_last(purchase.name),
            nulls_last(purchase.source),
        )
        current = best.get(purchase_id)
        if current is None or key < current[0]:
            best[purchase_id] = (key, purchase)
    # L3 dedupe first, then L5: a kept purchase of an unknown user is audited, not used.
    kept = [purchase for _, purchase in best.values()]
    return kept if users is None else [p for p in kept if p.user_id in users]


def first_per_user(purchases: Iterable[Purchase]) -> dict[str, Purchase]:
    """L9 / D8: earliest effective time, then created_at (NULL last), then purchase id."""
    firsts: dict[str, Purchase] = {}
    for purchase in purchases:
        key = _first_key(purchase)
        current = firsts.get(purchase.user_id)
        if current is None or key < _first_key(current):
            firsts[purchase.user_id] = purchase
    return firsts


def _first_key(purchase: Purchase) -> tuple:
    return (purchase.effective_at, nulls_last(purchase.created_at), purchase.purchase_id)


# --- L7-L13: the marts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Marts:
    client_conversion_events: list[tuple]
    lead_conversions: list[tuple]


def build_marts(
    dim_branch: Sequence[Row],
    dim_user: Sequence[Row],
    membership_purchases: Sequence[Row],
    credit_pack_purchases: Sequence[Row],
    known_zones: Iterable[str],
    country_zones: Mapping[str, str],
) -> Marts:
    """Both marts from the four input tables (L1-L13 with decisions D1-D10)."""
    branches = resolve_branches(dim_branch, known_zones, country_zones)
    users = dedupe_users(dim_user)
    memberships = dedupe_purchases(
        membership_purchases,
        "membership_id",
        "membership_purchased_at",
        "membership_purchase_details",
        users,
    )
    credit_packs = dedupe_purchases(
        credit_pack_purchases,
        "credit_pack_id",
        "credit_pack_purchased_at",
        "credit_pack_purchase_details",
        users,
    )
    first_membership = first_per_user(memberships)
    first_credit_pack = first_per_user(credit_packs)

    events: list[tuple] = []
    leads: list[tuple] = []
    for user_id, user in users.items():
        membership = first_membership.get(user_id)
        credit_pack = first_credit_pack.get(user_id)
        # L10 / D9: the earlier effective time; an exact tie goes to MEMBERSHIP.
        event: Purchase | None
        event_type: str | None
        if membership is not None and (
            credit_pack is None or membership.effective_at <= credit_pack.effective_at
        ):
            event, event_type = membership, MEMBERSHIP
        elif credit_pack is not None:
            event, event_type = credit_pack, USER_CREDIT
        else:
            event, event_type = None, None
        # L7 / D6: the user's branch, else the branch of the conversion event's purchase.
        branch_id = user["branch_id"]
        if branch_id is None and event is not None:
            branch_id = event.branch_id
        zone = branches[branch_id].zone if branch_id in branches else "UTC"

        def local(ts: dt.datetime | None, zone: str = zone) -> str | None:
            return to_local(ts, zone)

        def event_columns(purchase: Purchase | None, kind: str | None) -> tuple:
            if purchase is None:  # L11: a LEAD has NULL in every conversion column
                return ("LEAD", None, None, None, None, None)
            return (
                "CLIENT",
                kind,
                purchase.purchase_id,
                local(purchase.effective_at),
                purchase.name,
                purchase.source,
            )

        leading = (user_id, branch_id, local(user["created_at"]))
        events.append(
            (
                *leading,
                *event_columns(event, event_type),
                *_first_columns(membership, local),
                *_first_columns(credit_pack, local),
            )
        )
        # L13: ALL always; MEMBERSHIP / USER_CREDIT iff the user has one of that type.
        leads.append((*leading, *event_columns(event, event_type), "ALL"))
        if membership is not None:
            leads.append((*leading, *event_columns(membership, MEMBERSHIP), MEMBERSHIP))
        if credit_pack is not None:
            leads.append((*leading, *event_columns(credit_pack, USER_CREDIT), USER_CREDIT))
    return Marts(client_conversion_events=events, lead_conversions=leads)


def _first_columns(purchase: Purchase | None, local) -> tuple:
    """L12 / D10: id, local effective time, name, source of a first purchase, or NULLs."""
    if purchase is None:
        return (None, None, None, None)
    return (purchase.purchase_id, local(purchase.effective_at), purchase.name, purchase.source)


# --- L5: the audit of rows set aside ----------------------------------------------------------

PURCHASE_TABLES = {
    "fct_membership_purchases": (
        "membership_id",
        "membership_purchased_at",
        "membership_purchase_details",
    ),
    "fct_credit_pack_purchases": (
        "credit_pack_id",
        "credit_pack_purchased_at",
        "credit_pack_purchase_details",
    ),
}


def set_aside_counts(tables: Mapping[str, Sequence[Row]]) -> Counter[tuple[str, str]]:
    """L5: how many rows of each input table each rule sets aside, {(table, rule_id): n}.
    Every input row is either used (one kept row per id) or set aside by exactly one rule."""
    counts: Counter[tuple[str, str]] = Counter()
    branch_ids = {clean(row["branch_id"]) for row in tables["dim_branch"]} - {None}
    counts["dim_branch", "L6"] = len(tables["dim_branch"]) - len(branch_ids)
    users = dedupe_users(tables["dim_user"])
    counts["dim_user", "L2"] = len(tables["dim_user"]) - len(users)
    for table, (id_column, time_column, details_column) in PURCHASE_TABLES.items():
        rows = tables[table]
        kept = dedupe_purchases(rows, id_column, time_column, details_column, users=None)
        known = [purchase for purchase in kept if purchase.user_id in users]
        counts[table, "L3"] = len(rows) - len(kept)
        counts[table, "L5"] = len(kept) - len(known)
    return +counts  # drop the zero counts
