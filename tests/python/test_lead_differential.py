"""Differential test of the lead-conversion marts (rules L1-L13, decisions D1-D10).

hypothesis generates random dirty inputs for the four input tables, loads them into a scratch
PostgreSQL database, builds the marts with dbt and compares both marts row for row with
lead_reference.py, a pure-Python implementation written from docs/rules.md. A disagreement means
one of the two breaks a rule: the failure shows the input and the differing rows.

Time zones: PostgreSQL ships its own tz database and Python's zoneinfo reads the system's; the
two disagree for some zones and instants (tzdata releases, backzone links: e.g. Asia/Manila
before 1990, Atlantic/Azores and Europe/Lisbon before 1993, Asia/Tehran in 1978, Africa/Accra
before 1920). The generator therefore only uses the zones of ZONE_POOL, and
test_zone_pool_agrees_with_postgres checks that PostgreSQL and zoneinfo agree on every zone of
the pool for every kind of instant the generator produces.

Run more examples with `pytest tests/python/test_lead_differential.py --hypothesis-examples 500`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from glofox import database
from harness import PROJECT_ROOT, ScratchDatabase
from infinite_times import INFINITE_TIMES, adapt
from lead_reference import (
    CLIENT_CONVERSION_EVENTS_COLUMNS,
    LEAD_CONVERSIONS_COLUMNS,
    LOCAL_TIME_COLUMNS,
    Marts,
    build_marts,
    nulls_last,
    read_country_seed,
    set_aside_counts,
    to_local,
)

SEED_PATH = PROJECT_ROOT / "seeds" / "country_capital_timezones.csv"

INPUT_COLUMNS = database.LEAD_INPUT_COLUMNS
JSON_COLUMNS = {"membership_purchase_details", "credit_pack_purchase_details"}

# Zones the generator uses (DST, half-hour and 45-minute offsets, links, the date line).
ZONE_POOL = (
    "UTC",
    "Europe/Dublin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Warsaw",
    "Poland",
    "America/New_York",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Lima",
    "Asia/Kolkata",
    "Asia/Calcutta",
    "Asia/Kathmandu",
    "Asia/Jakarta",
    "Asia/Shanghai",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Australia/Eucla",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
)
# Strings that are not zone names PostgreSQL knows (checked in the agreement test).
INVALID_ZONES = ("Mars/Olympus", "GMT+25", "Not/AZone", "Europe/Paris/", "Europe_Paris", "+02:00")
UNKNOWN_COUNTRIES = ("Atlantis", "Frankreich", "Paris")

# Instants the generator draws from, besides DST transitions and random ones.
FAR_INSTANTS = (
    dt.datetime(100, 1, 1, 12, 0),
    dt.datetime(1000, 6, 15, 3, 4, 5),
    dt.datetime(1500, 1, 1),
    dt.datetime(1900, 1, 1),
    dt.datetime(2099, 12, 31, 23, 59, 59, 999999),
    dt.datetime(2500, 3, 31, 23, 0),
    dt.datetime(5000, 10, 30, 12, 0),
    dt.datetime(9990, 1, 1),
    # Years 0001 and 9999: a day from the ends, and near the ends, where a local time falls
    # before year 1 (zones behind UTC) or past year 9999 (zones ahead of it, D24).
    dt.datetime(1, 1, 2, 12, 0),
    dt.datetime(9999, 12, 30, 12, 0),
    dt.datetime(1, 1, 1, 0, 30),
    dt.datetime(9999, 12, 31, 23, 0),
)
# A few instants shared by many rows, so ties within and across types are frequent.
TIE_INSTANTS = (
    dt.datetime(2025, 1, 1, 9, 0),
    dt.datetime(2025, 1, 1, 9, 0),
    dt.datetime(2025, 1, 1, 9, 0, 0, 1),
    dt.datetime(2025, 1, 2, 0, 0),
    dt.datetime(2026, 3, 29, 1, 0),
)
RANDOM_RANGE = (dt.datetime(1800, 1, 1), dt.datetime(2200, 1, 1))
TRANSITION_WINDOWS = ((1890, 1925), (1940, 1950), (1970, 1975), (2010, 2031), (2036, 2040))
NUDGES = (
    dt.timedelta(0),
    dt.timedelta(microseconds=-1),
    dt.timedelta(microseconds=1),
    dt.timedelta(seconds=-1),
    dt.timedelta(minutes=-30),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=1),
)


@functools.cache
def transitions() -> tuple[dt.datetime, ...]:
    """UTC instants (naive) at which a ZONE_POOL zone changes its offset, within the windows."""
    found: set[dt.datetime] = set()
    for name in ZONE_POOL:
        zone = ZoneInfo(name)

        def offset(ts: dt.datetime, zone: ZoneInfo = zone) -> dt.timedelta | None:
            return ts.replace(tzinfo=dt.UTC).astimezone(zone).utcoffset()

        for first, last in TRANSITION_WINDOWS:
            day = dt.datetime(first, 1, 1)
            while day.year < last:
                following = day + dt.timedelta(days=1)
                if offset(day) != offset(following):
                    low, high = day, following  # offset(low) != offset(high): bisect to 1 s
                    while high - low > dt.timedelta(seconds=1):
                        middle = low + (high - low) / 2
                        middle = middle.replace(microsecond=0)
                        if offset(middle) == offset(low):
                            low = middle
                        else:
                            high = middle
                    found.add(high)
                day = following
    return tuple(sorted(found))


# --- strategies --------------------------------------------------------------------------

WHITESPACE = ("", " ", "  ", "\t", "\n", "\v", "\f", "\r", " \t\r\n")


@st.composite
def padded(draw: st.DrawFn, values: Sequence[str]) -> str:
    """A value with random D1 whitespace around it."""
    value = draw(st.sampled_from(values))
    return draw(st.sampled_from(WHITESPACE)) + value + draw(st.sampled_from(WHITESPACE))


@st.composite
def text_from(draw: st.DrawFn, common: Sequence[str], odd: Sequence[str]) -> str | None:
    """Mostly a few common values (so rows meet: same ids, ties), sometimes padded with D1
    whitespace, an odd value (other case, U+00A0 which D1 keeps, unknown), blank or NULL."""
    kind = draw(st.sampled_from(("common",) * 5 + ("padded",) * 2 + ("odd", "blank", "null")))
    if kind == "common":
        return draw(st.sampled_from(common))
    if kind == "padded":
        return draw(padded(common))
    if kind == "odd":
        return draw(st.sampled_from(odd))
    if kind == "blank":
        return draw(st.sampled_from(("", " ", "\t\n", "\v\f\r")))
    return None


def long_id(prefix: str) -> str:
    """An id of ~3 KB that does not compress (hex of SHA-256s): more than a B-tree index entry
    may hold, kept like any other id (D19)."""
    return prefix + "".join(hashlib.sha256(f"{prefix}{n}".encode()).hexdigest() for n in range(47))


# Ids and names: (common, odd); the odd ones include control characters (kept: they are not
# blanks, D1) and ids of kilobytes.
USER_IDS = (("u1", "u2", "u3"), ("U1", "\u00a0u1", "u1\u00a0", "u9", "u\x01", long_id("u")))
BRANCH_IDS = (("b1", "b2", "b3"), ("B1", "b9", "\u00a0b1", "\x1bb1", long_id("b")))
PURCHASE_IDS = (("p1", "p2", "p3", "p4"), ("P1", "p\u00e91", "\u00a0p1", "p\x7f", long_id("p")))
NAMES = (("A", "B", "Z"), ("a", "\u00e9", "A\tB", "\u00a0A", "\x07A\x01", long_id("n")))
# A country of kilobytes (a label of the lead page, like the names): kept as given.
LONG_COUNTRY = long_id("c")


@st.composite
def timestamps(draw: st.DrawFn) -> dt.datetime | None:
    kind = draw(
        st.sampled_from(("tie",) * 4 + ("transition",) * 2 + ("random", "far", "infinite", "null"))
    )
    if kind == "tie":
        return draw(st.sampled_from(TIE_INSTANTS))
    if kind == "transition":
        return draw(st.sampled_from(transitions())) + draw(st.sampled_from(NUDGES))
    if kind == "random":
        return draw(st.datetimes(*RANDOM_RANGE))
    if kind == "far":
        return draw(st.sampled_from(FAR_INSTANTS))
    if kind == "infinite":
        # PostgreSQL's `infinity` and `-infinity`: times like any other (L3, L9, L10), the
        # same infinity in every zone (L8).
        return draw(st.sampled_from(INFINITE_TIMES))
    return None


@st.composite
def zones(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(("valid", "valid", "valid", "invalid", "blank")))
    if kind == "valid":
        name = draw(st.sampled_from(ZONE_POOL))
        name = draw(st.sampled_from((name, name.lower(), name.upper(), name.swapcase())))
        return draw(st.sampled_from(WHITESPACE)) + name + draw(st.sampled_from(WHITESPACE))
    if kind == "invalid":
        return draw(st.sampled_from(INVALID_ZONES))
    return draw(st.sampled_from(("", "   ", "\t", None)))


@functools.cache
def seed_countries() -> tuple[str, ...]:
    """Seed countries whose capital's zone is in ZONE_POOL (as written in the seed)."""
    import csv

    with SEED_PATH.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(sorted(row["country"] for row in rows if row["timezone_id"] in ZONE_POOL))


@st.composite
def countries(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(("seed", "seed", "unknown", "blank")))
    if kind == "seed":
        name = draw(st.sampled_from(seed_countries()))
        name = draw(st.sampled_from((name, name.lower(), name.upper())))
        return draw(st.sampled_from(WHITESPACE)) + name + draw(st.sampled_from(WHITESPACE))
    if kind == "unknown":
        return draw(st.sampled_from((*UNKNOWN_COUNTRIES, LONG_COUNTRY)))
    return draw(st.sampled_from(("", " ", None)))


# JSON pieces (L4 / D4): the details documents are written as text, token by token.
JSON_STRINGS = (
    '"Gold"',
    '"gold"',
    '"  Padded  "',
    '"\\tTabbed\\n"',
    '""',
    '"   "',
    '"\\u0000"',  # cannot become text -> NULL
    '"a\\u0000b"',
    '"\\ud800"',  # unpaired surrogate -> NULL
    '"\\udc00x"',
    '"\\ud83d\\ude00"',  # a valid pair: an emoji
    '"\\\\u0000"',  # an escaped backslash: the text \u0000, a normal string
    '"\u00e9l\u00e8ve"',
    '"caf\\u00e9"',
    '"\\"quoted\\""',
    '"\\/slash"',
    f'"{long_id("s")}"',  # a name or source of kilobytes that does not compress
)
JSON_NUMBERS = ("12", "1.50", "1e2", "1E+2", "-0", "-0.0e-5", "123456789012345678901234567890")
JSON_OTHER = ("true", "false", "null", "{}", '{"a": 1}', "[]", '[1, "x"]', '{"name": "inner"}')
JSON_KEYS = ('"name"', '"source"') * 3 + (
    '"NAME"',
    '"Source"',
    '"n\\u0061me"',
    '"other"',
    '"name\\u0000"',
)
JSON_SPACES = ("", " ", "\n", "\t ")


@st.composite
def json_values(draw: st.DrawFn) -> str:
    kinds = (JSON_STRINGS, JSON_STRINGS, JSON_STRINGS, JSON_NUMBERS, JSON_OTHER)
    return draw(st.sampled_from(draw(st.sampled_from(kinds))))


@st.composite
def json_objects(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(JSON_KEYS), json_values()), max_size=5))
    space = draw(st.sampled_from(JSON_SPACES))
    members = f",{space}".join(f"{key}{space}:{space}{value}" for key, value in pairs)
    return f"{space}{{{space}{members}{space}}}{space}"


@st.composite
def plain_objects(draw: st.DrawFn) -> str:
    """The usual document: {"name": ..., "source": ...}."""
    name, source = draw(json_values()), draw(json_values())
    return f'{{"name": {name}, "source": {source}}}'


def details() -> st.SearchStrategy[str | None]:
    return st.one_of(
        plain_objects(),
        plain_objects(),
        json_objects(),
        json_objects(),
        json_values(),  # a document that is a string, number, boolean, null, array ...
        st.sampled_from(('[{"name": "x"}]', '"name"')),
        st.none(),
    )


def branch_rows() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "branch_id": text_from(*BRANCH_IDS),
            "name": text_from(*NAMES),
            "email": text_from(*NAMES),
            "city": text_from(*NAMES),
            "country": countries(),
            "timezone_id": zones(),
            "created_at": timestamps(),
        }
    )


def user_rows() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "user_id": text_from(*USER_IDS),
            "branch_id": text_from(*BRANCH_IDS),
            "name": text_from(*NAMES),
            "email": text_from(*NAMES),
            "created_at": timestamps(),
        }
    )


def purchase_rows(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "user_id": text_from(*USER_IDS),
            "branch_id": text_from(*BRANCH_IDS),
            f"{kind}_id": text_from(*PURCHASE_IDS),
            f"{kind}_purchased_at": timestamps(),
            "created_at": timestamps(),
            f"{kind}_purchase_details": details(),
        }
    )


@st.composite
def dirty_inputs(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """The four input tables; a row is sometimes repeated exactly (duplicates, L2/L3/L6)."""

    def rows(strategy: st.SearchStrategy[dict[str, Any]], size: tuple[int, int]) -> list[dict]:
        return [draw(strategy) for _ in range(draw(st.integers(*size)))]

    # At least a few rows each, so even the first examples have users, purchases and ties
    # (empty tables are an explicit @example of the test).
    tables = {
        "dim_branch": rows(branch_rows(), (1, 6)),
        "dim_user": rows(user_rows(), (2, 8)),
        "fct_membership_purchases": rows(purchase_rows("membership"), (2, 10)),
        "fct_credit_pack_purchases": rows(purchase_rows("credit_pack"), (2, 10)),
    }
    for rows in tables.values():
        if rows and draw(st.booleans()):
            rows.append(dict(draw(st.sampled_from(rows))))
    return tables


# Labels of kilobytes that do not compress (more than a B-tree entry holds): a branch's name and
# country, a purchase's source, and a user's unknown branch id (the page's branch label then).
_AT = dt.datetime(2025, 1, 1, 9, 0)
KILOBYTE_LABELS: dict[str, list[dict[str, Any]]] = {
    "dim_branch": [
        {
            "branch_id": "b1",
            "name": long_id("n"),
            "email": None,
            "city": None,
            "country": LONG_COUNTRY,
            "timezone_id": "UTC",
            "created_at": _AT,
        }
    ],
    "dim_user": [
        {"user_id": "u1", "branch_id": "b1", "name": "A", "email": None, "created_at": _AT},
        {"user_id": "u2", "branch_id": long_id("b"), "name": "B", "email": None, "created_at": _AT},
    ],
    "fct_membership_purchases": [
        {
            "user_id": "u1",
            "branch_id": "b1",
            "membership_id": "p1",
            "membership_purchased_at": _AT + dt.timedelta(days=1),
            "created_at": _AT + dt.timedelta(days=1),
            "membership_purchase_details": f'{{"name": "Gold", "source": "{long_id("s")}"}}',
        }
    ],
    "fct_credit_pack_purchases": [],
}


# --- database side ---------------------------------------------------------------------------


def load_inputs(db: ScratchDatabase, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the four input tables' rows (COPY; PostgreSQL parses the JSON)."""
    with adapt(db.connect()) as conn:
        conn.execute("truncate " + ", ".join(f"public.{name}" for name in INPUT_COLUMNS))
        for name, columns in INPUT_COLUMNS.items():
            statement = f"copy public.{name} ({', '.join(columns)}) from stdin"
            with conn.cursor().copy(statement) as copy:
                for row in tables[name]:
                    copy.write_row([row[column] for column in columns])


def read_inputs(db: ScratchDatabase) -> dict[str, list[dict[str, Any]]]:
    """The four input tables as stored; JSON documents as their stored text."""
    tables = {}
    with adapt(db.connect()) as conn:
        for name, columns in INPUT_COLUMNS.items():
            select = ", ".join(
                f"cast({col} as text)" if col in JSON_COLUMNS else col for col in columns
            )
            cursor = conn.execute(f"select {select} from public.{name}")
            tables[name] = [dict(zip(columns, row, strict=True)) for row in cursor]
    return tables


def known_zones(db: ScratchDatabase) -> list[str]:
    return [row[0] for row in db.query("select name from pg_timezone_names")]


def read_marts(db: ScratchDatabase) -> Marts:
    """Both marts' rows; the local times as PostgreSQL's text of them (DateStyle ISO), as the
    reference gives them: a local time may fall past year 9999 or before year 1 (D24)."""

    def rows(relation: str, columns: Sequence[str]) -> list[tuple]:
        select = ", ".join(
            f"cast({column} as text)" if column in LOCAL_TIME_COLUMNS else column
            for column in columns
        )
        with adapt(db.connect()) as conn:
            conn.execute("set datestyle = 'ISO, MDY'")
            return conn.execute(f"select {select} from {relation}").fetchall()

    return Marts(
        client_conversion_events=rows(
            "marts.fct_client_conversion_events", CLIENT_CONVERSION_EVENTS_COLUMNS
        ),
        lead_conversions=rows("marts.fct_lead_conversions", LEAD_CONVERSIONS_COLUMNS),
    )


def reference_marts(db: ScratchDatabase, tables: dict[str, list[dict[str, Any]]]) -> Marts:
    return build_marts(
        tables["dim_branch"],
        tables["dim_user"],
        tables["fct_membership_purchases"],
        tables["fct_credit_pack_purchases"],
        known_zones=known_zones(db),
        country_zones=read_country_seed(SEED_PATH),
    )


class ProjectError(Exception):
    """dbt could not even start the models (a parse or compile error of the project, not of
    the data): not something hypothesis should shrink."""


def build_lead_models(db: ScratchDatabase) -> None:
    """Only the model nodes the two marts and the audit need (the seed is loaded once per
    module). A model that fails on the data is an AssertionError (a finding); a project that
    does not parse is a ProjectError."""
    result = db.dbt(
        "run",
        "--select",
        "+fct_client_conversion_events",
        "+fct_lead_conversions",
        "+audit_glofox__rows_set_aside",
        # the lead page's relation: its indexes hold the generated labels (kilobytes too)
        "+dash_lead_members",
        "--exclude",
        "resource_type:seed",
        check=False,
    )
    if result.success:
        return
    node_results = getattr(result.result, "results", None) or []
    failed = [r for r in node_results if str(r.status).lower() in {"error", "fail"}]
    if not failed:
        raise ProjectError(f"dbt run did not start the models: {result.exception}")
    raise AssertionError(
        "dbt run failed on the data:\n"
        + "\n".join(f"- {r.node.unique_id}: {r.message}" for r in failed)
    )


# --- comparison ---------------------------------------------------------------------------------


def sort_key(row: Iterable[Any]) -> tuple:
    return tuple(nulls_last(value) for value in row)


def assert_same_rows(name: str, columns: Sequence[str], marts: list[tuple], reference: list[tuple]):
    """Row-for-row equality (as multisets); on failure, the rows each side has in excess."""
    if sorted(marts, key=sort_key) == sorted(reference, key=sort_key):
        return
    only_marts = sorted((Counter(marts) - Counter(reference)).elements(), key=sort_key)
    only_reference = sorted((Counter(reference) - Counter(marts)).elements(), key=sort_key)

    def show(rows: list[tuple]) -> str:
        return "\n".join(
            "    " + ", ".join(f"{col}={value!r}" for col, value in zip(columns, row, strict=True))
            for row in rows[:6]
        )

    raise AssertionError(
        f"{name}: marts and reference differ ({len(marts)} vs {len(reference)} rows)\n"
        f"  in marts.{name} only ({len(only_marts)}):\n{show(only_marts)}\n"
        f"  in the reference only ({len(only_reference)}):\n{show(only_reference)}"
    )


def assert_audit_matches_reference(db: ScratchDatabase, tables: dict[str, list[dict[str, Any]]]):
    """L5: per input table and rule, as many rows set aside in the audit as in the reference."""
    audited = Counter(
        {
            (table, rule): count
            for table, rule, count in db.query(
                "select source_table, set_aside_rule_id, count(*)"
                " from audit.audit_glofox__rows_set_aside group by source_table, set_aside_rule_id"
            )
        }
    )
    expected = set_aside_counts(tables)
    assert audited == expected, (
        f"audit_glofox__rows_set_aside counts differ from the reference (L5): "
        f"audit {dict(sorted(audited.items()))} vs reference {dict(sorted(expected.items()))}"
    )


def assert_marts_match_reference(db: ScratchDatabase, tables: dict[str, list[dict[str, Any]]]):
    """Both marts row for row, then the audit's counts per rule (L5)."""
    built, expected = read_marts(db), reference_marts(db, tables)
    assert_same_rows(
        "fct_client_conversion_events",
        CLIENT_CONVERSION_EVENTS_COLUMNS,
        built.client_conversion_events,
        expected.client_conversion_events,
    )
    assert_same_rows(
        "fct_lead_conversions",
        LEAD_CONVERSIONS_COLUMNS,
        built.lead_conversions,
        expected.lead_conversions,
    )
    assert_audit_matches_reference(db, tables)


# --- tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db():
    """One scratch database for the module: setup.sql's tables, the seeds, the models built."""
    database = ScratchDatabase("lead_differential")
    database.load_sql_file(PROJECT_ROOT / "setup.sql")
    # the zones' seed (L6) and the gyms' policies (dim_branches, read by dash_lead_members)
    database.dbt("seed", "--select", "country_capital_timezones", "branch_conversion_policies")
    build_lead_models(database)
    yield database
    database.drop()


def test_zone_pool_agrees_with_postgres(db: ScratchDatabase):
    """L8 / D7: the reference's local time (zoneinfo) and PostgreSQL's are the same text for
    every zone the generator uses, at every kind of instant it generates, local times past year
    9999 and before year 1 included (else the differential test would compare tz databases, not
    rules). Also: the invalid zones are really unknown to PostgreSQL and the pool's zones are
    known."""
    names = {name.lower() for name in known_zones(db)}
    assert {zone.lower() for zone in ZONE_POOL} <= names
    assert not {zone.lower() for zone in INVALID_ZONES} & names
    assert seed_countries(), "no seed country has a zone of ZONE_POOL"

    grid_step = dt.timedelta(days=3, hours=1, minutes=7, seconds=3)
    instants = [*FAR_INSTANTS, *TIE_INSTANTS]
    instants += [moment + nudge for moment in transitions() for nudge in NUDGES]
    moment = RANDOM_RANGE[0]
    while moment <= RANDOM_RANGE[1]:
        instants.append(moment)
        moment += grid_step
    disagreements = []
    with db.connect() as conn:
        conn.execute("set datestyle = 'ISO, MDY'")
        conn.execute("create temporary table instants (ts timestamp)")
        with conn.cursor().copy("copy instants (ts) from stdin") as copy:
            for instant in instants:
                copy.write_row([instant])
        for name in ZONE_POOL:
            cursor = conn.execute(
                "select ts, cast((ts at time zone 'UTC') at time zone %s as text) from instants",
                (name,),
            )
            for ts, postgres_local in cursor:
                python_local = to_local(ts, name)
                if python_local != postgres_local:
                    disagreements.append((name, ts, postgres_local, python_local))
    assert not disagreements, f"PostgreSQL and zoneinfo disagree: {disagreements[:5]}"


def test_l1_l13_marts_match_reference_on_setup_sql_sample_data(db: ScratchDatabase):
    """The sample data of setup.sql (every dirty case the rules name) gives the same marts in
    dbt and in the Python reference."""
    db.load_sql_file(PROJECT_ROOT / "setup.sql")
    build_lead_models(db)
    tables = read_inputs(db)
    assert tables["dim_user"] and tables["fct_membership_purchases"], "setup.sql has no sample data"
    assert_marts_match_reference(db, tables)


def test_l1_l13_marts_match_reference_on_random_dirty_inputs(
    db: ScratchDatabase, hypothesis_examples: int
):
    """Random dirty inputs (NULLs, blanks, duplicates, unknown users, odd JSON, ties, invalid and
    mixed-case zones, DST transitions, far dates) give the same marts in dbt and the reference."""

    @settings(
        max_examples=hypothesis_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(tables=dirty_inputs())
    @example(tables={name: [] for name in INPUT_COLUMNS})
    @example(tables=KILOBYTE_LABELS)
    def check(tables: dict[str, list[dict[str, Any]]]) -> None:
        load_inputs(db, tables)
        try:
            build_lead_models(db)
        except ProjectError as error:
            # Skip exceptions end hypothesis at once (no shrinking); reported as a failure below.
            project_errors.append(str(error))
            pytest.skip(str(error))
        assert_marts_match_reference(db, read_inputs(db))

    project_errors: list[str] = []
    try:
        check()
    except pytest.skip.Exception:
        if project_errors:
            pytest.fail(f"the dbt project did not build (not a data finding): {project_errors[0]}")
        raise
