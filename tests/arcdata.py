"""Helpers for arc tests: store mentions with chosen scores and times, and read arcs back."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from monitor.models import ArcDaily, ArcState, Customer, AuthorLink, utcnow
from monitor.store import AuthorCache, ensure_authors, insert_mentions, mention_row, normalise_handle
from monitor.types import Mention, Score, label_for

NOW = datetime(2024, 6, 30, 18, 0, tzinfo=timezone.utc)
_ids = itertools.count(1)


def at(days_ago: float, hour: int = 12) -> datetime:
    """A UTC time `days_ago` days before NOW's day, at `hour`."""
    return datetime.combine(NOW.date(), datetime.min.time(), tzinfo=timezone.utc).replace(hour=hour) \
        - timedelta(days=days_ago)


def add(engine, items, *, cues=()) -> int:
    """Store mentions given as (platform, handle, created_at, score); return how many were inserted."""
    mentions, scores = [], []
    for platform, handle, created, score in items:
        mentions.append(Mention(platform=platform, external_id=f"m{next(_ids)}", author=handle,
                                created_at=created, text=f"text scoring {score:+.2f}"))
        scores.append(Score(compound=score, pos=0.0, neu=1.0, neg=0.0, score=score, label=label_for(score),
                            cues=tuple(cues)))
    with engine.begin() as conn:
        ids = ensure_authors(conn, mentions, AuthorCache())
        rows = [mention_row(m, s, ids[(m.platform, normalise_handle(m.author))], "test", utcnow())
                for m, s in zip(mentions, scores)]
        return insert_mentions(conn, rows)


def series(platform: str, handle: str, mean_of, *, days: int = 90, every: int = 1, offset: int = 0):
    """One mention per `every` days over the last `days` days, scoring mean_of(days_ago) (clipped to [-1, 1])."""
    return [(platform, handle, at(ago, hour=9 + (ago % 5)), max(-1.0, min(1.0, mean_of(ago))))
            for ago in range(days - 1 - offset, -1, -every)]


def wobble(base: float, ago: int, size: float = 0.15) -> float:
    """A deterministic up-and-down around base, like real scores."""
    return base + size * ((ago * 7919) % 11 - 5) / 5


def add_customer(engine, customer_id: str, since: date, links=(), *, name: str | None = None, tier=None) -> None:
    """A roster customer with (platform, handle_norm) links of origin roster:test.csv."""
    with engine.begin() as conn:
        conn.execute(Customer.__table__.insert().values(customer_id=customer_id, name=name or customer_id,
                                                        customer_since=since, tier=tier))
        for platform, handle in links:
            conn.execute(AuthorLink.__table__.insert().values(
                customer_id=customer_id, platform=platform, handle_norm=handle, origin="roster:test.csv",
                active=True, created_at=utcnow()))


def states(engine) -> dict[str, dict]:
    """Every ArcState row as a dict, by subject, without the evaluation time; the stored window decoded
    to {day ordinal: (sum, count, negatives)}, since sums may differ in their last bit with the order added."""
    from monitor._arcwindow import unpack

    with engine.connect() as conn:
        rows = conn.execute(select(ArcState.__table__)).mappings().all()
    found = {}
    for r in rows:
        row = {k: v for k, v in r.items() if k not in ("updated_at", "window_days")}
        w = unpack(r["window_days"]) if r["window_days"] is not None else None
        row["window_days"] = w and {o: (t, c, g) for o, t, c, g in zip(w.ords, w.totals, w.counts, w.negatives)}
        found[r["subject"]] = row
    return found


def dailies(engine) -> dict[tuple[str, date], tuple]:
    """Every ArcDaily row by (subject, day)."""
    with engine.connect() as conn:
        rows = conn.execute(select(ArcDaily.__table__)).all()
    return {(r.subject, r.day): (r.total, r.count, r.negatives, r.first_at, r.last_at) for r in rows}
