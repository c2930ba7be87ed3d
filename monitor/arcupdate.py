"""Bringing every arc up to date, incrementally: the cost follows new mentions, not history.

One transaction does it all, so a crash leaves the previous state and a re-run redoes the work once:
0. on PostgreSQL, the tables the new mentions are read through are analyzed first if their planner
   statistics are missing or stale, as autovacuum would (a bulk import leaves them so);
1. mentions above the watermark (and in earlier id gaps that have since filled) are summed per
   author/customer and UTC day in SQL and added into ArcDaily (by the writer thread of step 4, beside the
   arcs' computation, unless a rebuild or a read of ArcDaily needs them there first);
2. subjects whose past changed are rebuilt from scratch: customers whose links changed (ArcDirty, marked by
   link/unlink and the roster import) and authors with edited or deleted mentions (Mention.edited_at);
3. the watermark advances;
4. arcs are recomputed, in Python, for the subjects touched and for those whose windows moved on
   (ArcState.refresh_on), each from the lookback window stored in its own ArcState row plus the new
   days (monitor/arcstate.py), so neither ArcDaily nor the mentions are read per arc.

Time moving on is handled by refresh_on: each arc stores the next day on which one of its windows
loses a day (or a future-dated day arrives, or a change point stops being recent), and the first
evaluation on or after that day recomputes it from its stored window; an arc with no such day is final
until new mentions come. Asking for an earlier day than the last evaluation's, or changing [arcs] tuning,
recomputes every arc from ArcDaily.

Deleted mentions stop counting: the store blanks them (X's terms), and a post its author withdrew is not
evidence about them. Editing a mention rescores it, and its arcs are rebuilt with the new score.

Ids come from a sequence, and on PostgreSQL a transaction can commit ids lower than ones already seen.
Ranges of ids missing at evaluation are kept as gaps for GAP_GRACE and picked up when they appear.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.engine import Connection, Engine

from monitor import _arcraw as raw, _arcsql as q
from monitor._arcwriter import PendingWrite
from monitor.arcs import ArcParams
from monitor.arcstate import NewDays, no_gc, recompute, recompute_all
from monitor.db import bulk_write_pragmas
from monitor.models import ArcDaily, ArcDirty, ArcState, KeyValue, Mention, utcnow

WATERMARK_KEY = "arcs.watermark"
LOCK_KEY = "arcs.lock"
GAP_GRACE = timedelta(minutes=15)  # longer than any transaction that inserts mentions
MAX_GAPS = 1000
EDIT_OVERLAP = timedelta(minutes=5)  # edits committed out of order within this stay visible
PG_LOCK_ID = 4_172_637_761  # pg_advisory_lock key: one evaluation at a time
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True, kw_only=True)
class ArcUpdate:
    """What one arc update did."""

    full: bool  # everything rebuilt from scratch
    new_mentions: int
    watermark: int
    rebuilt: int  # subjects whose daily rows were rebuilt (links changed, edits, deletions)
    refreshed: int  # arcs recomputed only because their windows moved on
    updated: int  # arcs recomputed in all
    subjects: tuple[str, ...]  # the subjects whose arcs were recomputed
    as_of: date
    seconds: float

    def as_json(self) -> dict:
        """Plain JSON-ready values."""
        return {"full": self.full, "new_mentions": self.new_mentions, "watermark": self.watermark,
                "rebuilt": self.rebuilt, "refreshed": self.refreshed, "updated": self.updated,
                "as_of": self.as_of.isoformat(), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True, kw_only=True)
class EvaluateSummary:
    """What `arcwatch evaluate` did: the arc update, then the rules' run (None when rules were skipped)."""

    arcs: ArcUpdate
    rules: Any = None

    def as_json(self) -> dict:
        """Plain JSON-ready values: {"arcs": ..., "rules": ... or null}."""
        rules = self.rules.as_json() if hasattr(self.rules, "as_json") else None
        return {"arcs": self.arcs.as_json(), "rules": rules}


@contextmanager
def exclusive(engine: Engine) -> Iterator[Connection]:
    """One transaction that no other evaluation runs beside, seeing one consistent snapshot."""
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            with _sqlite_tuning(conn), conn.begin():
                _claim(conn)  # the first statement writes: SQLite's write lock, on the newest snapshot
                yield conn
            return
        conn.execute(select(func.pg_advisory_lock(PG_LOCK_ID)))
        conn.commit()
        try:
            conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
        finally:
            try:
                conn.rollback()
                conn.execution_options(isolation_level="READ COMMITTED")
                conn.execute(select(func.pg_advisory_unlock(PG_LOCK_ID)))
                conn.commit()
            except Exception:
                conn.invalidate()  # closing the session releases the lock
                raise


@contextmanager
def _sqlite_tuning(conn: Connection) -> Iterator[None]:
    """SQLite tuned for the update as for an import (monitor.db.bulk_write_pragmas), then as it was."""
    restore = bulk_write_pragmas(conn)
    try:
        yield
    finally:
        try:
            for pragma in restore:
                conn.exec_driver_sql(pragma)
            conn.commit()
        except Exception:
            conn.invalidate()  # not pooled as tuned; an error of the update itself stays the one raised


def _claim(conn: Connection) -> None:
    kv = KeyValue.__table__
    stmt = q.dialect_insert(conn, kv).values(key=LOCK_KEY, value={"at": utcnow().isoformat()})
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))


def read_watermark(conn: Connection) -> dict | None:
    """The stored evaluation watermark, or None before the first evaluation."""
    kv = KeyValue.__table__
    return conn.execute(select(kv.c.value).where(kv.c.key == WATERMARK_KEY)).scalar()


def _write_watermark(conn: Connection, value: dict) -> None:
    kv = KeyValue.__table__
    stmt = q.dialect_insert(conn, kv).values(key=WATERMARK_KEY, value=value)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value}))


def update_arcs(engine: Engine, params: ArcParams, *, now: datetime | None = None,
                rebuild: bool = False, workers: int = 1) -> ArcUpdate:
    """Bring every arc up to date as of `now` (default: the current time); rebuild=True starts afresh.
    Large batches of arcs are computed by `workers` processes (monitor/_arcfork.py)."""
    started = time.perf_counter()
    now = now or utcnow()
    # the collector off for the whole update: its full passes over a process's heap that has just read
    # thousands of rows each cost as much as reading them (measured: ~70 ms in a 10,000-mention update)
    with no_gc(), exclusive(engine) as conn:
        result = _update(conn, params, now, rebuild, workers)
    return ArcUpdate(**result, as_of=now.date(), seconds=time.perf_counter() - started)


def _update(conn: Connection, params: ArcParams, now: datetime, rebuild: bool, workers: int) -> dict:
    m = Mention.__table__
    q.refresh_stale_statistics(conn)
    mark = read_watermark(conn)
    top = conn.execute(select(func.coalesce(func.max(m.c.id), 0))).scalar_one()
    # IS NOT NULL lets SQLite answer from the partial index instead of reading every mention
    edited = conn.execute(select(func.max(m.c.edited_at)).where(m.c.edited_at.is_not(None))).scalar()
    today, fingerprint = now.date(), _fingerprint(params)
    full = rebuild or mark is None
    if full:
        new, rebuilt, changed, rebuilt_days = _rebuild_all(conn, top), 0, set(), NewDays()
        adding = PendingWrite(lambda: None)
        gaps = [(a, b, utcnow().isoformat()) for a, b in q.missing_ids(conn, 0, top)]
    else:
        old_gaps = [(a, b) for a, b, _ in mark["gaps"]]
        days, adding = q.read_new_days(conn, q.mention_filter(mark["id"], top, old_gaps))
        new_days = _by_subject(conn, days)
        new = sum(t[0] for s, t in new_days.totals.items() if s.startswith("a:"))
        changed, rebuilt_days = _rebuild_changed(conn, mark, top, edited, adding)
        rebuilt, gaps = len(changed), _carry_gaps(conn, mark, top)
    _write_watermark(conn, {"id": top, "gaps": [list(g) for g in gaps], "as_of": today.isoformat(),
                            "edited_at": edited.isoformat() if edited else None, "params": fingerprint})
    # every arc again when this is a rebuild, when an earlier day is asked for than last time (the
    # windows must go back) or when the arc's tuning changed since
    last_day = date.fromisoformat(mark["as_of"]) if not full and mark.get("as_of") else None
    again = full or (last_day is not None and last_day > today) or mark.get("params", fingerprint) != fingerprint
    if again:
        adding.run()
        subjects, due = recompute_all(conn, today=today, params=params, now=now, workers=workers), set()
    else:
        touched = set(new_days.totals) | changed
        due = _due(conn, today) - touched if last_day is None or last_day < today else set()
        subjects = recompute(conn, touched | due, today=today, params=params, now=now, new=new_days,
                             rebuilt=rebuilt_days, adding=adding, workers=workers)
    adding.run()  # done by now unless no arc was recomputed; before the commit either way
    if full:
        q.refresh_statistics(conn)
    return {"full": full, "new_mentions": new, "watermark": top, "rebuilt": rebuilt, "refreshed": len(due),
            "updated": len(subjects), "subjects": tuple(sorted(subjects))}


def _fingerprint(params: ArcParams) -> str:
    """The arc tuning a stored arc was computed with."""
    return repr(sorted(vars(params).items()))


def _by_subject(conn: Connection, days: list[tuple]) -> NewDays:
    """new_days rows as NewDays: (ordinal, sum, count, negatives) per subject, and its totals."""
    codec = raw.Codec(conn)
    found = NewDays()
    for subject, day, total, count, negatives, first, last in days:
        found.days.setdefault(subject, []).append((codec.read_day(day).toordinal(), total, count, negatives))
        old = found.totals.get(subject)
        found.totals[subject] = (count, first, last) if old is None else (
            old[0] + count, min(old[1], first), max(old[2], last))
    return found


def _rebuild_all(conn: Connection, top: int) -> int:
    m = Mention.__table__
    conn.execute(delete(ArcDaily.__table__))
    conn.execute(delete(ArcDirty.__table__))
    where = m.c.id <= top
    q.add_daily(conn, q.author_daily(conn, where))
    q.add_daily(conn, q.customer_daily(conn, where))
    return conn.execute(select(func.count()).where(m.c.deleted.is_(False), where)).scalar_one()


def _rebuild_changed(conn: Connection, mark: dict, top: int, edited: datetime | None,
                     adding: PendingWrite) -> tuple[set[str], NewDays]:
    """Rebuild subjects marked dirty and authors with edited mentions; return their subjects, and all
    their daily rows as rebuilt (a subject left with none has no mentions left). The new days are added
    into ArcDaily first (`adding`), if anything is rebuilt: a rebuild sums all of a subject's mentions.

    `edited` is the newest edited_at of all mentions: when it is not after the last evaluation's
    (less the overlap), no mention was edited since and the edit query is skipped."""
    dirty_t, m = ArcDirty.__table__, Mention.__table__
    dirty = conn.execute(select(dirty_t.c.subject, dirty_t.c.marked_at)).all()
    customers = {s[2:] for s, _ in dirty if s.startswith("c:")}
    authors = {int(s[2:]) for s, _ in dirty if s.startswith("a:") and s[2:].isdigit()}
    since = datetime.fromisoformat(mark["edited_at"]) - EDIT_OVERLAP if mark.get("edited_at") else EPOCH
    if edited is not None and edited > since:
        # a plain range on edited_at, so the database walks its partial index instead of the whole table
        edits = select(m.c.author_id, m.c.id).where(m.c.edited_at.is_not(None), m.c.edited_at > since)
        authors |= {author for author, ident in conn.execute(edits) if ident <= mark["id"]}
    customers |= q.customers_of_authors(conn, sorted(authors))
    if authors or customers:
        adding.run()
    rows = q.rebuild_daily(conn, authors=sorted(authors), customers=sorted(customers), top=top)
    for chunk in q.chunks(dirty):
        # a subject marked again while we rebuilt keeps its newer mark, for the next evaluation
        conn.execute(delete(dirty_t).where(or_(*[and_(dirty_t.c.subject == s, dirty_t.c.marked_at == at)
                                                 for s, at in chunk])))
    subjects = {f"a:{a}" for a in authors} | {f"c:{c}" for c in customers}
    found = _by_subject(conn, rows)
    for subject in subjects:
        found.days.setdefault(subject, [])  # rebuilt with no mentions left: its arc goes
    return subjects, found


def _carry_gaps(conn: Connection, mark: dict, top: int) -> list[tuple]:
    """Gaps still empty (within their grace period) plus the new range's gaps, newest kept first."""
    wall = utcnow()
    live = [(a, b, s) for a, b, s in mark["gaps"] if wall - datetime.fromisoformat(s) < GAP_GRACE]
    kept = [(a, b, live[i][2]) for a, b, i in q.still_missing(conn, [(a, b) for a, b, _ in live])]
    kept += [(a, b, wall.isoformat()) for a, b in q.missing_ids(conn, mark["id"], top)]
    return sorted(kept, key=lambda g: g[1])[-MAX_GAPS:]


def _due(conn: Connection, today: date) -> set[str]:
    """Arcs whose windows moved on by `today`. Asked once per day, by the day's first evaluation: an arc
    computed as of a day is due only after it, so later evaluations that day find none. Hence a scan,
    not an index on refresh_on, which would make every rewrite of an arc a full one on PostgreSQL (0006)."""
    s = ArcState.__table__
    return {r[0] for r in conn.execute(select(s.c.subject).where(s.c.refresh_on <= today))}
