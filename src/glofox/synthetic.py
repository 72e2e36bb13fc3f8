"""Synthetic dirty data in the shape of setup.sql, at any size (`glofox generate`).

The tables are the ones setup.sql creates, from setup.sql's own DDL (parsed out of the file,
never copied by hand). Every glofox and app table is filled with the KINDS of incomplete data
setup.sql writes by hand (see its table of contents), in proportions of a few percent:
NULL / blank / padded / duplicated ids, unknown users and branches, invalid time zones, NULL
times, implausible dates, odd purchase-details JSON (L1-L8); unknown and NULL senders,
orphan conversations (A7); every payment-document shape, re-deliveries, corrections and
documents that are not payments (A1, A2); repeated exposures, crossovers and dirty
experiment assignments (E1).

Shape at N users (about): N gym users, 3N purchases, 10N messages, N payment documents.
Rows are generated in fixed chunks of users with numpy, one random stream per (seed, chunk),
and streamed with COPY (one connection per table, one transaction each): memory is bounded by
one chunk and the output is the same for the same seed and N, whatever the machine.

The gym users, the purchases, the app users and the messages are then stored in the order
real rows arrive, by the time each row was written (created_at, else the purchase time):
chunks of users come out in user order, which would hand every sort and index build of the
lead models presorted input, and scatter each day's messages over the whole table. Last,
setup.sql's indexes (the event times the daily activity facts read by) and statistics.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from glofox import settings

CHUNK_USERS = 10_000
# The tables stored in arrival order after the COPY, by this key (rows without one last).
ARRIVAL_ORDER = {
    "public.dim_user": "created_at",
    "public.fct_membership_purchases": "coalesce(created_at, membership_purchased_at)",
    "public.fct_credit_pack_purchases": "coalesce(created_at, credit_pack_purchased_at)",
    "app.users": "created_at",
    "app.messages": "created_at",
}
SPAN_START = np.datetime64("2025-10-01T00:00:00", "s")
SPAN_END = np.datetime64("2026-04-01T00:00:00", "s")
SPAN_SECONDS = int((SPAN_END - SPAN_START) / np.timedelta64(1, "s"))
DAY = 86_400

# Tables filled here, in load order, with the columns written (the DDL comes from setup.sql).
COLUMNS: dict[str, tuple[str, ...]] = {
    "public.dim_branch": (
        "branch_id",
        "name",
        "email",
        "city",
        "country",
        "timezone_id",
        "created_at",
    ),
    "public.dim_user": ("user_id", "branch_id", "name", "email", "created_at"),
    "public.fct_membership_purchases": (
        "user_id",
        "branch_id",
        "membership_id",
        "membership_purchased_at",
        "created_at",
        "membership_purchase_details",
    ),
    "public.fct_credit_pack_purchases": (
        "user_id",
        "branch_id",
        "credit_pack_id",
        "credit_pack_purchased_at",
        "created_at",
        "credit_pack_purchase_details",
    ),
    "app.users": ("id", "created_at", "last_active"),
    "app.conversations": ("id", "created_at"),
    "app.messages": ("id", "conversation_id", "user_id", "created_at"),
    "app.payment_events": ("document", "loaded_at"),
    "app.experiment_assignments": ("user_id", "experiment_key", "variant", "assigned_at"),
}

# (timezone_id as written, country as written): valid zones with DST, half-hour and
# 45-minute offsets, and the dirty spellings of L6 (case, padding, blank, invalid, unknown).
CLEAN_ZONES = (
    ("Europe/Dublin", "Ireland", "Dublin"),
    ("America/New_York", "United States", "New York"),
    ("Europe/Warsaw", "Poland", "Warszawa"),
    ("Asia/Kolkata", "India", "Mumbai"),
    ("Australia/Adelaide", "Australia", "Adelaide"),
    ("America/St_Johns", "Canada", "St. John's"),
    ("Asia/Kathmandu", "Nepal", "Kathmandu"),
    ("Pacific/Chatham", "New Zealand", "Waitangi"),
    ("Australia/Sydney", "Australia", "Sydney"),
    ("Europe/London", "United Kingdom", "London"),
    ("Europe/Paris", "France", "Paris"),
    ("America/Sao_Paulo", "Brazil", "São Paulo"),
    ("Asia/Tokyo", "Japan", "Tokyo"),
    ("Europe/Berlin", "Germany", "Berlin"),
)
DIRTY_ZONES = (
    (None, "Poland"),  # L6: NULL zone -> capital
    ("   ", " poland "),  # L1 + L6: blank zone, padded lower-case country
    ("europe/dublin", "Ireland"),  # L6: case-insensitive zone
    ("Mars/Olympus", "Indonesia"),  # L6: invalid zone -> capital
    ("GMT+25", "China"),
    ("\t", "France"),
    ("", "Peru"),
    (None, "Atlantis"),  # L6: unknown country -> UTC
    ("Not/AZone", None),
    (" Europe/London ", "United Kingdom"),  # L1: padded zone
)
FIRST_NAMES = ("Aoife", "Bartek", "Chloé", "Dev", "Ewa", "Finn", "Grace", "Hiro", "Ines", "Jakub")
LAST_NAMES = ("Murphy", "Nowak", "Singh", "Smith", "Kowalska", "Tanaka", "García", "Byrne")
MEMBERSHIP_NAMES = ("Monthly Unlimited", "Annual Premium", "Off-Peak", "Student Monthly")
CREDIT_PACK_NAMES = ("5 Class Pack", "10 Class Pack", "20 Class Pack", "Drop-in")
SOURCES = ("WEBSITE", "MOBILE_APP", "FRONT_DESK", "KIOSK", "CLASSPASS")
# L4 / D4: details documents that give no name or source, or odd ones (as text, JSON-valid).
ODD_DETAILS = (
    None,
    "{}",
    "null",
    "[1, 2]",
    '"a string"',
    '{"name": {"nested": 1}, "source": [1]}',
    '{"name": 12, "source": true}',
    '{"name": "  Padded  ", "source": "\\t"}',
    '{"name": "", "source": "   "}',
    '{"name": "\\u0000 Studio", "source": "WEBSITE"}',
    '{"NAME": "Upper", "Source": "KEY"}',
    '{"name": "A", "name": "B", "source": "KIOSK"}',
)
# A2: documents that are not payments ({user} is replaced by a user id).
BAD_DOCUMENTS = (
    "[1, 2, 3]",
    '"a payment"',
    "42",
    "null",
    "{}",
    '{"user_id": "{user}", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "payment_amount": 10, "transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 10}',
    '{"_id": null, "user_id": "{user}", "payment_amount": 10, "transaction_date": "2026-03-10"}',
    '{"_id": "bad-{n}", "user_id": "not-a-uuid", "payment_amount": 10, '
    '"transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 0, '
    '"transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": "NaN", '
    '"transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": {"$numberDecimal": "-12.50"}, '
    '"transaction_date": "2026-03-10T10:00:00Z"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 10, '
    '"transaction_date": "2026-02-30"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 10, "transaction_date": "now"}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 10, '
    '"transaction_date": {"$date": {"$numberLong": "abc"}}}',
    '{"_id": "bad-{n}", "user_id": "{user}", "payment_amount": 10, '
    '"transaction_date": 1773136800000}',
)


# One draw per dirty kind of purchase (see _purchases), forced onto the first chunk.
PURCHASE_CASES = (
    0.005,
    0.0105,
    0.0115,
    0.0122,
    0.013,
    0.0147,
    0.016,
    0.019,
    0.0195,
    0.020,
    0.021,
    0.022,
    0.025,
    0.03,
    0.999,
    0.994,
)


class GenerateError(Exception):
    """The data cannot be generated; the message says what to do."""


@dataclass(frozen=True)
class Shape:
    """What one run writes: users, seed, and the counts that follow from them."""

    users: int
    seed: int

    @property
    def branches(self) -> int:
        return max(30, self.users // 2_000)

    @property
    def conversations(self) -> int:
        return max(50, self.users // 2)

    @property
    def chunks(self) -> int:
        return -(-self.users // CHUNK_USERS)


# ------------------------------------------------------------------------------------------
# DDL: setup.sql's own statements for the tables filled here.
# ------------------------------------------------------------------------------------------
_CREATE_TABLE = re.compile(r"^create table (?P<name>(?:public|app)\.\w+) \(.*?\n\);", re.S | re.M)
_CREATE_INDEX = re.compile(r"^create index \w+ on (?:public|app)\.\w+ \([^;]*\);", re.M)


def setup_indexes(setup_sql: Path | None = None) -> list[str]:
    """setup.sql's `create index` statements, built after the rows are loaded."""
    path = setup_sql or settings.project_root() / "setup.sql"
    return [m.group(0).rstrip(";") for m in _CREATE_INDEX.finditer(path.read_text("utf-8"))]


def setup_ddl(setup_sql: Path | None = None) -> list[str]:
    """`create schema app`, then for each table of setup.sql: drop (cascade) and create."""
    path = setup_sql or settings.project_root() / "setup.sql"
    text = path.read_text(encoding="utf-8")
    statements = ["create schema if not exists app"]
    found = []
    for match in _CREATE_TABLE.finditer(text):
        found.append(match.group("name"))
        statements.append(f"drop table if exists {match.group('name')} cascade")
        statements.append(match.group(0).rstrip(";"))
    missing = sorted(set(COLUMNS) - set(found))
    if missing:
        raise GenerateError(
            f"{path} has no `create table` for {', '.join(missing)}: the generator takes its DDL "
            "from setup.sql; restore those statements (one `create table schema.name (` ... `);`)."
        )
    return statements


# ------------------------------------------------------------------------------------------
# Text helpers (COPY text format).
# ------------------------------------------------------------------------------------------
NULL = "\\N"


def _escape(value: str | None) -> str:
    if value is None:
        return NULL
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _uuids(rng: np.random.Generator, count: int) -> list[str]:
    raw = rng.bytes(16 * count).hex()
    return [
        f"{raw[i : i + 8]}-{raw[i + 8 : i + 12]}-4{raw[i + 13 : i + 16]}-8{raw[i + 17 : i + 20]}-"
        f"{raw[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def _times(seconds: np.ndarray) -> list[str]:
    """Seconds since SPAN_START as 'YYYY-MM-DD HH:MM:SS' text."""
    stamps = SPAN_START + seconds.astype("timedelta64[s]")
    return [text.replace("T", " ") for text in np.datetime_as_string(stamps, unit="s")]


def _force(draws: np.ndarray, values: Sequence[float], where: np.ndarray | None = None) -> None:
    """Overwrite the first draws with `values`, so the first chunk holds every dirty kind
    whatever its size (a few hundred users would otherwise miss the rarest ones)."""
    positions = np.arange(len(draws)) if where is None else where
    take = min(len(values), len(positions))
    draws[positions[:take]] = values[:take]


def _conversation_id(salt: int, number: int) -> str:
    return f"c0{salt:06x}-0000-4000-8000-{number:012x}"


def _line(*fields: str) -> str:
    return "\t".join(fields)


# ------------------------------------------------------------------------------------------
# Branches (one small table, written first).
# ------------------------------------------------------------------------------------------
def branch_rows(shape: Shape) -> tuple[list[str], list[str]]:
    """dim_branch lines and the branch ids users are spread over (incl. dirty references)."""
    rng = np.random.default_rng([shape.seed, 0xB7A])
    lines: list[str] = []
    ids = [f"b-{k:05d}" for k in range(1, shape.branches + 1)]
    created = _times(rng.integers(-5 * 365 * DAY, -DAY, size=len(ids)))
    dirty = rng.random(len(ids))
    # every dirty zone kind, an exact copy, a padded copy, a blank name
    _force(dirty, [0.05] * len(DIRTY_ZONES) + [0.99, 0.97, 0.005])
    for k, branch_id in enumerate(ids):
        if dirty[k] < 0.12:
            zone, country = DIRTY_ZONES[k % len(DIRTY_ZONES)]
            city = "Somewhere"
        else:
            zone, country, city = CLEAN_ZONES[k % len(CLEAN_ZONES)]
        name = f"Gym {k + 1}" if dirty[k] > 0.01 else ""  # L1: blank name -> NULL
        row = (branch_id, name, f"gym{k + 1}@example.com", city, country, zone, created[k])
        lines.append(_line(*(_escape(v) for v in row)))
        if dirty[k] > 0.98:  # L6 duplicates: exact copy, or padded id with a later row
            lines.append(lines[-1])
        elif dirty[k] > 0.965:
            padded = (f" {branch_id} ", f"{name} (migrated)", None, city, country, "UTC", None)
            lines.append(_line(*(_escape(v) for v in padded)))
    # L6: branches without an id
    lines.append(_line(NULL, "Ghost Gym", NULL, "Nowhere", "Ireland", "Europe/Dublin", NULL))
    lines.append(_line("   ", "Blank Id Gym", NULL, "Dublin", "Ireland", "Europe/Dublin", NULL))
    return lines, ids


# ------------------------------------------------------------------------------------------
# One chunk of users and everything they do.
# ------------------------------------------------------------------------------------------
@dataclass
class Chunk:
    lines: dict[str, list[str]]
    payments: int


def chunk_rows(shape: Shape, branch_ids: Sequence[str], chunk_no: int) -> Chunk:
    rng = np.random.default_rng([shape.seed, chunk_no])
    first = chunk_no * CHUNK_USERS
    count = min(CHUNK_USERS, shape.users - first)
    numbers = np.arange(first + 1, first + count + 1)
    out: dict[str, list[str]] = {table: [] for table in COLUMNS}

    # --- gym users (L1, L2, L7, L8) ----------------------------------------------------
    ids = _uuids(rng, count)
    created_s = rng.integers(0, SPAN_SECONDS, size=count)
    created = _times(created_s)
    branch_pick = rng.integers(0, len(branch_ids), size=count)
    first_names = rng.integers(0, len(FIRST_NAMES), size=count)
    last_names = rng.integers(0, len(LAST_NAMES), size=count)
    user_dirt = rng.random(count)
    branch_dirt = rng.random(count)
    time_dirt = rng.random(count)
    if chunk_no == 0:
        _force(user_dirt, [0.0005, 0.0012, 0.002, 0.004, 0.005, 0.999, 0.994])
        _force(branch_dirt, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.001, 0.0055, 0.0065])
        _force(time_dirt, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.001, 0.0022, 0.0027])
    valid = np.ones(count, dtype=bool)  # has a usable id (app user, purchases)
    for i in range(count):
        user_id: str | None = ids[i]
        branch_id: str | None = branch_ids[branch_pick[i]]
        name: str | None = f"{FIRST_NAMES[first_names[i]]} {LAST_NAMES[last_names[i]]}"
        email: str | None = f"member{numbers[i]}@example.com"
        created_at: str | None = created[i]
        d = user_dirt[i]
        if d < 0.001:  # L2: NULL id
            user_id, valid[i] = None, False
        elif d < 0.0015:  # L2: blank id
            user_id, valid[i] = "   ", False
        elif d < 0.0035:  # L1: padded id (same user once trimmed)
            user_id = f"  {user_id} "
        elif d < 0.0045:  # case kept: an upper-case id is another user than its lower case
            user_id = user_id.upper()
        elif d < 0.0065:  # L1: blank name, tab email
            name, email = "", "\t"
        b = branch_dirt[i]
        if b < 0.005:  # L7: NULL branch -> the event's branch
            branch_id = None
        elif b < 0.006:  # L7: unknown branch -> kept, zone UTC
            branch_id = "b-99999"
        elif b < 0.007:
            branch_id = "   "
        t = time_dirt[i]
        if t < 0.002:  # L8: created_at NULL
            created_at = None
        elif t < 0.0025:  # L8: implausible
            created_at = "1900-01-01 00:00:00"
        elif t < 0.003:
            created_at = "2099-12-31 00:00:00"
        line = _line(*(_escape(v) for v in (user_id, branch_id, name, email, created_at)))
        out["public.dim_user"].append(line)
        if d > 0.996:  # L2: exact duplicate row
            out["public.dim_user"].append(line)
        elif d > 0.993 and user_id is not None:  # L2: same id, later, another branch
            later = _escape(_times(np.array([min(created_s[i] + DAY, SPAN_SECONDS - 1)]))[0])
            out["public.dim_user"].append(
                _line(_escape(user_id), _escape(branch_ids[0]), _escape(name), NULL, later)
            )

    clean_ids = [u if valid[i] else None for i, u in enumerate(ids)]
    _purchases(rng, shape, out, clean_ids, created_s, branch_ids, branch_pick, numbers)
    payments = _app_rows(rng, shape, out, clean_ids, created_s, time_dirt, numbers)
    return Chunk(out, payments)


def _purchases(
    rng: np.random.Generator,
    shape: Shape,
    out: dict[str, list[str]],
    ids: list[str | None],
    created_s: np.ndarray,
    branch_ids: Sequence[str],
    branch_pick: np.ndarray,
    numbers: np.ndarray,
) -> None:
    """L3, L4, L5, L9, L10: memberships and credit packs, ~3 per user, a few % dirty."""
    count = len(ids)
    profile = rng.random(count)  # 25% none, 35% membership, 20% credit pack, 20% both
    kinds = (
        (
            "public.fct_membership_purchases",
            "m",
            MEMBERSHIP_NAMES,
            (profile >= 0.25) & (profile < 0.60) | (profile >= 0.80),
        ),
        ("public.fct_credit_pack_purchases", "cp", CREDIT_PACK_NAMES, profile >= 0.60),
    )
    for table, prefix, names, buys in kinds:
        per_user = np.where(buys, 1 + rng.poisson(2.0, size=count), 0)
        total = int(per_user.sum())
        owner = np.repeat(np.arange(count), per_user)
        k = np.arange(total) - np.repeat(np.cumsum(per_user) - per_user, per_user)
        delay = np.where(
            k == 0, rng.integers(0, 45 * DAY, size=total), rng.integers(0, 120 * DAY, size=total)
        )
        bought_s = np.minimum(created_s[owner] + delay, SPAN_SECONDS - 1)
        bought = _times(bought_s)
        recorded = _times(
            np.minimum(bought_s + rng.integers(0, 600, size=total), SPAN_SECONDS + DAY)
        )
        name_pick = rng.integers(0, len(names), size=total)
        source_pick = rng.integers(0, len(SOURCES), size=total)
        dirt = rng.random(total)
        if numbers[0] == 1:
            usable = np.flatnonzero([ids[o] is not None for o in owner])
            _force(dirt, PURCHASE_CASES, usable)
        other = rng.integers(0, len(branch_ids), size=total)
        lines = out[table]
        for j in range(total):
            u = owner[j]
            user_id = ids[u]
            if user_id is None:
                continue  # a user without an id buys nothing (L3 covers NULL user ids below)
            purchase_id: str | None = f"{prefix}-{numbers[u]}-{k[j]}"
            branch_id: str | None = branch_ids[branch_pick[u]]
            bought_at: str | None = bought[j]
            recorded_at: str | None = recorded[j]
            details: str | None = (
                f'{{"name": "{names[name_pick[j]]}", "source": "{SOURCES[source_pick[j]]}"}}'
            )
            d = dirt[j]
            if d < 0.01:  # L3: purchased_at NULL -> created_at is the time
                bought_at = None
            elif d < 0.011:  # L3: both times NULL -> not usable
                bought_at, recorded_at = None, None
            elif d < 0.012:  # L3: NULL / blank id
                purchase_id = None
            elif d < 0.0125:
                purchase_id = "   "
            elif d < 0.0145:  # L1: padded id
                purchase_id = f"  {purchase_id} "
            elif d < 0.015:  # L3: NULL user
                user_id = None
            elif d < 0.018:  # L5: a user not in dim_user
                user_id = f"eeeeeeee-eeee-4eee-8eee-{int(numbers[u]):012d}"
            elif d < 0.023:  # L4: odd details document
                details = ODD_DETAILS[int(d * 1e6) % len(ODD_DETAILS)]
            elif d < 0.028:  # D6: bought at another branch than the user's
                branch_id = branch_ids[other[j]]
            elif d < 0.031:  # L7: NULL branch on the purchase
                branch_id = None
            line = _line(
                *(
                    _escape(v)
                    for v in (user_id, branch_id, purchase_id, bought_at, recorded_at, details)
                )
            )
            lines.append(line)
            if d > 0.995:  # L3: exact duplicate row
                lines.append(line)
            elif d > 0.993 and purchase_id is not None:  # L3: same id, recorded again later
                again = _times(np.array([min(bought_s[j] + DAY, SPAN_SECONDS - 1)]))[0]
                lines.append(
                    _line(
                        *(
                            _escape(v)
                            for v in (user_id, branch_id, purchase_id, again, again, details)
                        )
                    )
                )


def _app_rows(
    rng: np.random.Generator,
    shape: Shape,
    out: dict[str, list[str]],
    ids: list[str | None],
    created_s: np.ndarray,
    time_dirt: np.ndarray,
    numbers: np.ndarray,
) -> int:
    """app.users, messages, payment documents and experiment assignments of the chunk."""
    count = len(ids)
    # Gym members with a usable id are app users (lower case); 5% more are app-only users.
    extra = max(1, count // 20)
    app_ids = [u.lower() for u in ids if u is not None] + _uuids(rng, extra)
    member_created = created_s[[i for i, u in enumerate(ids) if u is not None]]
    app_created_s = np.concatenate(
        [
            member_created + rng.integers(0, 7_200, size=len(member_created)),
            rng.integers(0, SPAN_SECONDS, size=extra),
        ]
    )
    # L8 echoes: a gym user with NULL / implausible created_at has an app user without signup.
    no_signup = np.concatenate(
        [time_dirt[[i for i, u in enumerate(ids) if u is not None]] < 0.003, np.zeros(extra, bool)]
    )
    n_app = len(app_ids)
    active_from = np.clip(app_created_s, 0, SPAN_SECONDS - DAY // 2)

    # --- messages (A7): 55% write, skewed counts, ~10 per user ------------------------------
    writes = rng.random(n_app) < 0.55
    per_user = np.where(writes, rng.negative_binomial(1, 1 / 18.0, size=n_app) + 1, 0)
    total = int(per_user.sum())
    sender = np.repeat(np.arange(n_app), per_user)
    sent_s = active_from[sender] + (
        rng.random(total) * (SPAN_SECONDS - active_from[sender])
    ).astype(np.int64)
    sent = _times(sent_s)
    message_ids = _uuids(rng, total)
    conversation = rng.integers(1, shape.conversations + 1, size=total)
    dirt = rng.random(total)
    if numbers[0] == 1:
        _force(dirt, [0.001, 0.004, 0.0052])
    salt = shape.seed % 0xFFFFFF
    last_active_s = np.full(n_app, -1, dtype=np.int64)
    np.maximum.at(last_active_s, sender, sent_s)
    lines = out["app.messages"]
    for j in range(total):
        d = dirt[j]
        user_id = app_ids[sender[j]]
        conv = _conversation_id(salt, int(conversation[j]))
        if d < 0.003:  # A7: a sender unknown to app.users
            user_id = f"dddddddd-0000-4000-8000-{int(d * 1e7) % 5000:012d}"
        elif d < 0.005:  # A7: NULL sender
            user_id = NULL
        elif d < 0.0055:  # a conversation missing from app.conversations
            conv = _conversation_id(salt, shape.conversations + 1 + int(d * 1e7) % 100)
        lines.append(_line(message_ids[j], conv, user_id, sent[j]))

    created_text = _times(app_created_s)
    last_text = _times(np.where(last_active_s >= 0, last_active_s, app_created_s))
    for i in range(n_app):
        created_at = NULL if no_signup[i] else created_text[i]
        last_active = last_text[i] if last_active_s[i] >= 0 or not no_signup[i] else NULL
        out["app.users"].append(_line(app_ids[i], created_at, last_active))

    payments = _payment_rows(rng, out, app_ids, active_from, numbers[0])
    _assignment_rows(rng, out, app_ids, app_created_s, no_signup, first=numbers[0] == 1)
    return payments


def _payment_rows(
    rng: np.random.Generator,
    out: dict[str, list[str]],
    app_ids: list[str],
    active_from: np.ndarray,
    first_number: int,
) -> int:
    """A1, A2: ~1 document per user: 40% pay 1-6 times; every shape setup.sql uses."""
    n_app = len(app_ids)
    pays = rng.random(n_app) < 0.40
    per_user = np.where(pays, 1 + rng.binomial(5, 0.3, size=n_app), 0)
    total = int(per_user.sum())
    payer = np.repeat(np.arange(n_app), per_user)
    k = np.arange(total) - np.repeat(np.cumsum(per_user) - per_user, per_user)
    gaps = np.where(
        k == 0, rng.integers(0, 20 * DAY, size=total), rng.integers(2 * DAY, 50 * DAY, size=total)
    )
    paid_s = active_from[payer] + _cumsum_by_group(gaps, per_user)
    amounts = np.round(5 + rng.random(total) * 145, 2)
    loaded_s = paid_s + 300 + rng.integers(0, DAY, size=total)
    dirt = rng.random(total)
    if first_number == 1:
        bad = [(99_800 + k + 0.5) / 100_000 for k in range(len(BAD_DOCUMENTS))]
        _force(dirt, [0.001, 0.96, 0.9905, *bad], np.flatnonzero(paid_s < SPAN_SECONDS))
    lines = out["app.payment_events"]
    paid_text = np.datetime_as_string(SPAN_START + paid_s.astype("timedelta64[s]"), unit="s")
    loaded_text = _times(loaded_s)
    written = 0
    for j in range(total):
        if paid_s[j] >= SPAN_SECONDS:
            continue  # payments after the span are not in the data (as in setup.sql)
        n = int(first_number) * 10 + j
        user_id = app_ids[payer[j]]
        amount = f"{amounts[j]:.2f}"
        iso = paid_text[j]
        d = dirt[j]
        if n % 50 == 3:
            pay_id = f'"  pay_{n} "'
        elif n % 10 < 7:
            pay_id = f'{{"$oid": "{n:024x}"}}'
        else:
            pay_id = f'"pay_{n}"'
        if n % 97 == 5:
            user_id = user_id.upper()
        amount_json = (amount, f'"{amount}"', f'{{"$numberDecimal": "{amount}"}}')[n % 3]
        shape_no = n % 6
        if shape_no == 0:
            date_json = f'{{"$date": "{iso}.000Z"}}'
        elif shape_no == 1:
            epoch_ms = int((paid_s[j] + SPAN_START.astype(np.int64)) * 1000)
            date_json = f'{{"$date": {{"$numberLong": "{epoch_ms}"}}}}'
        elif shape_no == 2:
            date_json = f'"{iso}Z"'
        elif shape_no == 3:
            date_json = f'"{iso}"'
        elif shape_no == 4:
            date_json = f'"{iso[:10]}"'
        else:
            date_json = f'{{"$date": "{iso}.000000+00:00"}}'
        if d < 0.003:  # A2: unknown payer (a payment, but nobody's)
            user_id = f"dddddddd-1111-4000-8000-{n % 1000:012d}"
        document = (
            f'{{"_id": {pay_id}, "user_id": "{user_id}", "payment_amount": {amount_json}, '
            f'"transaction_date": {date_json}}}'
        )
        if d > 0.997:  # A2: a document that is not a payment instead
            template = BAD_DOCUMENTS[int(d * 100_000) % len(BAD_DOCUMENTS)]
            document = template.replace("{user}", app_ids[payer[j]]).replace("{n}", str(n))
        lines.append(_line(_escape(document), loaded_text[j] + "+00"))
        written += 1
        if 0.95 < d <= 0.99:  # A1: exact re-delivery two days later
            lines.append(_line(_escape(document), _times(loaded_s[j : j + 1] + 2 * DAY)[0] + "+00"))
            written += 1
        elif 0.99 < d <= 0.991:  # A1: a later correction of the same _id (never counts)
            corrected = document.replace(
                f'"payment_amount": {amount_json}', '"payment_amount": 999.99'
            )
            lines.append(_line(_escape(corrected), _times(loaded_s[j : j + 1] + 3_600)[0] + "+00"))
            written += 1
    return written


def _cumsum_by_group(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Running sums of `values` restarting at each group of `sizes` consecutive items."""
    totals = np.cumsum(values)
    starts = np.cumsum(sizes) - sizes
    offsets = np.repeat(np.concatenate([[0], totals])[starts], sizes)
    return totals - offsets


def _assignment_rows(
    rng: np.random.Generator,
    out: dict[str, list[str]],
    app_ids: list[str],
    app_created_s: np.ndarray,
    no_signup: np.ndarray,
    first: bool = False,
) -> None:
    """E1: onboarding_checklist at signup, 50/50; repeats, crossovers and dirty rows."""
    n_app = len(app_ids)
    treatment = rng.random(n_app) < 0.5
    repeats = np.where(rng.random(n_app) < 1 / 3, rng.integers(1, 4, size=n_app), 0)
    dirt = rng.random(n_app)
    if first:
        _force(dirt, [0.0001, 0.0006, 0.0008, 0.001], np.flatnonzero(~no_signup))
    signup = _times(app_created_s)
    lines = out["app.experiment_assignments"]
    for i in range(n_app):
        if no_signup[i]:
            continue
        variant = "treatment" if treatment[i] else "control"
        lines.append(_line(app_ids[i], "onboarding_checklist", variant, signup[i]))
        for r in range(1, int(repeats[i]) + 1):  # E1: repeated exposure, same variant
            later = _times(app_created_s[i : i + 1] + r * DAY)[0]
            lines.append(_line(app_ids[i], "onboarding_checklist", variant, later))
        d = dirt[i]
        if d < 0.0005:  # E1: crossover, logged in the other variant 2 days later
            other = "control" if treatment[i] else "treatment"
            lines.append(
                _line(
                    app_ids[i],
                    "onboarding_checklist",
                    other,
                    _times(app_created_s[i : i + 1] + 2 * DAY)[0],
                )
            )
        elif d < 0.0007:  # E1: dirty rows: NULL time, unknown variant, padded variant
            lines.append(_line(app_ids[i], "onboarding_checklist", "control", NULL))
        elif d < 0.0009:
            lines.append(_line(app_ids[i], "onboarding_checklist", "holdout", signup[i]))
        elif d < 0.0011:
            lines.append(_line(NULL, "onboarding_checklist", " Treatment", signup[i]))


# ------------------------------------------------------------------------------------------
# Writing.
# ------------------------------------------------------------------------------------------
@dataclass
class Summary:
    rows: dict[str, int]
    database: str

    def lines(self) -> list[str]:
        width = max(len(name) for name in self.rows)
        return [f"Generated into {self.database}:"] + [
            f"  {name.ljust(width)} {count:>12,}" for name, count in self.rows.items()
        ]


def generate(
    conn: settings.Connection,
    users: int,
    seed: int,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> Summary:
    """Recreate the setup.sql tables in conn's database and fill them (see the module doc)."""
    if users < 1:
        raise GenerateError("--users must be at least 1.")
    shape = Shape(users=users, seed=seed)
    ddl = setup_ddl()
    rows = dict.fromkeys(COLUMNS, 0)
    with psycopg.connect(conn.conninfo(), autocommit=True) as admin:
        admin.execute("set client_min_messages = warning")
        for statement in ddl:
            admin.execute(statement)
    branch_lines, branch_ids = branch_rows(shape)
    conversation_lines = _conversation_lines(shape)
    with contextlib.ExitStack() as stack:
        copies = {}
        for table, columns in COLUMNS.items():
            db = stack.enter_context(psycopg.connect(conn.conninfo()))
            schema, name = table.split(".")
            statement = sql.SQL("copy {} ({}) from stdin").format(
                sql.Identifier(schema, name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            copies[table] = stack.enter_context(db.cursor().copy(statement))
        _write(copies["public.dim_branch"], branch_lines)
        rows["public.dim_branch"] = len(branch_lines)
        _write(copies["app.conversations"], conversation_lines)
        rows["app.conversations"] = len(conversation_lines)
        for chunk in _progress(shape, progress):
            for table, lines in chunk.lines.items():
                if lines:
                    _write(copies[table], lines)
                    rows[table] += len(lines)
        log("Committing ...")
    # Every COPY's connection committed on leaving the stack. The rows in arrival order, then
    # statistics for the planner.
    for table, key in ARRIVAL_ORDER.items():
        with psycopg.connect(conn.conninfo()) as db:
            db.execute(f"create temporary table arriving on commit drop as select * from {table}")
            db.execute(f"truncate {table}")
            db.execute(f"insert into {table} select * from arriving order by {key} nulls last")
    with psycopg.connect(conn.conninfo(), autocommit=True) as admin:
        for statement in setup_indexes():
            admin.execute(statement)
        for table in COLUMNS:
            admin.execute(f"analyze {table}")
    return Summary(rows=rows, database=conn.database)


def _conversation_lines(shape: Shape) -> list[str]:
    rng = np.random.default_rng([shape.seed, 0xC0])
    created = _times(rng.integers(0, SPAN_SECONDS, size=shape.conversations))
    salt = shape.seed % 0xFFFFFF
    return [_line(_conversation_id(salt, c + 1), created[c]) for c in range(shape.conversations)]


def _write(copy, lines: list[str]) -> None:
    copy.write(("\n".join(lines) + "\n").encode("utf-8"))


def _progress(shape: Shape, progress: bool) -> Iterator[Chunk]:
    from tqdm import tqdm

    _, branch_ids = branch_rows(shape)
    with tqdm(total=shape.users, unit=" users", disable=not progress, unit_scale=True) as bar:
        for chunk_no in range(shape.chunks):
            chunk = chunk_rows(shape, branch_ids, chunk_no)
            bar.update(min(CHUNK_USERS, shape.users - chunk_no * CHUNK_USERS))
            yield chunk
