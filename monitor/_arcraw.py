"""The arc tables through the raw DB driver, inside the caller's transaction.

An evaluation moves tens of thousands of rows each way; SQLAlchemy's per-row processing (parsing
every timestamp on SQLite, building Row objects) cost more than the queries. Values stay in the
driver's own form: timestamps read here are written back untouched (ISO text on SQLite, aware
datetimes on PostgreSQL), and only values made in Python are encoded, by `Codec`.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any, Iterable, Sequence

from sqlalchemy.engine import Connection

from monitor._bulk import copy_types

SQLITE_IN_LIMIT = 900  # bound parameters per IN list, under SQLite's default limit of 999
# PostgreSQL takes the keys as one array, sent in binary (%b): psycopg writes a text array in Python, quoting
# each element, at several times the cost (monitor/store.py, _pairs_in)
ANY_KEYS = "= ANY(%b)"
_JSON = json.JSONEncoder(separators=(",", ":")).encode  # json.dumps builds an encoder per call


class Codec:
    """How this connection's driver wants Python-made values: placeholders, dates, times, JSON."""

    def __init__(self, conn: Connection):
        self.sqlite = conn.dialect.name == "sqlite"
        self.mark = "?" if self.sqlite else "%s"

    def day(self, value: date | None) -> Any:
        """A date as the driver stores it."""
        if value is None or not self.sqlite:
            return value
        return value.isoformat()

    def time(self, value: datetime | None) -> Any:
        """A tz-aware timestamp as SQLAlchemy's UTCDateTime stores it (naive UTC text on SQLite)."""
        if value is None or not self.sqlite:
            return value
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")

    def read_day(self, value: Any) -> date | None:
        """A date column's raw value as a date."""
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(value)

    def json(self, value: Any) -> Any:
        """A value for a JSON column, as compact JSON text (binary COPY sends it as text on PostgreSQL)."""
        return None if value is None else _JSON(value)

    def day_ordinal(self, column: str) -> str:
        """SQL for a date column as Python's date.toordinal()."""
        if self.sqlite:
            return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"
        return f"({column} - DATE '0001-01-01' + 1)"


def cursor(conn: Connection):
    """A raw cursor on the connection's driver connection (same transaction)."""
    return conn.connection.driver_connection.cursor()


def fetch(conn: Connection, sql: str, params: Sequence | dict = (), *, binary: bool = False) -> list[tuple]:
    """All rows of one statement; binary=True has PostgreSQL send them in binary (no text parsing)."""
    cur = conn.connection.driver_connection.cursor(binary=True) if binary and not Codec(conn).sqlite else cursor(conn)
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def execute(conn: Connection, sql: str, params: Sequence | dict = ()) -> None:
    """One statement that returns no rows."""
    cur = cursor(conn)
    try:
        cur.execute(sql, params)
    finally:
        cur.close()


def execute_in(conn: Connection, sql: str, keys: list, before: Sequence = ()) -> None:
    """`sql` with its `{keys}` placeholder matching any of the keys, like fetch_in, returning no rows."""
    if not Codec(conn).sqlite:
        execute(conn, sql.format(keys=ANY_KEYS), [*before, list(keys)])
        return
    for start in range(0, len(keys), SQLITE_IN_LIMIT):
        chunk = keys[start:start + SQLITE_IN_LIMIT]
        execute(conn, sql.format(keys=f"IN ({', '.join('?' * len(chunk))})"), [*before, *chunk])


def execute_many(conn: Connection, sql: str, rows: list[tuple]) -> None:
    """One statement over many parameter rows."""
    if not rows:
        return
    cur = cursor(conn)
    try:
        cur.executemany(sql, rows)
    finally:
        cur.close()


def fetch_in(conn: Connection, sql: str, keys: list, before: Sequence = (), after: Sequence = (), *,
             binary: bool = False) -> list[tuple]:
    """Rows of `sql` whose `{keys}` placeholder matches any of the keys (IN on SQLite, = ANY on PostgreSQL).

    `before` and `after` are the statement's other parameters, in order around the key list."""
    if not keys:
        return []
    codec = Codec(conn)
    if not codec.sqlite:
        return fetch(conn, sql.format(keys=ANY_KEYS), [*before, list(keys), *after], binary=binary)
    found: list[tuple] = []
    for start in range(0, len(keys), SQLITE_IN_LIMIT):
        chunk = keys[start:start + SQLITE_IN_LIMIT]
        found += fetch(conn, sql.format(keys=f"IN ({', '.join('?' * len(chunk))})"), [*before, *chunk, *after])
    return found


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[tuple], *,
              types_of: str | None = None) -> None:
    """COPY rows into a PostgreSQL table (the fastest way in: PERFORMANCE.md); in binary, which halves
    the client's cost, when `types_of` names the table whose column types to send (JSON as its text)."""
    cur = cursor(conn)
    binary = " (FORMAT BINARY)" if types_of else ""
    types = copy_types(conn, types_of) if types_of else {}
    try:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{binary}") as copy:
            if types:
                copy.set_types([types[c] for c in columns])
            for row in rows:
                copy.write_row(row)
    finally:
        cur.close()
