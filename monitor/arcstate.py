"""Recomputing ArcState rows from ArcDaily: read the lookback window, apply monitor.arcs, write in bulk."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Integer, cast, delete, func, literal_column, select, type_coerce
from sqlalchemy.engine import Connection

from monitor._arcsql import dialect_insert, chunks
from monitor.arcs import ArcFigures, ArcParams, Series, compute_series
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


def day_ordinal(conn: Connection, column) -> Any:
    """A date column as Python's date.toordinal(), computed by the database (no date parsing per row)."""
    if conn.dialect.name == "sqlite":
        return cast(func.julianday(column) - 1721424.5, Integer)
    return type_coerce(column - literal_column("DATE '0001-01-01'") + 1, Integer)


def _series(conn: Connection, subjects: list[str] | None, start: date) -> dict[str, Series]:
    """ArcDaily rows from `start` on, as one Series per subject."""
    d = ArcDaily.__table__
    query = select(d.c.subject, day_ordinal(conn, d.c.day), d.c.total, d.c.count, d.c.negatives).where(d.c.day >= start)
    if subjects is not None:
        query = query.where(d.c.subject.in_(subjects))
    found: dict[str, Series] = {}
    for subject, ordinal, total, count, negatives in conn.execute(query.order_by(d.c.subject, d.c.day)):
        current = found.get(subject) or found.setdefault(subject, Series([], [], [], []))
        if count:
            current.ords.append(ordinal)
            current.totals.append(total)
            current.counts.append(count)
            current.negatives.append(negatives)
    return found


def _totals(conn: Connection, subjects: list[str] | None) -> dict[str, tuple[int, Any, Any]]:
    d = ArcDaily.__table__
    query = select(d.c.subject, func.sum(d.c.count), func.min(d.c.first_at), func.max(d.c.last_at))
    if subjects is not None:
        query = query.where(d.c.subject.in_(subjects))
    return {r[0]: (int(r[1]), r[2], r[3]) for r in conn.execute(query.group_by(d.c.subject))}


@dataclass(frozen=True)
class TotalsPlan:
    """How to know each subject's all-time totals without reading its whole history.

    Rebuilt subjects are summed from ArcDaily; the others are their stored totals plus the new mentions'."""

    deltas: dict[str, tuple[int, Any, Any]]  # subject -> (count, first, last) of the new mentions
    rebuilt: set[str]


def _stored_totals(conn: Connection, subjects: list[str]) -> dict[str, tuple[int, Any, Any]]:
    s = ArcState.__table__
    rows = conn.execute(select(s.c.subject, s.c.mentions, s.c.first_seen, s.c.last_mention_at)
                        .where(s.c.subject.in_(subjects)))
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _planned_totals(conn: Connection, batch: list[str], plan: TotalsPlan) -> dict[str, tuple[int, Any, Any]]:
    found = _totals(conn, [x for x in batch if x in plan.rebuilt]) if plan.rebuilt else {}
    rest = [x for x in batch if x not in plan.rebuilt]
    stored = _stored_totals(conn, rest) if rest else {}
    for subject in rest:
        old, new = stored.get(subject), plan.deltas.get(subject)
        if old is None or new is None:
            if old or new:
                found[subject] = old or new
            continue
        found[subject] = (old[0] + new[0], min(x for x in (old[1], new[1]) if x is not None),
                          max(x for x in (old[2], new[2]) if x is not None))
    return found


def state_row(subject: str, f: ArcFigures, totals: tuple[int, Any, Any], now: datetime) -> dict[str, Any]:
    """The ArcState columns of one computed arc."""
    customer_id, author_id = subject_ids(subject)
    return {"subject": subject, "customer_id": customer_id, "author_id": author_id, "trend": f.trend,
            "level": f.level, "mean_30d": f.mean_30d, "mean_prior": f.mean_prior, "slope": f.slope,
            "negative_7d": f.negative_7d, "negative_30d": f.negative_30d, "change_point": f.change_point,
            "mentions": totals[0], "first_seen": totals[1], "last_mention_at": totals[2], "updated_at": now,
            "state": {"as_of": f.as_of.isoformat(), "slope_z": f.slope_z, "recent_slope": f.recent_slope,
                      "recent_z": f.recent_z, "shift": f.shift, "drop_t": f.drop_t,
                      "active_days": f.active_days},
            "mentions_30d": f.mentions_30d, "negative_days_30d": f.negative_days_30d, "refresh_on": f.refresh_on}


def _write(conn: Connection, rows: list[dict], *, upsert: bool) -> None:
    if not rows:
        return
    stmt = dialect_insert(conn, ArcState.__table__)
    if upsert:
        stmt = stmt.on_conflict_do_update(index_elements=["subject"],
                                          set_={c: stmt.excluded[c] for c in STATE_COLUMNS if c != "subject"})
    for start in range(0, len(rows), CHUNK):
        conn.execute(stmt, rows[start:start + CHUNK])


def recompute(conn: Connection, subjects: set[str] | None, *, today: date, params: ArcParams,
              now: datetime, plan: TotalsPlan | None = None) -> set[str]:
    """Recompute the arcs of these subjects (None: every subject) as of `today`; return those written.

    Totals come from the plan when given (stored plus new), else from all of ArcDaily. A subject left
    with no daily rows (its mentions deleted, its links removed) loses its ArcState."""
    start = today - timedelta(days=params.lookback_days - 1)
    s = ArcState.__table__
    if subjects is None:
        conn.execute(delete(s))
        batches: list[list[str] | None] = [None]
    else:
        batches = list(chunks(sorted(subjects), CHUNK))
    written: set[str] = set()
    for batch in batches:
        series = _series(conn, batch, start)
        totals = _planned_totals(conn, batch, plan) if plan and batch else _totals(conn, batch)
        empty = Series([], [], [], [])
        rows = [state_row(subject, compute_series(series.get(subject, empty), today=today, params=params), tot, now)
                for subject, tot in totals.items()]
        _write(conn, rows, upsert=batch is not None)
        gone = [x for x in batch or () if x not in totals]
        if gone:
            conn.execute(delete(s).where(s.c.subject.in_(gone)))
        written |= totals.keys()
    return written
