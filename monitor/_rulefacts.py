"""The facts rules are evaluated on: one dict per subject (customer or author) and one for the brand.

Reads in batches so an incremental evaluation costs what the new data costs, not what history costs.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from monitor import arcs
from monitor.arcstore import author_tenure, unrostered_are_customers  # noqa: F401  (re-exported for ruleeval)
from monitor._arcdays import rows_between
from monitor.models import ArcDaily, ArcState, Author, AuthorLink, Customer, Mention

EVIDENCE_LIMIT = 10
BATCH = 500
VOLUME_DAYS = 14
ARC_FIELDS = ("trend", "level", "mean_30d", "mean_prior", "slope", "negative_7d", "negative_30d",
              "change_point", "mentions", "last_mention_at", "updated_at")


@dataclass(frozen=True, kw_only=True)
class SubjectFacts:
    """A subject's rule fields, plus what an alert about it needs."""

    subject: str
    customer_id: str | None
    author_id: int | None  # author of the newest mention
    facts: dict[str, Any]
    evidence: tuple[tuple[int, tuple[str, ...]], ...]  # (mention id, its cues): triggering mentions with cues
    # or negative first, then the other recent negatives; newest first within each
    state: Any = field(default=None, repr=False)  # the ArcState columns, turned into `arc` only on a match
    brand_arc: dict[str, Any] | None = None

    @property
    def arc(self) -> dict[str, Any] | None:
        """The arc snapshot an alert keeps (JSON-ready), or None when the subject has no arc yet."""
        if self.state is None:
            return self.brand_arc
        return {k: _jsonable(getattr(self.state, k)) for k in ARC_FIELDS}


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _links_by_author(conn: Connection, author_ids: list[int]) -> dict[int, str]:
    """author id -> customer id, over active roster/manual links."""
    au, link = Author.__table__, AuthorLink.__table__
    out: dict[int, str] = {}
    for chunk in _chunks(author_ids):
        rows = conn.execute(select(au.c.id, link.c.customer_id)
                            .select_from(au.join(link, (link.c.platform == au.c.platform)
                                                 & (link.c.handle_norm == au.c.handle_norm)))
                            .where(au.c.id.in_(chunk), link.c.active.is_(True)).order_by(link.c.id))
        for author_id, customer_id in rows:
            out.setdefault(author_id, customer_id)
    return out


def _authors_by_customer(conn: Connection, customer_ids: list[str]) -> dict[str, list[int]]:
    au, link = Author.__table__, AuthorLink.__table__
    out: dict[str, list[int]] = {}
    for chunk in _chunks(customer_ids):
        rows = conn.execute(select(link.c.customer_id, au.c.id)
                            .select_from(link.join(au, (link.c.platform == au.c.platform)
                                                   & (link.c.handle_norm == au.c.handle_norm)))
                            .where(link.c.customer_id.in_(chunk), link.c.active.is_(True)))
        for customer_id, author_id in rows:
            out.setdefault(customer_id, []).append(author_id)
    return out


def subjects_of_authors(conn: Connection, author_ids: Iterable[int]) -> set[str]:
    """The subject of each author: its customer's 'c:ID' when linked, else 'a:ID'."""
    ids = sorted(set(author_ids))
    linked = _links_by_author(conn, ids)
    return {f"c:{linked[a]}" if a in linked else f"a:{a}" for a in ids}


def touched_subjects(conn: Connection, after_mention_id: int, arcs_since: datetime | None) -> set[str]:
    """Subjects with a mention newer than the watermark, or whose arc was updated since the last run."""
    m, arc = Mention.__table__, ArcState.__table__
    # no DISTINCT: with it SQLite walks the whole (author_id, created_at) index, every mention ever,
    # instead of the id range of the new ones
    authors = {r[0] for r in conn.execute(select(m.c.author_id).where(m.c.id > after_mention_id))}
    subjects = subjects_of_authors(conn, authors)
    if arcs_since is not None:
        changed = [r[0] for r in conn.execute(select(arc.c.subject).where(arc.c.updated_at > arcs_since))]
        subjects |= _normalise(conn, changed)
    return subjects


def all_subjects(conn: Connection, now: datetime) -> set[str]:
    """Every subject with an arc or a mention in the last 30 days (for `rules test`)."""
    m, arc = Mention.__table__, ArcState.__table__
    recent = {r[0] for r in conn.execute(select(m.c.author_id).where(m.c.created_at >= now - timedelta(days=30),
                                                                     m.c.created_at <= now).distinct())}
    return subjects_of_authors(conn, recent) | _normalise(conn, [r[0] for r in conn.execute(select(arc.c.subject))])


def _normalise(conn: Connection, subjects: list[str]) -> set[str]:
    """Drop 'a:ID' subjects of linked authors (their customer's 'c:ID' covers them) and unknown keys."""
    authors = [int(s[2:]) for s in subjects if s.startswith("a:") and s[2:].isdigit()]
    linked = _links_by_author(conn, authors)
    return {s for s in subjects if s.startswith("c:")} | {f"c:{linked[a]}" if a in linked else f"a:{a}"
                                                         for a in authors}


def _tenure_days(customer, author, state, now: datetime) -> float:
    """A rostered customer's tenure from customer_since; an author's as `customers show` counts it: from the
    earliest of the author's first_seen (set when the author was first stored), the first mention in their
    arc (earlier after a backfill of older posts) and a claimed tenure."""
    if customer is not None or author is None:
        days = arcs.tenure_days(today=now.date(), customer_since=customer.customer_since if customer else None)
    else:
        days = author_tenure(today=now.date(), first_seen=author.first_seen,
                             arc_first=getattr(state, "first_seen", None), claimed_years=author.claimed_tenure_years)
    return float(days or 0)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _arc_facts(state, mentions: list, now: datetime) -> dict[str, Any]:
    """Arc fields from the ArcState row; counts from the 30-day mentions when no arc exists yet."""
    negatives = [m for m in mentions if m.label == "negative"]
    week = now - timedelta(days=7)
    facts = {"trend": "stable", "level": 0.0, "mean_30d": 0.0, "mean_prior": 0.0, "slope": 0.0,
             "negative_7d": float(sum(1 for m in negatives if m.created_at >= week)),
             "negative_30d": float(len(negatives)), "mentions_total": float(len(mentions)),
             "change_point_days_ago": None}
    if mentions:
        facts["mean_30d"] = sum(m.score for m in mentions) / len(mentions)
    if state is not None:
        for key in ("level", "mean_30d", "mean_prior", "slope", "negative_7d", "negative_30d"):
            if getattr(state, key) is not None:
                facts[key] = float(getattr(state, key))
        facts["trend"] = state.trend or "stable"
        facts["mentions_total"] = float(state.mentions or 0)
        # Newer arcs keep these counts themselves (migration 0002); prefer them for consistency with the arc.
        if getattr(state, "mentions_30d", None) is not None and state.updated_at is not None:
            return {**facts, "mentions_30d": float(state.mentions_30d),
                    "negative_days_30d": float(state.negative_days_30d or 0)}
        if state.change_point is not None:
            facts["change_point_days_ago"] = float((now.date() - state.change_point).days)
    facts["negative_days_30d"] = float(len({m.created_at.date() for m in negatives}))
    facts["mentions_30d"] = float(len(mentions))
    return facts


def _trigger_facts(triggering: list, newest) -> dict[str, Any]:
    cues = sorted({c for m in triggering for c in (m.cues or ())})
    return {"cues": cues, "platforms": sorted({m.platform for m in triggering}),
            "new_mentions": float(len(triggering)),
            "new_negative": float(sum(1 for m in triggering if m.label == "negative")),
            "last_mention_score": float(newest.score) if newest else 0.0,
            "last_mention_label": newest.label if newest else ""}


def _evidence(triggering: list, mentions: list) -> tuple[tuple[int, tuple[str, ...]], ...]:
    first = [m for m in triggering if m.cues or m.label == "negative"]
    seen = {m.id for m in first}
    rest = [m for m in mentions if m.label == "negative" and m.id not in seen]
    return tuple((m.id, tuple(m.cues or ())) for m in (first + rest)[:EVIDENCE_LIMIT])


def subject_facts(conn: Connection, subjects: Iterable[str], *, now: datetime, after_mention_id: int,
                  customers_by_default: bool, params: dict[str, Any], trigger_days: int = 7) -> Iterable[SubjectFacts]:
    """Facts for each subject, read in batches.

    Triggering mentions are those with id > after_mention_id created in the last `trigger_days` days."""
    for chunk in _chunks(sorted(subjects)):
        yield from _batch_facts(conn, chunk, now, after_mention_id, customers_by_default, params,
                                now - timedelta(days=trigger_days))


def _batch_facts(conn, chunk, now, after_id, customers_by_default, params, trigger_from) -> Iterable[SubjectFacts]:
    c, au, m, arc = Customer.__table__, Author.__table__, Mention.__table__, ArcState.__table__
    cids = [s[2:] for s in chunk if s.startswith("c:")]
    aids = [int(s[2:]) for s in chunk if s.startswith("a:")]
    customers = {r.customer_id: r for r in conn.execute(select(c).where(c.c.customer_id.in_(cids)))} if cids else {}
    by_customer = _authors_by_customer(conn, cids) if cids else {}
    author_ids = sorted(set(aids) | {a for ids in by_customer.values() for a in ids})
    authors = {r.id: r for r in conn.execute(select(au).where(au.c.id.in_(author_ids)))} if author_ids else {}
    columns = [arc.c[k] for k in {"subject", *ARC_FIELDS, "mentions_30d", "negative_days_30d", "first_seen"}
               if k in arc.c]
    states = {r.subject: r for r in conn.execute(select(*columns).where(arc.c.subject.in_(chunk)))}
    recent: dict[int, list] = {}
    if author_ids:
        rows = conn.execute(select(m.c.id, m.c.author_id, m.c.created_at, m.c.platform, m.c.score, m.c.label,
                                   m.c.cues)
                            .where(m.c.author_id.in_(author_ids), m.c.created_at >= now - timedelta(days=30),
                                   m.c.created_at <= now, m.c.deleted.is_(False))
                            .order_by(m.c.created_at.desc(), m.c.id.desc()))
        for row in rows:
            recent.setdefault(row.author_id, []).append(row)
    for subject in chunk:
        kind, key = subject[:2], subject[2:]
        customer = customers.get(key) if kind == "c:" else None
        if kind == "c:" and customer is None:
            continue  # an arc of a customer no longer on the roster
        own = by_customer.get(key, []) if kind == "c:" else [int(key)]
        mentions = sorted((r for a in own for r in recent.get(a, [])), key=lambda r: (r.created_at, r.id),
                          reverse=True)
        triggering = [r for r in mentions if r.id > after_id and r.created_at >= trigger_from]
        newest = mentions[0] if mentions else None
        author = authors.get(newest.author_id if newest else (own[0] if own else None))
        facts = {"subject": subject, "is_customer": customer is not None or customers_by_default,
                 "rostered": customer is not None, "customer_id": customer.customer_id if customer else None,
                 "tier": customer.tier if customer else None,
                 "tenure_days": _tenure_days(customer, authors.get(int(key)) if kind == "a:" else None,
                                             states.get(subject), now),
                 "author": author.handle if author else "",
                 "last_mention_days_ago": float((now - newest.created_at).days) if newest else 0.0,
                 **_arc_facts(states.get(subject), mentions, now), **_trigger_facts(triggering, newest), **params}
        yield SubjectFacts(subject=subject, customer_id=facts["customer_id"],
                           author_id=author.id if author else None, facts=facts,
                           evidence=_evidence(triggering, mentions), state=states.get(subject))


def daily_series(conn: Connection, subject: str, now: datetime, days: int = 90) -> list[list[Any]]:
    """[[day, mean, count], ...] of a subject's last `days` days, from the arc's daily table."""
    d = ArcDaily.__table__
    start, end = (now - timedelta(days=days)).date(), now.date()  # later days do not count yet (monitor.arcs)
    rows = conn.execute(select(d.c.day, d.c.total, d.c.count).where(rows_between([subject], start, end))
                        .order_by(d.c.day))
    return [[r.day.isoformat(), round(r.total / r.count, 4) if r.count else None, r.count] for r in rows]


def brand_facts(conn: Connection, now: datetime, params: dict[str, Any]) -> SubjectFacts:
    """Volume: mentions in the last 24 h against the 14 daily counts before, as a z-score."""
    m = Mention.__table__
    counts = []
    for day in range(VOLUME_DAYS + 1):
        end, start = now - timedelta(days=day), now - timedelta(days=day + 1)
        counts.append(conn.execute(select(func.count()).select_from(m)
                                   .where(m.c.created_at > start, m.c.created_at <= end)).scalar_one())
    current, history = float(counts[0]), [float(n) for n in counts[1:]]
    mean = statistics.fmean(history)
    std = statistics.pstdev(history)
    # Floors: a flat history (std 0) must not make any bump infinite; sqrt(mean) is Poisson noise.
    z = (current - mean) / max(std, math.sqrt(mean), 1.0)
    ids = [(r[0], ()) for r in conn.execute(select(m.c.id).where(m.c.created_at > now - timedelta(days=1),
                                                           m.c.created_at <= now, m.c.deleted.is_(False))
                                      .order_by(m.c.score, m.c.id).limit(EVIDENCE_LIMIT))]
    facts = {"subject": "brand", "volume_24h": current, "volume_mean_14d": round(mean, 3),
             "volume_std_14d": round(std, 3), "volume_z": round(z, 3), **params}
    return SubjectFacts(subject="brand", customer_id=None, author_id=None, facts=facts,
                        evidence=tuple(ids), brand_arc={"daily_counts_15d": counts[::-1]})
