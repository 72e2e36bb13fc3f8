"""PostgreSQL's infinite timestamps (`infinity`, `-infinity`) in the Python references.

Python's datetime has no infinity. The references and generators stand for the two with
instances of a datetime subclass at the ends of datetime's range, so they sort where
PostgreSQL sorts them (after, before every other time), and the differential tests read and
write them through psycopg adapters registered on their own connections only (the project's
code gets no such help: test_extreme_values checks it copes by itself). The generators never
draw datetime.min or datetime.max as ordinary times, which would compare equal to these.
"""

from __future__ import annotations

import datetime as dt
import struct
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types.datetime import TimestampBinaryLoader, TimestampLoader


class InfiniteTime(dt.datetime):
    """`infinity` or `-infinity`: compare with other times as datetime.max / datetime.min."""

    def __repr__(self) -> str:
        return "INFINITY" if self.year == dt.MAXYEAR else "MINUS_INFINITY"


INFINITY = InfiniteTime(dt.MAXYEAR, 12, 31, 23, 59, 59, 999999)
MINUS_INFINITY = InfiniteTime(dt.MINYEAR, 1, 1)
INFINITE_TIMES = (INFINITY, MINUS_INFINITY)
TIMESTAMP_OID = psycopg.adapters.types["timestamp"].oid


def is_infinite(value: Any) -> bool:
    return isinstance(value, InfiniteTime)


class _TextLoader(TimestampLoader):
    def load(self, data: Any) -> dt.datetime:
        text = bytes(data)
        if text == b"infinity":
            return INFINITY
        if text == b"-infinity":
            return MINUS_INFINITY
        return super().load(data)


class _BinaryLoader(TimestampBinaryLoader):
    # PostgreSQL's binary infinities: the largest and smallest 64-bit integers.
    def load(self, data: Any) -> dt.datetime:
        (micros,) = struct.unpack("!q", bytes(data))
        if micros == 2**63 - 1:
            return INFINITY
        if micros == -(2**63):
            return MINUS_INFINITY
        return super().load(data)


class _TextDumper(Dumper):
    oid = TIMESTAMP_OID

    def dump(self, obj: InfiniteTime) -> bytes:
        return b"infinity" if obj is INFINITY else b"-infinity"


class _BinaryDumper(Dumper):
    oid = TIMESTAMP_OID
    format = Format.BINARY

    def dump(self, obj: InfiniteTime) -> bytes:
        return struct.pack("!q", 2**63 - 1 if obj is INFINITY else -(2**63))


def adapt(connection: psycopg.Connection) -> psycopg.Connection:
    """Let `connection` read and write `infinity` / `-infinity` timestamps as INFINITY /
    MINUS_INFINITY; returns it."""
    adapters = connection.adapters
    adapters.register_loader("timestamp", _TextLoader)
    adapters.register_loader("timestamp", _BinaryLoader)
    adapters.register_dumper(InfiniteTime, _TextDumper)
    adapters.register_dumper(InfiniteTime, _BinaryDumper)
    return connection
