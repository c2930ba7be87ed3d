"""Recomputing ArcState rows from ArcDaily: read the lookback window, apply monitor.arcs, write in bulk."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from itertools import groupby
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from monitor._arcsql import _insert, chunks
from monitor.arcs import ArcFigures, ArcParams, compute_arc
from monitor.models import ArcDaily, ArcState
from monitor.types import ArcPoint

STATE_COLUMNS = ("subject", "customer_id", "author_id", "trend", "level", "mean_30d", "mean_prior", "slope",
                 "negative_7d", "negative_30d", "change_point", "mentions", "first_seen", "last_mention_at",
                 "updated_at", "state", "mentions_30d", "negative_days_30d", "refresh_on")
CHUNK = 2000


def subject_ids(subject: str) -> tuple[str | None, int | None]:
    """(customer_id, author_id) of a subject key 'c:<customer_id>' or 'a:<author_id>'."""
    if subject.startswith("c:"):
        return subject[2:], None
    if subject.startswith("a:") and subject[2:].isdigit():
        return None, int(subject[2:])
    return None, None


def daily_points(conn: Connection, subjects: list[str] | None, start: date,
                 end: date | None = None) -> dict[str, list[ArcPoint]]:
    """ArcDaily rows from `start` (to `end`, inclusive) by subject, day ascending; subjects=None: all."""
    d = ArcDaily.__table__
    query = select(d.c.subject, d.c.day, d.c.total, d.c.count, d.c.negatives).where(d.c.day >= start)
    if end is not None:
        query = query.where(d.c.day <= end)
    if subjects is not None:
        query = query.where(d.c.subject.in_(subjects))
    rows = conn.execute(query.order_by(d.c.subject, d.c.day))
    return {subject: [ArcPoint(day=r.day, total=r.total, count=r.count, negatives=r.negatives) for r in group]
            for subject, group in groupby(rows, key=lambda r: r.subject)}


def _totals(conn: Connection, subjects: list[str] | None) -> dict[str, tuple[int, Any, Any]]:
    d = ArcDaily.__table__
    query = select(d.c.subject, func.sum(d.c.count), func.min(d.c.first_at), func.max(d.c.last_at))
    if subjects is not None:
        query = query.where(d.c.subject.in_(subjects))
    return {r[0]: (int(r[1]), r[2], r[3]) for r in conn.execute(query.group_by(d.c.subject))}


def state_row(subject: str, f: ArcFigures, totals: tuple[int, Any, Any], now: datetime) -> dict[str, Any]:
    """The ArcState columns of one computed arc."""
    customer_id, author_id = subject_ids(subject)
    return {"subject": subject, "customer_id": customer_id, "author_id": author_id, "trend": f.trend,
            "level": f.level, "mean_30d": f.mean_30d, "mean_prior": f.mean_prior, "slope": f.slope,
            "negative_7d": f.negative_7d, "negative_30d": f.negative_30d, "change_point": f.change_point,
            "mentions": totals[0], "first_seen": totals[1], "last_mention_at": totals[2], "updated_at": now,
            "state": {"as_of": f.as_of.isoformat(), "slope_z": f.slope_z, "recent_slope": f.recent_slope,
                      "recent_z": f.recent_z, "shift": f.shift, "active_days": f.active_days},
            "mentions_30d": f.mentions_30d, "negative_days_30d": f.negative_days_30d, "refresh_on": f.refresh_on}


def _write(conn: Connection, rows: list[dict], *, upsert: bool) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _write_sqlite(conn, rows, upsert=upsert)
        return
    stmt = _insert(conn, ArcState.__table__)
    if upsert:
        stmt = stmt.on_conflict_do_update(index_elements=["subject"],
                                          set_={c: stmt.excluded[c] for c in STATE_COLUMNS if c != "subject"})
    for start in range(0, len(rows), CHUNK):
        conn.execute(stmt, rows[start:start + CHUNK])


_TS = ("first_seen", "last_mention_at", "updated_at")
_SQLITE_SQL = (f"INSERT INTO arcstate ({', '.join(STATE_COLUMNS)}) VALUES ({', '.join('?' * len(STATE_COLUMNS))})",
               " ON CONFLICT (subject) DO UPDATE SET "
               + ", ".join(f"{c} = excluded.{c}" for c in STATE_COLUMNS if c != "subject"))


def _sqlite_ts(value: datetime | str | None) -> str | None:
    """A timestamp in the form SQLAlchemy stores on SQLite (naive UTC with microseconds)."""
    if value is None or isinstance(value, str):
        return value
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def _write_sqlite(conn: Connection, rows: list[dict], *, upsert: bool) -> None:
    """The same rows through the driver directly: SQLAlchemy's per-value processing was most of the cost."""
    values = []
    for row in rows:
        row = dict(row, state=json.dumps(row["state"]), change_point=row["change_point"] and row["change_point"].isoformat(),
                   refresh_on=row["refresh_on"] and row["refresh_on"].isoformat())
        for key in _TS:
            row[key] = _sqlite_ts(row[key])
        values.append(tuple(row[c] for c in STATE_COLUMNS))
    conn.exec_driver_sql(_SQLITE_SQL[0] + (_SQLITE_SQL[1] if upsert else ""), values)


def recompute(conn: Connection, subjects: set[str] | None, *, today: date, params: ArcParams,
              now: datetime) -> set[str]:
    """Recompute the arcs of these subjects (None: every subject) as of `today`; return those written.

    A subject left with no daily rows (its mentions deleted, its links removed) loses its ArcState."""
    start = today - timedelta(days=params.lookback_days - 1)
    s = ArcState.__table__
    if subjects is None:
        conn.execute(delete(s))
        batches: list[list[str] | None] = [None]
    else:
        batches = list(chunks(sorted(subjects), CHUNK))
    written: set[str] = set()
    for batch in batches:
        points, totals = daily_points(conn, batch, start), _totals(conn, batch)
        rows = [state_row(subject, compute_arc(points.get(subject, ()), today=today, params=params), tot, now)
                for subject, tot in totals.items()]
        _write(conn, rows, upsert=batch is not None)
        gone = [x for x in batch or () if x not in totals]
        if gone:
            conn.execute(delete(s).where(s.c.subject.in_(gone)))
        written |= totals.keys()
    return written
