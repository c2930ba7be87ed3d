"""Store queries about arcs, handles and tenure, for rules, reports, the web app and the CLI.

Every function takes an open Connection; values come back as frozen dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from monitor._arcsql import dialect_insert, chunks
from monitor.arcs import risk, tenure_days
from monitor.arcstate import daily_points, subject_ids
from monitor.models import ArcDirty, ArcState, Author, AuthorLink, Customer, Mention, utcnow
from monitor.types import Arc, ArcPoint

BATCH = 500


@dataclass(frozen=True, kw_only=True)
class Handle:
    """A handle linked to a customer, with its provenance, and the author behind it once seen."""

    platform: str
    handle: str  # as the author writes it once seen, else the normalised handle
    handle_norm: str
    origin: str  # roster:FILE or manual:USER
    active: bool
    linked_at: datetime
    removed_at: datetime | None
    removed_by: str | None
    author_id: int | None
    first_seen: datetime | None


@dataclass(frozen=True, kw_only=True)
class MentionView:
    """A stored mention as people read it: when, where, who, what, and how it scored."""

    id: int
    platform: str
    handle: str
    author_id: int
    created_at: datetime
    text: str
    url: str | None
    score: float
    label: str
    cues: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ArcSubject:
    """A customer (subject 'c:ID') or an author linked to no customer ('a:ID'), with its arc and tenure."""

    subject: str
    display_id: str  # the roster id, or platform:handle for an author
    name: str
    customer_id: str | None  # roster id; None for authors
    author_id: int | None
    rostered: bool
    is_customer: bool  # rostered, or an unrostered author while unrostered_are_customers is on
    tier: str | None
    tenure_days: int | None
    arc: Arc | None
    risk: float


def mark_customers_dirty(conn: Connection, customer_ids: Iterable[str]) -> None:
    """Have the next evaluation rebuild these customers' arcs from scratch (their links changed)."""
    mark_subjects_dirty(conn, [f"c:{c}" for c in customer_ids])


def mark_subjects_dirty(conn: Connection, subjects: Iterable[str]) -> None:
    """Have the next evaluation rebuild these subjects ('c:ID' or 'a:ID') from their mentions."""
    rows = [{"subject": s, "marked_at": utcnow()} for s in sorted(set(subjects))]
    if rows:
        stmt = dialect_insert(conn, ArcDirty.__table__)
        conn.execute(stmt.on_conflict_do_update(index_elements=["subject"],
                                                set_={"marked_at": stmt.excluded.marked_at}), rows)


def arc_of_row(row: Any) -> Arc:
    """The Arc of an ArcState row."""
    return Arc(subject=row.subject, trend=row.trend, level=row.level, mean_30d=row.mean_30d,
               mean_prior=row.mean_prior, slope=row.slope, negative_7d=row.negative_7d,
               negative_30d=row.negative_30d, negative_days_30d=row.negative_days_30d,
               mentions_30d=row.mentions_30d, mentions=row.mentions, change_point=row.change_point,
               first_seen=row.first_seen, last_mention_at=row.last_mention_at,
               as_of=row.as_of, updated_at=row.updated_at)


def get_arc(conn: Connection, subject: str) -> Arc | None:
    """The stored arc of one subject, or None if it has no mentions (or was never evaluated)."""
    s = ArcState.__table__
    row = conn.execute(select(s).where(s.c.subject == subject)).first()
    return arc_of_row(row) if row else None


def get_arcs(conn: Connection, subjects: Iterable[str]) -> dict[str, Arc]:
    """Stored arcs of many subjects, by subject."""
    s = ArcState.__table__
    found: dict[str, Arc] = {}
    for chunk in chunks(sorted(set(subjects)), BATCH):
        found.update((r.subject, arc_of_row(r)) for r in conn.execute(select(s).where(s.c.subject.in_(chunk))))
    return found


def daily_series(conn: Connection, subject: str, *, end: date, days: int = 90) -> list[ArcPoint]:
    """The subject's days with mentions among the `days` days ending on `end`, oldest first."""
    start = end - timedelta(days=days - 1)
    return daily_points(conn, [subject], start, end).get(subject, [])


def customer_handles(conn: Connection, customer_id: str, *, include_removed: bool = False) -> list[Handle]:
    """The customer's linked handles on every platform, with provenance (removed ones on request)."""
    link, a = AuthorLink.__table__, Author.__table__
    query = (select(link, a.c.id.label("author_id"), a.c.handle.label("seen_handle"), a.c.first_seen)
             .select_from(link.outerjoin(a, and_(a.c.platform == link.c.platform,
                                                 a.c.handle_norm == link.c.handle_norm)))
             .where(link.c.customer_id == customer_id).order_by(link.c.platform, link.c.handle_norm))
    if not include_removed:
        query = query.where(link.c.active.is_(True))
    return [Handle(platform=r.platform, handle=r.seen_handle or r.handle_norm, handle_norm=r.handle_norm,
                   origin=r.origin, active=r.active, linked_at=r.created_at, removed_at=r.removed_at,
                   removed_by=r.removed_by, author_id=r.author_id, first_seen=r.first_seen)
            for r in conn.execute(query)]


def author_handles(conn: Connection, author_id: int) -> list[Handle]:
    """An unlinked author's own handle, as a one-item handle list (origin 'seen')."""
    a = Author.__table__
    row = conn.execute(select(a).where(a.c.id == author_id)).first()
    if row is None:
        return []
    return [Handle(platform=row.platform, handle=row.handle, handle_norm=row.handle_norm, origin="seen",
                   active=True, linked_at=row.first_seen, removed_at=None, removed_by=None, author_id=row.id,
                   first_seen=row.first_seen)]


def subject_author_ids(conn: Connection, subject: str) -> list[int]:
    """The authors whose mentions make up a subject's arc."""
    customer_id, author_id = subject_ids(subject)
    if author_id is not None:
        return [author_id]
    return [h.author_id for h in customer_handles(conn, customer_id or "") if h.author_id is not None]


def recent_mentions(conn: Connection, subject: str, *, limit: int = 20) -> list[MentionView]:
    """The subject's newest live mentions across its platforms, newest first."""
    m, a = Mention.__table__, Author.__table__
    ids = subject_author_ids(conn, subject)
    if not ids:
        return []
    rows = conn.execute(select(m.c.id, m.c.platform, a.c.handle, m.c.author_id, m.c.created_at, m.c.text,
                               m.c.url, m.c.score, m.c.label, m.c.cues)
                        .select_from(m.join(a, a.c.id == m.c.author_id))
                        .where(m.c.author_id.in_(ids), m.c.deleted.is_(False))
                        .order_by(m.c.created_at.desc(), m.c.id.desc()).limit(limit))
    return [MentionView(id=r.id, platform=r.platform, handle=r.handle, author_id=r.author_id,
                        created_at=r.created_at, text=r.text, url=r.url, score=r.score, label=r.label,
                        cues=tuple(r.cues or ())) for r in rows]


def has_roster(conn: Connection) -> bool:
    """Whether any customer has been imported."""
    return conn.execute(select(func.count()).select_from(Customer.__table__)).scalar_one() > 0


def unrostered_are_customers(conn: Connection, setting: str) -> bool:
    """[customers] unrostered_are_customers: 'yes', 'no', or 'auto' (on only while no roster exists)."""
    if setting in ("yes", "no"):
        return setting == "yes"
    return not has_roster(conn)


def customer_subjects(conn: Connection, *, today: date, unrostered: bool, subjects: Iterable[str] | None = None,
                      trend: str | None = None, include_silent: bool = False) -> list[ArcSubject]:
    """Customers and unlinked authors with their arcs and tenure, highest risk first.

    Authors come only when `unrostered` is true or when asked for by subject; authors linked to a
    customer are part of that customer's subject and never come alone. `subjects` limits the answer."""
    from monitor._arcsubjects import load_subjects

    found = load_subjects(conn, today=today, unrostered=unrostered, subjects=subjects, trend=trend,
                          include_silent=include_silent)
    return sorted(found, key=lambda x: (-x.risk, x.display_id))


def make_subject(*, subject: str, display_id: str, name: str, customer_id: str | None, author_id: int | None,
                 rostered: bool, is_customer: bool, tier: str | None, tenure: int | None,
                 arc: Arc | None) -> ArcSubject:
    """An ArcSubject with its risk computed."""
    score = risk(trend=arc.trend, level=arc.level, mean_30d=arc.mean_30d, negative_30d=arc.negative_30d,
                 tenure_days=tenure) if arc else 0.0
    return ArcSubject(subject=subject, display_id=display_id, name=name, customer_id=customer_id,
                      author_id=author_id, rostered=rostered, is_customer=is_customer, tier=tier,
                      tenure_days=tenure, arc=arc, risk=score)


def author_tenure(*, today: date, first_seen: datetime | None, arc_first: datetime | None,
                  claimed_years: float | None) -> int | None:
    """An unrostered author's tenure: from the earliest of first seen and a claim in their posts."""
    seen = [d.date() for d in (first_seen, arc_first) if d is not None]
    return tenure_days(today=today, first_seen=min(seen) if seen else None, claimed_years=claimed_years)
