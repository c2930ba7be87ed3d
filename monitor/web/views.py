"""The few read-only queries the web pages need beyond monitor.alerts and the customer profile
(monitor.pipeline.customer_profile): the search, a customer's CRM fields, a bare author, the rule names.

Every query is built with SQLAlchemy expressions: user input only ever travels as a bound parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from monitor.models import Alert, Author, AuthorLink, Customer

SEARCH_LIMIT = 50


def tenure_words(days: int | None) -> str:
    """Days as '2 years 3 months', '7 months' or '12 days'; 'unknown' for None."""
    if days is None:
        return "unknown"
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    years, months = divmod(int(days / 30.4375), 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if months:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerFields:
    """The CRM roster fields a community manager wants next to an alert."""

    customer_id: str
    name: str
    account: str | None
    tier: str | None
    owner: str | None
    customer_since: date


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


def customer_fields(conn: Connection, customer_id: str) -> CustomerFields | None:
    """The customer's roster fields, or None."""
    c = Customer.__table__
    r = conn.execute(select(c).where(c.c.customer_id == customer_id)).first()
    return None if r is None else CustomerFields(customer_id=r.customer_id, name=r.name, account=r.account,
                                                 tier=r.tier, owner=r.owner, customer_since=r.customer_since)


def _linked(au, link):
    return and_(link.c.platform == au.c.platform, link.c.handle_norm == au.c.handle_norm, link.c.active.is_(True))


def author_card(conn: Connection, author_id: int) -> AuthorCard | None:
    """The author and the customer their handle is linked to, or None."""
    au, link, c = Author.__table__, AuthorLink.__table__, Customer.__table__
    r = conn.execute(select(au, c.c.customer_id, c.c.name.label("customer_name"))
                     .select_from(au.outerjoin(link, _linked(au, link))
                                  .outerjoin(c, c.c.customer_id == link.c.customer_id))
                     .where(au.c.id == author_id).order_by(link.c.id).limit(1)).first()
    if r is None:
        return None
    return AuthorCard(id=r.id, platform=r.platform, handle=r.handle, first_seen=r.first_seen, last_seen=r.last_seen,
                      claimed_tenure_years=r.claimed_tenure_years, customer_id=r.customer_id,
                      customer_name=r.customer_name)


def alert_rules(conn: Connection) -> list[str]:
    """Names of the rules that have raised alerts, for the queue's filter."""
    a = Alert.__table__
    return list(conn.execute(select(a.c.rule).distinct().order_by(a.c.rule)).scalars())


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with the user's own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, kw_only=True, slots=True)
class SearchResults:
    """Customers and authors matching a search."""

    query: str
    customers: tuple[CustomerFields, ...]
    authors: tuple[AuthorCard, ...]


def search(conn: Connection, query: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Customers by id, name, account or email, and authors by handle, case-insensitively."""
    query = query.strip()[:200]
    if not query:
        return SearchResults(query="", customers=(), authors=())
    pattern = _like(query)
    c, au, link = Customer.__table__, Author.__table__, AuthorLink.__table__
    rows = conn.execute(
        select(c).where(or_(*(col.ilike(pattern, escape="\\")
                              for col in (c.c.customer_id, c.c.name, c.c.account, c.c.email))))
        .order_by(c.c.name, c.c.customer_id).limit(limit))
    customers = tuple(CustomerFields(customer_id=r.customer_id, name=r.name, account=r.account, tier=r.tier,
                                     owner=r.owner, customer_since=r.customer_since) for r in rows)
    handle = _like(query.lstrip("@").lower())
    rows = conn.execute(
        select(au, c.c.customer_id, c.c.name.label("customer_name"))
        .select_from(au.outerjoin(link, _linked(au, link)).outerjoin(c, c.c.customer_id == link.c.customer_id))
        .where(or_(au.c.handle_norm.like(handle, escape="\\"), au.c.handle.ilike(pattern, escape="\\")))
        .order_by(au.c.handle_norm, au.c.platform, au.c.id).limit(limit))
    seen: set[int] = set()
    authors = []
    for r in rows:
        if r.id not in seen:  # a handle linked to two customers shows once
            seen.add(r.id)
            authors.append(AuthorCard(id=r.id, platform=r.platform, handle=r.handle, first_seen=r.first_seen,
                                      last_seen=r.last_seen, claimed_tenure_years=r.claimed_tenure_years,
                                      customer_id=r.customer_id, customer_name=r.customer_name))
    return SearchResults(query=query, customers=customers, authors=tuple(authors))
