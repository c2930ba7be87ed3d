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
