"""Read-only queries behind the customer, author and search pages, returned as frozen view values.

Every query is built with SQLAlchemy expressions: user input only ever travels as a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from monitor.models import Alert, ArcDaily, ArcState, Author, AuthorLink, Customer, Mention, utcnow
from monitor.web.chart import Day

SEARCH_LIMIT = 50


@dataclass(frozen=True, kw_only=True, slots=True)
class Handle:
    """A customer's handle on one platform; author_id is set once that author has posted."""

    platform: str
    handle: str
    author_id: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerCard:
    """A customer as the alert and customer pages show them."""

    customer_id: str
    name: str
    account: str | None
    tier: str | None
    owner: str | None
    customer_since: date
    tenure_days: int
    handles: tuple[Handle, ...]

    @property
    def tenure(self) -> str:
        """Tenure in words, e.g. '3 years 2 months' or '5 months'."""
        return tenure_words(self.tenure_days)


@dataclass(frozen=True, kw_only=True, slots=True)
class AuthorCard:
    """An author (a handle on one platform), and the customer it belongs to if any."""

    id: int
    platform: str
    handle: str
    first_seen: datetime | None
    last_seen: datetime | None
    claimed_tenure_years: float | None
    customer_id: str | None
    customer_name: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ArcSummary:
    """A subject's current arc, as stored by the arcs stage."""

    subject: str
    trend: str
    level: float | None
    mean_30d: float | None
    mean_prior: float | None
    slope: float | None
    negative_7d: int
    negative_30d: int
    change_point: date | None
    mentions: int
    last_mention_at: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class MentionLine:
    """A mention in a list; text and author are user-written and escaped when shown."""

    id: int
    platform: str
    author: str
    author_id: int
    created_at: datetime
    url: str | None
    title: str | None
    text: str
    score: float
    label: str
    cues: tuple[str, ...]


def tenure_words(days: int) -> str:
    """Days as '2 years 3 months', '7 months' or '12 days'."""
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    years, months = divmod(int(days / 30.4375), 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if months:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    return " ".join(parts)


def customer_card(conn: Connection, customer_id: str, *, today: date | None = None) -> CustomerCard | None:
    """The customer with their active handles, or None."""
    c = conn.execute(select(Customer.__table__).where(Customer.__table__.c.customer_id == customer_id)).first()
    if c is None:
        return None
    link, au = AuthorLink.__table__, Author.__table__
    rows = conn.execute(
        select(link.c.platform, link.c.handle_norm, au.c.handle, au.c.id)
        .select_from(link.outerjoin(au, and_(au.c.platform == link.c.platform,
                                             au.c.handle_norm == link.c.handle_norm)))
        .where(link.c.customer_id == customer_id, link.c.active.is_(True))
        .order_by(link.c.platform, link.c.handle_norm))
    handles = tuple(Handle(platform=r.platform, handle=r.handle or r.handle_norm, author_id=r.id) for r in rows)
    today = today or utcnow().date()
    return CustomerCard(customer_id=c.customer_id, name=c.name, account=c.account, tier=c.tier, owner=c.owner,
                        customer_since=c.customer_since, tenure_days=max(0, (today - c.customer_since).days),
                        handles=handles)


def author_card(conn: Connection, author_id: int) -> AuthorCard | None:
    """The author and the customer their handle is linked to, or None."""
    au, link, c = Author.__table__, AuthorLink.__table__, Customer.__table__
    row = conn.execute(select(au).where(au.c.id == author_id)).first()
    if row is None:
        return None
    owner = conn.execute(
        select(c.c.customer_id, c.c.name).select_from(link.join(c, c.c.customer_id == link.c.customer_id))
        .where(link.c.platform == row.platform, link.c.handle_norm == row.handle_norm, link.c.active.is_(True))
        .order_by(c.c.customer_id).limit(1)).first()
    return AuthorCard(id=row.id, platform=row.platform, handle=row.handle, first_seen=row.first_seen,
                      last_seen=row.last_seen, claimed_tenure_years=row.claimed_tenure_years,
                      customer_id=owner.customer_id if owner else None, customer_name=owner.name if owner else None)


def arc_summary(conn: Connection, subject: str) -> ArcSummary | None:
    """The subject's stored arc, or None before the arcs stage has seen it."""
    a = ArcState.__table__
    r = conn.execute(select(a).where(a.c.subject == subject)).first()
    if r is None:
        return None
    return ArcSummary(subject=r.subject, trend=r.trend, level=r.level, mean_30d=r.mean_30d, mean_prior=r.mean_prior,
                      slope=r.slope, negative_7d=r.negative_7d, negative_30d=r.negative_30d,
                      change_point=r.change_point, mentions=r.mentions, last_mention_at=r.last_mention_at)


def daily_means(conn: Connection, subject: str, *, end: date, days: int) -> tuple[list[Day], date]:
    """The subject's daily means over `days` days up to `end` (moved back to the last day with data if
    the subject has been quiet since), and the end actually used."""
    d = ArcDaily.__table__
    last = conn.execute(select(d.c.day).where(d.c.subject == subject, d.c.day <= end)
                        .order_by(d.c.day.desc()).limit(1)).scalar()
    if last is not None and (end - last).days > days // 3:
        end = last
    start = end - timedelta(days=days - 1)
    rows = conn.execute(select(d.c.day, d.c.total, d.c.count).where(
        d.c.subject == subject, d.c.day >= start, d.c.day <= end, d.c.count > 0).order_by(d.c.day))
    return [Day(day=r.day, mean=r.total / r.count, count=r.count) for r in rows], end


def _mention_lines(conn: Connection, where: Any, limit: int) -> tuple[MentionLine, ...]:
    m, au = Mention.__table__, Author.__table__
    rows = conn.execute(select(m, au.c.handle).select_from(m.join(au, au.c.id == m.c.author_id))
                        .where(where, m.c.deleted.is_(False))
                        .order_by(m.c.created_at.desc(), m.c.id.desc()).limit(limit))
    return tuple(MentionLine(id=r.id, platform=r.platform, author=r.handle, author_id=r.author_id,
                             created_at=r.created_at, url=r.url, title=r.title, text=r.text, score=r.score,
                             label=r.label, cues=tuple(str(c) for c in (r.cues or ()))) for r in rows)


def customer_mentions(conn: Connection, customer_id: str, *, limit: int = 25) -> tuple[MentionLine, ...]:
    """The newest mentions by any of the customer's active handles."""
    m, au, link = Mention.__table__, Author.__table__, AuthorLink.__table__
    authors = (select(au.c.id).select_from(au.join(link, and_(link.c.platform == au.c.platform,
                                                              link.c.handle_norm == au.c.handle_norm)))
               .where(link.c.customer_id == customer_id, link.c.active.is_(True)))
    return _mention_lines(conn, m.c.author_id.in_(authors), limit)


def author_mentions(conn: Connection, author_id: int, *, limit: int = 25) -> tuple[MentionLine, ...]:
    """The author's newest mentions."""
    return _mention_lines(conn, Mention.__table__.c.author_id == author_id, limit)


def alert_rules(conn: Connection) -> list[str]:
    """Names of the rules that have raised alerts, for the queue's filter."""
    return list(conn.execute(select(Alert.__table__.c.rule).distinct().order_by(Alert.__table__.c.rule)).scalars())


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, kw_only=True, slots=True)
class SearchResults:
    """Customers and authors matching a search."""

    query: str
    customers: tuple[CustomerCard, ...]
    authors: tuple[AuthorCard, ...]


def search(conn: Connection, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Customers by id, name, account or email, and authors by handle, case-insensitively."""
    query = query.strip()[:200]
    if not query:
        return SearchResults(query="", customers=(), authors=())
    pattern = _like(query)
    c, au = Customer.__table__, Author.__table__
    cids = conn.execute(
        select(c.c.customer_id).where(or_(*(col.ilike(pattern, escape="\\") for col in
                                            (c.c.customer_id, c.c.name, c.c.account, c.c.email))))
        .order_by(c.c.name, c.c.customer_id).limit(limit)).scalars().all()
    handle = _like(query.lstrip("@").lower())
    aids = conn.execute(select(au.c.id).where(or_(au.c.handle_norm.like(handle, escape="\\"),
                                                  au.c.handle.ilike(pattern, escape="\\")))
                        .order_by(au.c.handle_norm, au.c.platform).limit(limit)).scalars().all()
    today = utcnow().date()
    customers = tuple(card for cid in cids if (card := customer_card(conn, cid, today=today)))
    authors = tuple(card for aid in aids if (card := author_card(conn, aid)))
    return SearchResults(query=query, customers=customers, authors=authors)
