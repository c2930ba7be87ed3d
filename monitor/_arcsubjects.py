"""Loading customers and unlinked authors with their arcs (the body of arcstore.customer_subjects)."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import and_, exists, literal_column, select
from sqlalchemy.engine import Connection

from monitor._arcsql import chunks
from monitor.arcs import tenure_days
from monitor.arcstore import ArcSubject, arc_of_row, author_tenure, make_subject
from monitor.models import ArcState, Author, AuthorLink, Customer


def load_subjects(conn: Connection, *, today: date, unrostered: bool, subjects: Iterable[str] | None,
                  trend: str | None, include_silent: bool) -> list[ArcSubject]:
    """Customer subjects and (when unrostered is on, or asked for) unlinked author subjects."""
    if subjects is None:
        found = _customers(conn, today, None, trend, include_silent)
        return found + (_authors(conn, today, unrostered, None, trend) if unrostered else [])
    wanted = sorted(set(subjects))
    customers = [s[2:] for s in wanted if s.startswith("c:")]
    authors = [int(s[2:]) for s in wanted if s.startswith("a:") and s[2:].isdigit()]
    found = []
    for chunk in chunks(customers):
        found += _customers(conn, today, chunk, trend, include_silent)
    for chunk in chunks(authors):
        found += _authors(conn, today, unrostered, chunk, trend)
    return found


def _customers(conn: Connection, today: date, ids: list[str] | None, trend: str | None,
               include_silent: bool) -> list[ArcSubject]:
    c, s = Customer.__table__, ArcState.__table__
    on = s.c.subject == literal_column("'c:'") + c.c.customer_id
    query = select(c.c.customer_id.label("cid"), c.c.name.label("cname"), c.c.tier, c.c.customer_since,
                   s).select_from(c.outerjoin(s, on))
    if ids is not None:
        query = query.where(c.c.customer_id.in_(ids))
    if trend is not None:
        query = query.where(s.c.trend == trend)
    elif not include_silent:
        query = query.where(s.c.subject.is_not(None))
    out = []
    for r in conn.execute(query):
        out.append(make_subject(subject=f"c:{r.cid}", display_id=r.cid, name=r.cname, customer_id=r.cid,
                                author_id=None, rostered=True, is_customer=True,
                                tier=r.tier, tenure=tenure_days(today=today, customer_since=r.customer_since),
                                arc=arc_of_row(r) if r.subject is not None else None))
    return out


def _authors(conn: Connection, today: date, unrostered: bool, ids: list[int] | None,
             trend: str | None) -> list[ArcSubject]:
    a, s, link = Author.__table__, ArcState.__table__, AuthorLink.__table__
    linked = exists().where(and_(link.c.platform == a.c.platform, link.c.handle_norm == a.c.handle_norm,
                                 link.c.active.is_(True)))
    query = (select(a.c.id.label("aid"), a.c.platform, a.c.handle, a.c.handle_norm,
                    a.c.first_seen.label("author_first_seen"), a.c.claimed_tenure_years, s)
             .select_from(s.join(a, a.c.id == s.c.author_id)).where(~linked))
    if ids is not None:
        query = query.where(a.c.id.in_(ids))
    if trend is not None:
        query = query.where(s.c.trend == trend)
    out = []
    for r in conn.execute(query):
        tenure = author_tenure(today=today, first_seen=r.author_first_seen, arc_first=r.first_seen,
                               claimed_years=r.claimed_tenure_years)
        out.append(make_subject(subject=f"a:{r.aid}", display_id=f"{r.platform}:{r.handle_norm}", name=r.handle,
                                customer_id=None, author_id=r.aid, rostered=False, is_customer=unrostered,
                                tier=None, tenure=tenure, arc=arc_of_row(r)))
    return out
