"""Recomputing ArcState rows: each arc from its lookback window through monitor.arcs, written in bulk.

From scratch (`recompute_all`), every window is read from ArcDaily. Incrementally (`recompute`), an arc's
window comes from its own ArcState row (window_days, which mirrors ArcDaily from window_from on: see
monitor/_arcwindow.py) plus this evaluation's new days, so the cost is one row read and one row
written per arc, whatever the history. A subject whose daily rows were just rebuilt takes them as the
rebuild wrote them, a new subject its new days; only an arc stored with no window (from before 0005) is
read from ArcDaily, by its days (monitor/_arcdays.py). Either way an arc is the same function of the
same days, so incremental and full recomputes agree.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection

from monitor import _arcraw as raw
from monitor._arcdays import read_subjects, rows_between
from monitor._arcfork import split_map
from monitor._arcwriter import BackgroundWriter, PendingWrite
from monitor._arcwindow import add_days, pack, trimmed, unpack
from monitor.arcs import ArcParams, Series, compute_many
from monitor.models import ArcDaily
from monitor.types import ArcPoint

# the subject's own columns, then those derived from its window (the same for the same window)
STATE_COLUMNS = ("subject", "customer_id", "author_id", "mentions", "first_seen", "last_mention_at", "updated_at",
                 "window_days", "window_from",
                 "trend", "level", "mean_30d", "mean_prior", "slope", "negative_7d", "negative_30d", "change_point",
                 "as_of", "slope_z", "recent_slope", "recent_z", "shift", "drop_t", "active_days",
                 "mentions_30d", "negative_days_30d", "refresh_on")
CHUNK = 20000  # subjects read, computed and written together
OVERLAP_PART = 2500  # arcs computed while the previous part is written (see _write)
Totals = tuple  # (mentions ever, first mention, last mention); timestamps in the driver's own form


@dataclass(frozen=True)
class NewDays:
    """This evaluation's new mentions summed per subject and day: what was just added into ArcDaily."""

    days: dict[str, list[tuple[int, float, int, int]]] = field(default_factory=dict)  # ordinal, sum, count, neg
    totals: dict[str, Totals] = field(default_factory=dict)  # count, first, last of the new mentions


def subject_ids(subject: str) -> tuple[str | None, int | None]:
    """(customer_id, author_id) of a subject key 'c:<customer_id>' or 'a:<author_id>'."""
    if subject.startswith("c:"):
        return subject[2:], None
    if subject.startswith("a:") and subject[2:].isdigit():
        return None, int(subject[2:])
    return None, None


def daily_points(conn: Connection, subjects: list[str], start: date, end: date) -> dict[str, list[ArcPoint]]:
    """These subjects' ArcDaily rows from `start` to `end`, inclusive, by subject, day ascending."""
    d = ArcDaily.__table__
    query = select(d.c.subject, d.c.day, d.c.total, d.c.count, d.c.negatives).where(rows_between(subjects, start, end))
    rows = conn.execute(query.order_by(d.c.subject, d.c.day))
    return {subject: [ArcPoint(day=r.day, total=r.total, count=r.count, negatives=r.negatives) for r in group]
            for subject, group in groupby(rows, key=lambda r: r.subject)}


def _daily_series(conn: Connection, start: int) -> dict[str, Series]:
    """Every subject's ArcDaily rows from ordinal `start` on, as one Series per subject.

    On SQLite, by one pass over the table: through the key, whose first column is the day, SQLite would
    look up most rows one by one (measured: 6.5 s instead of 2.1 s for 1.2 million rows)."""
    codec = raw.Codec(conn)
    first, table = codec.day(date.fromordinal(start)), "arcdaily NOT INDEXED" if codec.sqlite else "arcdaily"
    return _series_of(raw.fetch(conn, f"SELECT subject, {codec.day_ordinal('day')}, total, count, negatives "
                                      f"FROM {table} WHERE day >= {codec.mark} AND count > 0", [first], binary=True))


def _series_of(rows: Iterable[tuple]) -> dict[str, Series]:
    """(subject, ordinal, total, count, negatives, ...) rows in any order as one Series per subject; rows are
    sorted per subject here, as PostgreSQL would sort all of them on disk."""
    days: dict[str, list[tuple]] = {}
    for row in rows:
        found = days.get(row[0])
        if found is None:
            days[row[0]] = [row]
        else:
            found.append(row)
    series = {}
    for subject, found in days.items():
        found.sort(key=_day_of)
        _, ords, totals, counts, negatives = map(list, zip(*(r[:5] for r in found)))
        series[subject] = Series(ords, totals, counts, negatives)
    return series


def _day_of(row: tuple) -> int:
    return row[1]


def _daily_totals(conn: Connection) -> dict[str, Totals]:
    """(mentions, first, last) over all of each subject's ArcDaily rows."""
    rows = raw.fetch(conn, "SELECT subject, sum(count), min(first_at), max(last_at) FROM arcdaily GROUP BY subject")
    return {r[0]: (int(r[1]), r[2], r[3]) for r in rows}


def _read_daily(conn: Connection, subjects: list[str], start: int) -> tuple[dict[str, Series], dict[str, Totals]]:
    """_daily_series and _daily_totals of a few subjects, from one read of their rows (monitor/_arcdays.py)."""
    rows = read_subjects(conn, subjects)
    totals: dict[str, Totals] = {}
    for subject, _, _, count, _, first, last in rows:
        old = totals.get(subject)
        totals[subject] = (count, first, last) if old is None else _plus(old, (count, first, last))
    return _series_of(r for r in rows if r[1] >= start and r[3] > 0), totals


def _least(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b < a) else a  # SQL's min(): NULL counts for nothing


def _greatest(a: Any, b: Any) -> Any:
    return b if a is None or (b is not None and b > a) else a


def _plus(old: Sequence, new: Totals) -> Totals:
    """(mentions, first, last) of both together; a first or last may be missing (rows from before 0002)."""
    return old[0] + new[0], _least(old[1], new[1]), _greatest(old[2], new[2])


def _figure_values(codec: raw.Codec, f: dict[str, Any]) -> tuple:
    """The STATE_COLUMNS derived from the window (compute_fields), in the driver's form."""
    return (f["trend"], f["level"], f["mean_30d"], f["mean_prior"], f["slope"], f["negative_7d"], f["negative_30d"],
            codec.day(f["change_point"]), codec.day(f["as_of"]), f["slope_z"], f["recent_slope"], f["recent_z"],
            f["shift"], f["drop_t"], f["active_days"], f["mentions_30d"], f["negative_days_30d"],
            codec.day(f["refresh_on"]))


@dataclass
class _Batch:
    """What every row of one recompute shares: how to encode, the day, the tuning, and computed windows."""

    codec: raw.Codec
    today: date
    params: ArcParams
    updated: Any  # the evaluation time, encoded
    start: Any  # the window's first day, encoded
    workers: int  # processes that compute a large batch (monitor/_arcfork.py)
    # packed window -> its figure values: a customer with one handle has exactly its author's window
    computed: dict[bytes, tuple] = field(default_factory=dict)

    @classmethod
    def of(cls, conn: Connection, today: date, params: ArcParams, now: datetime, workers: int) -> _Batch:
        codec = raw.Codec(conn)
        start = today - timedelta(days=params.lookback_days - 1)
        return cls(codec, today, params, codec.time(now), codec.day(start), workers)

    def figures(self, series: Sequence[Series]) -> list[tuple]:
        """The derived STATE_COLUMNS values of these windows' arcs."""
        return [_figure_values(self.codec, f) for f in compute_many(series, today=self.today, params=self.params)]


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while arcs are built: they make no cycles, and its passes over
    the many small lists and tuples cost a tenth of an evaluation. Nested uses leave it as the outermost
    found it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _rows(batch: _Batch, series: dict[str, Series], totals: dict[str, Totals]) -> list[tuple]:
    """STATE_COLUMNS rows of these subjects' arcs; each distinct window computed once, all in one batch."""
    empty, computed = Series([], [], [], []), batch.computed
    windows = {subject: pack(series.get(subject, empty)) for subject in totals}
    todo = {w: series.get(subject, empty) for subject, w in windows.items() if w not in computed}
    for window, values in zip(todo, split_map(batch.figures, list(todo.values()), batch.workers)):
        computed[window] = values
    return [(subject, *subject_ids(subject), *tot, batch.updated, windows[subject], batch.start,
             *computed[windows[subject]]) for subject, tot in totals.items()]


def _insert(conn: Connection, rows: list[tuple], *, upsert: bool) -> None:
    codec = raw.Codec(conn)
    if not codec.sqlite:
        _copy_in(conn, rows, upsert=upsert)
        return
    sql = f"INSERT INTO arcstate ({', '.join(STATE_COLUMNS)}) VALUES ({', '.join('?' * len(STATE_COLUMNS))})"
    if upsert:
        sql += " ON CONFLICT (subject) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in STATE_COLUMNS[1:])
    raw.execute_many(conn, sql, rows)


def _copy_in(conn: Connection, rows: list[tuple], *, upsert: bool) -> None:
    """PostgreSQL: COPY, straight into arcstate, or into a scratch table merged in by one upsert."""
    columns = ", ".join(STATE_COLUMNS)
    if not upsert:
        raw.copy_rows(conn, "arcstate", STATE_COLUMNS, rows, types_of="arcstate")
        return
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS arcstate_new (LIKE arcstate) ON COMMIT DROP")
    conn.exec_driver_sql("TRUNCATE arcstate_new")
    raw.copy_rows(conn, "arcstate_new", STATE_COLUMNS, rows, types_of="arcstate")
    sets = ", ".join(f"{c} = excluded.{c}" for c in STATE_COLUMNS[1:])
    conn.exec_driver_sql(f"INSERT INTO arcstate ({columns}) SELECT {columns} FROM arcstate_new "
                         f"ON CONFLICT (subject) DO UPDATE SET {sets}")


def _write(conn: Connection, batch: _Batch, series: dict[str, Series], totals: dict[str, Totals],
           adding: PendingWrite) -> None:
    """Compute and upsert these subjects' arcs. A large batch goes part by part: this thread computes each part
    while a writer thread writes the one before (monitor/_arcwriter.py), so the arcs' computation and the
    writes (the database server's work, or SQLite's, which lets go of the GIL) share the two cores instead of
    taking turns. The parts are computed here, not in forked children: a fork beside a running thread could
    inherit a lock it holds, and with the writes on the other core, children only crowd it (measured, medians of
    6 alternating runs: 0.690 s on PostgreSQL and 0.613 s on SQLite in this thread, 0.867 s and 0.595 s with
    two forked children computing the parts). The writer first adds this evaluation's new days into ArcDaily
    (`adding`, held back until now) while the first part, half as large as the others, is computed."""
    if len(totals) <= OVERLAP_PART:
        adding.run()
        _insert(conn, _rows(batch, series, totals), upsert=True)
        return
    subjects, single = list(totals), replace(batch, workers=1)  # shares batch.computed
    # the first part is half as large: only the new days are written while it is computed
    bounds = [0, *range(max(OVERLAP_PART // 2, 1), len(subjects), OVERLAP_PART), len(subjects)]
    with BackgroundWriter(lambda rows: _insert(conn, rows, upsert=True), first=adding.run) as writer:
        for at, end in zip(bounds, bounds[1:]):
            writer.put(_rows(single, series, {x: totals[x] for x in subjects[at:end]}))


def recompute_all(conn: Connection, *, today: date, params: ArcParams, now: datetime, workers: int = 1) -> set[str]:
    """Every arc, from ArcDaily, as of `today`: ArcState is replaced. Returns the subjects written."""
    start = today.toordinal() - params.lookback_days + 1
    conn.exec_driver_sql("DELETE FROM arcstate")
    with no_gc():
        series, totals = _daily_series(conn, start), _daily_totals(conn)
        subjects, batch = sorted(totals), _Batch.of(conn, today, params, now, workers)
        for at in range(0, len(subjects), CHUNK):
            chunk = {x: totals[x] for x in subjects[at:at + CHUNK]}
            _insert(conn, _rows(batch, series, chunk), upsert=False)
    return set(totals)


def _stored(conn: Connection, subjects: list[str]) -> dict[str, tuple]:
    """subject -> (mentions, first, last, window_days, window_from ordinal) of the stored arcs."""
    codec = raw.Codec(conn)
    sql = (f"SELECT subject, mentions, first_seen, last_mention_at, window_days, {codec.day_ordinal('window_from')} "
           "FROM arcstate WHERE subject {keys}")
    return {r[0]: r[1:] for r in raw.fetch_in(conn, sql, subjects, binary=True)}


def _windows(conn: Connection, subjects: list[str], start: int, new: NewDays,
             rebuilt: NewDays) -> tuple[dict[str, Series], dict[str, Totals], list[str]]:
    """Series and totals from the stored windows plus the new days, or from the rebuilt days; and the
    subjects whose stored arc has no window (from before 0005), to be read from ArcDaily. A subject left
    out of the totals has no daily rows.

    A subject with no stored arc is new: every evaluation leaves an arc for each subject with daily rows,
    so all of its rows are this evaluation's new days."""
    series, totals, from_daily = {}, {}, []
    stored = _stored(conn, subjects)
    for subject in subjects:
        row = stored.get(subject)
        if subject in rebuilt.days or row is None:
            source = rebuilt if subject in rebuilt.days else new
            found = source.totals.get(subject)
            if found is not None:
                s = Series([], [], [], [])
                add_days(s, source.days[subject], start)
                series[subject], totals[subject] = s, found
            continue
        if row[3] is None or row[4] is None or row[4] > start:
            from_daily.append(subject)
            continue
        s = unpack(row[3])
        if s.ords and s.ords[0] < start:
            s = trimmed(s, start)
        days, added = new.days.get(subject), new.totals.get(subject)
        if days:
            add_days(s, days, start)
        series[subject], totals[subject] = s, (row[:3] if added is None else _plus(row, added))
    return series, totals, from_daily


def recompute(conn: Connection, subjects: set[str], *, today: date, params: ArcParams, now: datetime,
              new: NewDays = NewDays(), rebuilt: NewDays = NewDays(), adding: PendingWrite | None = None,
              workers: int = 1) -> set[str]:
    """Recompute these subjects' arcs as of `today`; return those written.

    `new` holds the daily sums of this evaluation's new mentions (stored windows get them too); `rebuilt` every
    daily row of the subjects whose ArcDaily rows were rebuilt (each of them has a key in rebuilt.days);
    `workers` processes compute a large batch. `adding`, if given, is the held-back write of `new` into
    ArcDaily: it runs before ArcDaily is read here, else on the writer thread before the first arcs are
    written (_write). A subject left with no daily rows (its mentions deleted, its links removed) loses its
    ArcState."""
    start, adding = today.toordinal() - params.lookback_days + 1, adding or PendingWrite(lambda: None)
    ordered, written, batch = sorted(subjects), set(), _Batch.of(conn, today, params, now, workers)
    for at in range(0, len(ordered), CHUNK):
        with no_gc():
            series, totals, from_daily = _windows(conn, ordered[at:at + CHUNK], start, new, rebuilt)
            if from_daily:
                adding.run()
                read_series, read_totals = _read_daily(conn, from_daily, start)
                series.update(read_series)
                totals.update(read_totals)
            _write(conn, batch, series, totals, adding)
        gone = [x for x in ordered[at:at + CHUNK] if x not in totals]
        if gone:
            raw.execute_in(conn, "DELETE FROM arcstate WHERE subject {keys}", gone)
        written |= totals.keys()
    return written
