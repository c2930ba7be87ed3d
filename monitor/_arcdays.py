"""One subject's ArcDaily rows, found through the table's (day, subject) key (migration 0007).

The key starts with the day, so that an evaluation's new rows, nearly all for recent days, are written
together. A subject's rows are then read or deleted by naming its days: one key lookup per day and
subject, which costs what the subject-first key's range did for the few subjects and days a profile,
a rule's finding or a rebuild asks for. Past PROBES_AT_MOST lookups a single pass over the table is
cheaper (a lookup costs about 3 us on SQLite, a pass over 1.2 million rows about 0.7 s), and is made
instead. Day lists are built here from dates, never from user text.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Sequence

from sqlalchemy import and_
from sqlalchemy.engine import Connection

from monitor import _arcraw as raw
from monitor.models import ArcDaily

PROBES_AT_MOST = 200_000  # subjects x days; beyond this a whole pass over ArcDaily is cheaper
ROW_COLUMNS = "subject, {ordinal}, total, count, negatives, first_at, last_at"


def day_span(conn: Connection) -> tuple[date, date] | None:
    """The first and the last day that ArcDaily holds, or None when it is empty (two key lookups)."""
    codec, first = raw.Codec(conn), raw.fetch(conn, "SELECT min(day) FROM arcdaily")[0][0]
    if first is None:
        return None
    last = raw.fetch(conn, "SELECT max(day) FROM arcdaily")[0][0]  # alone: SQLite answers one min/max from the key
    return codec.read_day(first), codec.read_day(last)


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end, inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def rows_between(subjects: Sequence[str], start: date, end: date) -> Any:
    """A Core clause for these subjects' rows from start to end: the key's days named one by one."""
    d = ArcDaily.__table__
    return and_(d.c.day.in_(days_between(start, end)), d.c.subject.in_(list(subjects)))


def read_subjects(conn: Connection, subjects: Sequence[str]) -> list[tuple]:
    """Every ArcDaily row of these subjects: (subject, day ordinal, total, count, negatives, first_at,
    last_at), in no order, timestamps in the driver's own form."""
    columns = ROW_COLUMNS.format(ordinal=raw.Codec(conn).day_ordinal("day"))
    return _by_days(conn, f"SELECT {columns} FROM arcdaily", subjects, rows=True)


def delete_subjects(conn: Connection, subjects: Sequence[str]) -> None:
    """Delete every ArcDaily row of these subjects."""
    _by_days(conn, "DELETE FROM arcdaily", subjects, rows=False)


def _by_days(conn: Connection, head: str, subjects: Sequence[str], *, rows: bool) -> list[tuple]:
    """`head` (a SELECT or DELETE of arcdaily) over every row of these subjects: by naming each day that
    ArcDaily holds, or in one pass past PROBES_AT_MOST key lookups. The rows when `rows`, else []."""
    span = day_span(conn)
    if not subjects or span is None:
        return []
    codec = raw.Codec(conn)
    if _probes(subjects, span) > PROBES_AT_MOST:
        sql, args = f"{head} WHERE {_any_subject(codec)}", [_subject_list(codec, subjects)]
        if rows:
            return raw.fetch(conn, sql, args, binary=True)
        raw.execute(conn, sql, args)
        return []
    where, before = _day_list(codec, days_between(*span))
    sql = f"{head} WHERE {where} AND subject {{keys}}"
    if rows:
        return raw.fetch_in(conn, sql, list(subjects), before=before, binary=True)
    raw.execute_in(conn, sql, list(subjects), before=before)
    return []


def _probes(subjects: Sequence[str], span: tuple[date, date]) -> int:
    """Key lookups that naming every day of the span costs: one mention dated decades off makes it many."""
    return len(subjects) * ((span[1] - span[0]).days + 1)


def _day_list(codec: raw.Codec, days: list[date]) -> tuple[str, list]:
    """SQL naming these days, and its parameters: on SQLite the dates are written out (ISO text made
    here from dates), which keeps the statement under SQLite's limit on parameters."""
    if not codec.sqlite:
        return f"day {raw.ANY_KEYS}", [days]
    return f"day IN ({', '.join(repr(d.isoformat()) for d in days)})", []


def _any_subject(codec: raw.Codec) -> str:
    return f"subject {raw.ANY_KEYS}" if not codec.sqlite else "subject IN (SELECT value FROM json_each(?))"


def _subject_list(codec: raw.Codec, subjects: Sequence[str]) -> Any:
    return list(subjects) if not codec.sqlite else codec.json(list(subjects))
