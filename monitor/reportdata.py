"""Store queries the digest and the trend report read through: SQL GROUP BY aggregates, few rows out.

Every function takes UTC-aware bounds (start inclusive, end exclusive) and skips deleted mentions.
Day bucketing follows a time zone: PostgreSQL converts with AT TIME ZONE; SQLite, which has no zone
database, gets the range split where the zone's UTC offset changes (DST) and a fixed-offset
date(created_at, '+N seconds') per piece, so every mention lands on its local day, half-hour zones included.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, case, func, literal, or_, select, text
from sqlalchemy.engine import Connection, Engine

from monitor._arcdays import rows_between
from monitor.models import Alert, ArcDaily, ArcState, Author, Customer, Mention, SourceState

M, A = Mention.__table__, Author.__table__


@dataclass(frozen=True, kw_only=True)
class PlatformDay:
    """Mentions of one platform on one local day; with terms, (count, score sum) of those naming each term
    and of those naming none (share of voice rides along in the same scan)."""

    platform: str
    day: date
    count: int
    score_sum: float
    negatives: int
    positives: int
    terms: tuple[tuple[int, float], ...] = ()
    unnamed: tuple[int, float] = (0, 0.0)


@dataclass(frozen=True, kw_only=True)
class MentionRef:
    """One mention as a report shows it, with its author's handle."""

    id: int
    platform: str
    created_at: datetime
    score: float
    label: str
    cues: tuple[str, ...]
    text: str
    title: str | None
    url: str | None
    author: str


@dataclass(frozen=True, kw_only=True)
class TermVolume:
    """Mentions naming one competitor term (case-insensitive), and their summed score."""

    term: str
    count: int
    score_sum: float


@dataclass(frozen=True, kw_only=True)
class SubjectPeriod:
    """A subject's summed daily scores in the current and the prior period (from ArcDaily)."""

    subject: str
    total_cur: float
    count_cur: int
    total_prior: float
    count_prior: int


@dataclass(frozen=True, kw_only=True)
class AlertRow:
    """An alert with its customer's name or author's handle."""

    id: int
    rule: str
    subject: str
    customer_id: str | None
    who: str
    severity: str
    status: str
    assignee: str | None
    created_at: datetime
    first_action_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    outcome: dict | None


@dataclass(frozen=True, kw_only=True)
class ArcRow:
    """A subject's current arc, as ArcState holds it."""

    subject: str
    who: str
    trend: str
    level: float | None
    mean_30d: float | None
    mean_prior: float | None
    slope: float | None
    negative_30d: int
    change_point: date | None


@dataclass(frozen=True, kw_only=True)
class SourceProblem:
    """A source whose last run failed."""

    name: str
    kind: str
    last_error: str
    consecutive_failures: int
    last_success: datetime | None


def _live(start: datetime, end: datetime):
    return and_(M.c.created_at >= start, M.c.created_at < end, M.c.deleted.is_(False))


# --- volume and sentiment by platform and day ---------------------------------------------------

def daily_by_platform(engine: Engine, start: datetime, end: datetime, tz: str,
                      terms: Iterable[str] = ()) -> list[PlatformDay]:
    """Count, score sum, negatives and positives per platform and local day in [start, end).

    With terms, also the mentions naming each term (case-insensitive substring) and those naming none."""
    terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
    out: dict[tuple[str, date], PlatformDay] = {}
    with engine.connect() as conn:
        for seg_start, seg_end, day in _day_segments(conn, start, end, tz):
            for r in conn.execute(_daily_query(conn, seg_start, seg_end, day, terms)):
                _merge(out, r._mapping, len(terms))
    return sorted(out.values(), key=lambda p: (p.day, p.platform))


def _daily_query(conn: Connection, start: datetime, end: datetime, day, terms: list[str]):
    """GROUP BY platform and day. Term flags are computed once per row in a subquery the planner may not
    flatten (LIMIT -1 / OFFSET 0): evaluated inside each SUM they cost about twice as much."""
    base = (M.c.platform, day.label("day"), M.c.score, M.c.label)
    if conn.dialect.name == "postgresql":  # ILIKE is slow there: lower-case each text once, then strpos
        low = select(*base, func.lower(M.c.text).label("lt")).where(_live(start, end)).offset(0).subquery()
        flags = [case((func.strpos(low.c.lt, t.lower()) > 0, 1), else_=0).label(f"f{i}")
                 for i, t in enumerate(terms)]
        src = select(low.c.platform, low.c.day, low.c.score, low.c.label, *flags).offset(0).subquery()
    else:  # SQLite's LIKE ignores ASCII case
        flags = [case((M.c.text.like(f"%{_like_escape(t)}%", escape="\\"), 1), else_=0).label(f"f{i}")
                 for i, t in enumerate(terms)]
        src = select(*base, *flags).where(_live(start, end)).limit(-1).subquery()
    cols = [func.count().label("n"), func.sum(src.c.score).label("s"),
            func.sum(case((src.c.label == "negative", 1), else_=0)).label("neg"),
            func.sum(case((src.c.label == "positive", 1), else_=0)).label("pos")]
    for i in range(len(terms)):
        flag = src.c[f"f{i}"]
        cols += [func.sum(flag).label(f"n{i}"), func.sum(flag * src.c.score).label(f"s{i}")]
    if terms:
        unnamed = sum((src.c[f"f{i}"] for i in range(1, len(terms))), src.c["f0"]) == 0
        cols += [func.sum(case((unnamed, 1), else_=0)).label("nn"),
                 func.sum(case((unnamed, src.c.score), else_=0.0)).label("ns")]
    return select(src.c.platform, src.c.day, *cols).group_by(src.c.platform, src.c.day)


def _day_segments(conn: Connection, start: datetime, end: datetime, tz: str):
    """(start, end, local-day expression) pieces of [start, end) within which the zone's offset is fixed."""
    if conn.dialect.name == "postgresql":
        yield start, end, func.date(func.timezone(tz, M.c.created_at))
        return
    zone = ZoneInfo(tz)
    for seg_start, seg_end, offset in _fixed_offset_spans(zone, start, end):
        seconds = int(offset.total_seconds())
        day = (func.substr(M.c.created_at, 1, 10, type_=String) if seconds == 0 else
               func.date(M.c.created_at, f"{seconds:+d} seconds", type_=String))
        yield seg_start, seg_end, day


def _fixed_offset_spans(zone: ZoneInfo, start: datetime, end: datetime):
    """Split [start, end) where the zone's UTC offset changes (found hourly, refined to the second)."""
    cur, offset = start, start.astimezone(zone).utcoffset()
    probe = start
    while probe < end:
        nxt = min(probe + timedelta(hours=1), end)
        if nxt.astimezone(zone).utcoffset() != offset:
            lo, hi = probe, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if mid.astimezone(zone).utcoffset() == offset else (lo, mid)
            yield cur, hi, offset
            cur, offset = hi, hi.astimezone(zone).utcoffset()
        probe = nxt
    yield cur, end, offset


def _merge(out: dict, r, n_terms: int) -> None:
    day = r["day"] if isinstance(r["day"], date) else date.fromisoformat(r["day"])
    terms = tuple((int(r[f"n{i}"] or 0), float(r[f"s{i}"] or 0)) for i in range(n_terms))
    unnamed = (int(r["nn"] or 0), float(r["ns"] or 0)) if n_terms else (int(r["n"]), float(r["s"] or 0))
    new = PlatformDay(platform=r["platform"], day=day, count=int(r["n"]), score_sum=float(r["s"] or 0),
                      negatives=int(r["neg"] or 0), positives=int(r["pos"] or 0), terms=terms, unnamed=unnamed)
    old = out.get((new.platform, day))
    if old is not None:  # the same local day on both sides of an offset change
        new = PlatformDay(platform=new.platform, day=day, count=old.count + new.count,
                          score_sum=old.score_sum + new.score_sum, negatives=old.negatives + new.negatives,
                          positives=old.positives + new.positives,
                          terms=tuple((a[0] + b[0], a[1] + b[1]) for a, b in zip(old.terms, new.terms)),
                          unnamed=(old.unnamed[0] + new.unnamed[0], old.unnamed[1] + new.unnamed[1]))
    out[(new.platform, day)] = new


# --- mentions: extremes, samples for themes, cues ---------------------------------------------

def extreme_mentions(engine: Engine, start: datetime, end: datetime, *, label: str,
                     limit: int) -> list[MentionRef]:
    """The most negative (label='negative') or most positive mentions in [start, end)."""
    order = M.c.score.asc() if label == "negative" else M.c.score.desc()
    # Pick the rows first, then join their authors: joining before the sort costs a lookup per row in range.
    top = (select(M.c.id, M.c.platform, M.c.created_at, M.c.score, M.c.label, M.c.cues, M.c.text, M.c.title,
                  M.c.url, M.c.author_id).where(_live(start, end), M.c.label == label)
           .order_by(order, M.c.id).limit(limit).subquery())
    query = (select(top, A.c.handle).join(A, A.c.id == top.c.author_id)
             .order_by(top.c.score.asc() if label == "negative" else top.c.score.desc(), top.c.id))
    with engine.connect() as conn:
        return [MentionRef(id=r.id, platform=r.platform, created_at=r.created_at, score=r.score, label=r.label,
                           cues=tuple(str(c) for c in r.cues) if isinstance(r.cues, list) else (),
                           text=r.text, title=r.title, url=r.url, author=r.handle)
                for r in conn.execute(query)]


_CUES_SQL = {
    "sqlite": "SELECT je.value AS cue, count(*) AS n FROM mention m, json_each(m.cues) je "
              "WHERE m.created_at >= :start AND m.created_at < :end AND m.deleted = 0 AND m.label = :label "
              "AND json_type(m.cues) = 'array' GROUP BY je.value",
    "postgresql": "SELECT e.cue, count(*) AS n FROM mention m CROSS JOIN LATERAL json_array_elements_text("
                  "CASE WHEN json_typeof(m.cues) = 'array' THEN m.cues ELSE '[]'::json END) AS e(cue) "
                  "WHERE m.created_at >= :start AND m.created_at < :end AND NOT m.deleted "
                  "AND m.label = :label GROUP BY e.cue",
}


def cue_counts(engine: Engine, start: datetime, end: datetime, label: str) -> dict[str, int]:
    """How many mentions of a label in [start, end) carry each cue."""
    with engine.connect() as conn:
        stmt = text(_CUES_SQL[conn.dialect.name]).bindparams(
            **_bounds(conn, start, end), label=label)
        return {str(r.cue): int(r.n) for r in conn.execute(stmt)}


def _bounds(conn: Connection, start: datetime, end: datetime) -> dict:
    if conn.dialect.name == "sqlite":  # compare as stored: naive UTC text
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        return {"start": start.astimezone(timezone.utc).strftime(fmt), "end": end.astimezone(timezone.utc)
                .strftime(fmt)}
    return {"start": start, "end": end}


@dataclass(frozen=True, kw_only=True)
class Voice:
    """Share-of-voice counts: all mentions, those naming none of the terms, and each term's."""

    total: int
    none_count: int
    none_score_sum: float
    terms: tuple[TermVolume, ...]


def voice_of(rows: Iterable[PlatformDay], terms: list[str]) -> Voice:
    """Share of voice summed from daily_by_platform(..., terms=terms) rows."""
    rows = list(rows)
    terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
    return Voice(total=sum(r.count for r in rows), none_count=sum(r.unnamed[0] for r in rows),
                 none_score_sum=sum(r.unnamed[1] for r in rows),
                 terms=tuple(TermVolume(term=t, count=sum(r.terms[i][0] for r in rows),
                                        score_sum=sum(r.terms[i][1] for r in rows)) for i, t in enumerate(terms)))


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- arcs ---------------------------------------------------------------------------------------

def subject_periods(engine: Engine, prior_start: date, split: date, end: date, *,
                    include_authors: bool) -> list[SubjectPeriod]:
    """Per customer subject: ArcDaily sums over [prior_start, split) and [split, end)."""
    D, S = ArcDaily.__table__, ArcState.__table__
    cur = D.c.day >= split
    query = (select(D.c.subject,
                    func.sum(case((cur, D.c.total), else_=0.0)).label("tc"),
                    func.sum(case((cur, D.c["count"]), else_=0)).label("nc"),
                    func.sum(case((cur, 0.0), else_=D.c.total)).label("tp"),
                    func.sum(case((cur, 0), else_=D.c["count"])).label("np"))
             .where(D.c.day >= prior_start, D.c.day < end, _customer_subjects(D, S, include_authors))
             .group_by(D.c.subject))
    with engine.connect() as conn:
        return [SubjectPeriod(subject=r.subject, total_cur=float(r.tc or 0), count_cur=int(r.nc or 0),
                              total_prior=float(r.tp or 0), count_prior=int(r.np or 0))
                for r in conn.execute(query)]


def _customer_subjects(D, S, include_authors: bool):
    """Customer arcs; with include_authors, also the arcs of authors linked to no customer."""
    is_customer = D.c.subject.like("c:%")
    if not include_authors:
        return is_customer
    unlinked = select(S.c.subject).where(S.c.subject.like("a:%"), S.c.customer_id.is_(None))
    return or_(is_customer, D.c.subject.in_(unlinked))


def subject_days(engine: Engine, subjects: list[str], start: date, end: date) -> dict[str, dict[date, tuple]]:
    """ArcDaily (total, count) per day in [start, end) for a few subjects."""
    D = ArcDaily.__table__
    out: dict[str, dict[date, tuple]] = {s: {} for s in subjects}
    if not subjects or end <= start:
        return out
    with engine.connect() as conn:
        for r in conn.execute(select(D).where(rows_between(subjects, start, end - timedelta(days=1)))):
            out[r.subject][r.day] = (float(r.total), int(r._mapping["count"]))
    return out


def subject_names(engine: Engine, subjects: Iterable[str]) -> dict[str, str]:
    """A readable name per subject: the customer's name, or handle (platform) for an author."""
    subjects = list(subjects)
    cids = [s[2:] for s in subjects if s.startswith("c:")]
    aids = [int(s[2:]) for s in subjects if s.startswith("a:") and s[2:].isdigit()]
    names = {s: s for s in subjects}
    C = Customer.__table__
    with engine.connect() as conn:
        if cids:
            for r in conn.execute(select(C.c.customer_id, C.c.name).where(C.c.customer_id.in_(cids))):
                names[f"c:{r.customer_id}"] = r.name
        if aids:
            for r in conn.execute(select(A.c.id, A.c.handle, A.c.platform).where(A.c.id.in_(aids))):
                names[f"a:{r.id}"] = f"{r.handle} ({r.platform})"
    return names


def _declining(S, include_authors: bool) -> list:
    return [S.c.trend == "declining",
            S.c.subject.like("c:%") if not include_authors
            else or_(S.c.subject.like("c:%"), and_(S.c.subject.like("a:%"), S.c.customer_id.is_(None)))]


def declining_arcs(engine: Engine, *, changed_since: date | None, include_authors: bool,
                   limit: int = 50) -> list[ArcRow]:
    """Customer arcs whose trend is declining (and whose change point is on/after changed_since)."""
    S = ArcState.__table__
    where = _declining(S, include_authors)
    if changed_since is not None:
        where.append(S.c.change_point >= changed_since)
    query = select(S).where(*where).order_by(S.c.slope.asc(), S.c.subject).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    names = subject_names(engine, [r.subject for r in rows])
    return [ArcRow(subject=r.subject, who=names[r.subject], trend=r.trend, level=r.level, mean_30d=r.mean_30d,
                   mean_prior=r.mean_prior, slope=r.slope, negative_30d=r.negative_30d,
                   change_point=r.change_point) for r in rows]


def count_declining(engine: Engine, *, include_authors: bool) -> int:
    """How many customer arcs are declining now."""
    S = ArcState.__table__
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(S).where(*_declining(S, include_authors))).scalar_one()


# --- alerts and sources -------------------------------------------------------------------------

def alerts_touching(engine: Engine, start: datetime, end: datetime, *, unresolved: bool = True) -> list[AlertRow]:
    """Alerts created or resolved in [start, end), plus (with unresolved) every alert not yet resolved."""
    T = Alert.__table__
    touched = or_(and_(T.c.created_at >= start, T.c.created_at < end),
                  and_(T.c.resolved_at >= start, T.c.resolved_at < end))
    cond = or_(touched, T.c.status != "resolved") if unresolved else touched
    with engine.connect() as conn:
        rows = conn.execute(select(T).where(cond).order_by(T.c.created_at, T.c.id)).all()
    names = subject_names(engine, {r.subject for r in rows})
    return [AlertRow(id=r.id, rule=r.rule, subject=r.subject, customer_id=r.customer_id,
                     who=names.get(r.subject, r.subject), severity=r.severity, status=r.status,
                     assignee=r.assignee, created_at=r.created_at, first_action_at=r.first_action_at,
                     resolved_at=r.resolved_at, resolution=r.resolution,
                     outcome=r.outcome if isinstance(r.outcome, dict) else None) for r in rows]


def source_problems(engine: Engine) -> list[SourceProblem]:
    """Sources whose most recent run failed."""
    S = SourceState.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(S).where(S.c.consecutive_failures > 0).order_by(S.c.name)).all()
    return [SourceProblem(name=r.name, kind=r.kind, last_error=r.last_error or "(no message)",
                          consecutive_failures=r.consecutive_failures, last_success=r.last_success) for r in rows]


def unrostered_are_customers(engine: Engine, mode: str) -> bool:
    """[customers] unrostered_are_customers resolved: 'yes', 'no', or 'auto' = yes when no roster exists."""
    mode = str(mode).lower()
    if mode != "auto":
        return mode == "yes"
    with engine.connect() as conn:
        return conn.execute(select(literal(1)).select_from(Customer.__table__).limit(1)).first() is None
