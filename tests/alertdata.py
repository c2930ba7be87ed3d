"""Constructing customers, authors, mentions and arcs directly in the store, for the rules and alerts tests."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import count

from sqlalchemy import insert

from monitor.models import ArcState, Author, AuthorLink, Customer, Mention

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
_ids = count(1)


def add_customer(conn, customer_id: str, *, since: date, name: str | None = None, tier: str | None = None) -> None:
    """A rostered customer."""
    conn.execute(insert(Customer.__table__).values(customer_id=customer_id, name=name or f"Customer {customer_id}",
                                                   customer_since=since, tier=tier))


def add_author(conn, handle: str, *, platform: str = "twitter", first_seen: datetime | None = None,
               claimed_years: float | None = None) -> int:
    """An author; returns its id."""
    return conn.execute(insert(Author.__table__).values(
        platform=platform, handle=handle, handle_norm=handle.lower(), first_seen=first_seen or NOW - timedelta(days=30),
        last_seen=NOW, claimed_tenure_years=claimed_years).returning(Author.__table__.c.id)).scalar_one()


def link(conn, customer_id: str, handle: str, *, platform: str = "twitter") -> None:
    """Link a handle to a customer, as the roster import does."""
    conn.execute(insert(AuthorLink.__table__).values(customer_id=customer_id, platform=platform,
                                                     handle_norm=handle.lower(), origin="roster:test",
                                                     active=True, created_at=NOW - timedelta(days=400)))


def add_mention(conn, author_id: int, at: datetime, *, score: float = -0.5, cues: list[str] | None = None,
                text: str = "still waiting for support", platform: str = "twitter", url: str | None = None) -> int:
    """A scored mention; the label follows VADER's +-0.05 bounds. Returns its id."""
    label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    return conn.execute(insert(Mention.__table__).values(
        platform=platform, external_id=f"m{next(_ids)}-{at.timestamp()}", author_id=author_id, source="test",
        created_at=at, fetched_at=at, text=text, url=url, compound=score, score=score, label=label,
        cues=cues or None, deleted=False).returning(Mention.__table__.c.id)).scalar_one()


def set_arc(conn, subject: str, *, trend: str, level: float, mean_30d: float, mean_prior: float = 0.2,
            slope: float = -0.01, negative_7d: int = 0, negative_30d: int = 0, mentions_30d: int = 0,
            negative_days_30d: int = 0, updated_at: datetime = NOW, **extra) -> None:
    """Write (or replace) a subject's ArcState row as the arcs stage would."""
    table = ArcState.__table__
    conn.execute(table.delete().where(table.c.subject == subject))
    values = dict(subject=subject, trend=trend, level=level, mean_30d=mean_30d, mean_prior=mean_prior, slope=slope,
                  negative_7d=negative_7d, negative_30d=negative_30d, mentions=mentions_30d + 10,
                  updated_at=updated_at, **extra)
    if subject.startswith("c:"):
        values["customer_id"] = subject[2:]
    else:
        values["author_id"] = int(subject[2:])
    if "mentions_30d" in table.c:  # added by the arcs migration 0002
        values.update(mentions_30d=mentions_30d, negative_days_30d=negative_days_30d)
    conn.execute(insert(table).values(**values))


def frustrated_customer(conn, customer_id: str = "C1", handle: str = "longtimer", *, since: date = date(2019, 1, 1),
                        days: tuple[int, ...] = (2, 9, 20), trend: str = "declining", level: float = -0.4,
                        mean_30d: float = -0.35, now: datetime = NOW, name: str | None = None) -> int:
    """A long-time customer with negative mentions on `days` (days ago) and an arc as given; returns author id."""
    add_customer(conn, customer_id, since=since, name=name or f"Customer {customer_id}")
    author = add_author(conn, handle, first_seen=now - timedelta(days=60))
    link(conn, customer_id, handle)
    for d in days:
        add_mention(conn, author, now - timedelta(days=d, hours=1), score=-0.6,
                    text=f"day {d}: support ignored me again", url=f"https://x.com/{handle}/status/{d}")
    negatives_by_day = len(set(days))
    set_arc(conn, f"c:{customer_id}", trend=trend, level=level, mean_30d=mean_30d,
            negative_7d=sum(1 for d in days if d < 7), negative_30d=len(days), mentions_30d=len(days),
            negative_days_30d=negatives_by_day, updated_at=now)
    return author
