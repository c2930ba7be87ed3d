"""Bulk writes through the raw DB driver: SQLAlchemy's per-row parameter processing costs more than
the insert itself (PERFORMANCE.md: ~120k rows/s through Core against ~345k through sqlite3)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Sequence

from sqlalchemy.engine import Connection

MENTION_COLUMNS = ("platform", "external_id", "author_id", "source", "created_at", "fetched_at", "text",
                   "title", "url", "parent_id", "thread_id", "lang", "raw", "compound", "pos", "neu", "neg",
                   "score", "label", "cues", "deleted")
_JSON_COLUMNS = {"raw", "cues"}
_TIME_COLUMNS = {"created_at", "fetched_at", "first_seen", "last_seen", "edited_at"}


def sqlite_time(value: datetime | None) -> str | None:
    """A UTC timestamp as the text SQLAlchemy's SQLite DateTime writes, so both paths read back alike."""
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _encoders(conn: Connection, columns: Sequence[str]):
    sqlite = conn.dialect.name == "sqlite"
    encoders = []
    for column in columns:
        if column in _JSON_COLUMNS:
            encoders.append(_dumps)
        elif column in _TIME_COLUMNS and sqlite:
            encoders.append(sqlite_time)
        else:
            encoders.append(None)
    return encoders


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[dict[str, Any]],
                conflict: Sequence[str], *, update: Sequence[str] = (), changed_when: str = "") -> int:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING (or DO UPDATE SET update WHERE changed_when) with
    executemany on the raw driver; returns how many rows were inserted or updated."""
    if not rows:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    json_cast = "" if sqlite else "::json"
    holders = ", ".join(mark + (json_cast if c in _JSON_COLUMNS else "") for c in columns)
    sql = (f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({holders}) '
           f'ON CONFLICT ({", ".join(conflict)}) ')
    if update:
        sets = ", ".join(c if "=" in c else f"{c} = excluded.{c}" for c in update)  # "x = expr" verbatim
        sql += f"DO UPDATE SET {sets}" + (f" WHERE {changed_when}" if changed_when else "")
    else:
        sql += "DO NOTHING"
    encoders = _encoders(conn, columns)
    params = [tuple(enc(row[c]) if enc else row[c] for c, enc in zip(columns, encoders)) for row in rows]
    return execute_many(conn, sql, params)


def insert_sql(conn: Connection, table: str, columns: Sequence[str], conflict: Sequence[str]) -> str:
    """INSERT ... ON CONFLICT DO NOTHING in the driver's parameter style, JSON columns cast on PostgreSQL."""
    sqlite = conn.dialect.name == "sqlite"
    holders = ", ".join(("?" if sqlite else "%s") + ("::json" if c in _JSON_COLUMNS and not sqlite else "")
                        for c in columns)
    return (f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({holders}) '
            f'ON CONFLICT ({", ".join(conflict)}) DO NOTHING')


def execute_many(conn: Connection, sql: str, params: list[tuple]) -> int:
    """executemany on the raw driver inside conn's transaction; returns the rows changed."""
    if not params:
        return 0
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, params)
        return cursor.rowcount
    finally:
        cursor.close()


def copy_insert(conn: Connection, table: str, columns: Sequence[str], conflict: Sequence[str],
                params: list[tuple]) -> int:
    """PostgreSQL: insert rows with COPY, skipping rows whose conflict key is stored; returns rows inserted.

    COPY is the server's bulk path, but it cannot skip conflicts. So the rows are first copied straight into
    the table inside a savepoint; if any key is already there, the savepoint is rolled back and the rows go
    through a temporary table and INSERT ... ON CONFLICT DO NOTHING (PERFORMANCE.md: COPY alone is about
    twice as fast as that). Rows are sent in binary: timestamps as datetimes, JSON columns as JSON text."""
    import psycopg

    names = ", ".join(columns)
    kinds = copy_types(conn, table)
    types = [kinds[c] for c in columns]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute("SAVEPOINT arcwatch_copy")
        try:
            _copy_rows(cursor, f'"{table}"', names, params, types)
        except psycopg.errors.UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT arcwatch_copy")
            return _staged_insert(cursor, table, names, conflict, params, types)
        cursor.execute("RELEASE SAVEPOINT arcwatch_copy")
        return len(params)
    finally:
        cursor.close()


def copy_types(conn: Connection, table: str) -> dict[str, str]:
    """PostgreSQL: the type each column of `table` is sent as in binary COPY, looked up once per connection.

    Binary COPY measured ~3 us/row cheaper for the client and ~3 for the server than text (100,000
    mention rows): no number or timestamp is printed and parsed again. A JSON column is sent as text:
    its binary form is its text, which the server checks as JSON as it does in text COPY."""
    key = ("arcwatch_copy_types", table)
    found = conn.connection.info.get(key)
    if found is None:
        rows = conn.exec_driver_sql(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = %(table)s::regclass AND a.attnum > 0 AND NOT a.attisdropped", {"table": table})
        found = conn.connection.info[key] = {name: "text" if kind == "json" else kind for name, kind in rows}
    return found


def _copy_rows(cursor, target: str, names: str, params: list[tuple], types: list[str]) -> None:
    with cursor.copy(f"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for row in params:
            copy.write_row(row)


def _staged_insert(cursor, table: str, names: str, conflict: Sequence[str], params: list[tuple],
                   types: list[str]) -> int:
    stage = f"arcwatch_stage_{table}"  # lives as long as the connection, emptied at every commit
    cursor.execute(f'CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS '
                   f'SELECT {names} FROM "{table}" WITH NO DATA')
    _copy_rows(cursor, stage, names, params, types)
    cursor.execute(f'INSERT INTO "{table}" ({names}) SELECT {names} FROM {stage} '
                   f'ON CONFLICT ({", ".join(conflict)}) DO NOTHING')
    inserted = cursor.rowcount
    cursor.execute(f"TRUNCATE {stage}")  # the same transaction may stage another batch
    return inserted
