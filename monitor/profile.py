"""A customer's profile for `customers show`: who, handles, tenure, arc with its daily series, recent mentions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Connection

from monitor.arcstore import (ArcSubject, Handle, MentionView, author_handles, customer_handles, customer_subjects,
                              daily_series, recent_mentions)
from monitor.identity import link_history, resolve_subject
from monitor.types import ArcPoint


@dataclass(frozen=True, kw_only=True)
class CustomerProfile:
    """Everything `customers show` prints about one customer (or unrostered author)."""

    who: ArcSubject
    handles: tuple[Handle, ...]
    daily: tuple[ArcPoint, ...]  # days with mentions in the trend window ending `end`
    end: date
    window_days: int
    mentions: tuple[MentionView, ...]
    history: tuple[dict, ...]  # manual link changes

    def as_json(self) -> dict:
        """The JSON of `customers show --format json`."""
        who, arc = self.who, self.who.arc
        return {
            "customer_id": who.display_id, "subject": who.subject, "name": who.name, "rostered": who.rostered,
            "is_customer": who.is_customer, "tier": who.tier, "tenure_days": who.tenure_days, "risk": who.risk,
            "handles": [{"platform": h.platform, "handle": h.handle, "origin": h.origin, "active": h.active,
                         "linked_at": h.linked_at, "removed_at": h.removed_at, "removed_by": h.removed_by,
                         "author_id": h.author_id, "first_seen": h.first_seen} for h in self.handles],
            "arc": None if arc is None else {
                "trend": arc.trend, "level": _r(arc.level), "mean_30d": _r(arc.mean_30d),
                "mean_prior": _r(arc.mean_prior), "slope": _r(arc.slope, 5), "negative_7d": arc.negative_7d,
                "negative_30d": arc.negative_30d, "negative_days_30d": arc.negative_days_30d,
                "mentions_30d": arc.mentions_30d, "mentions": arc.mentions, "change_point": arc.change_point,
                "first_seen": arc.first_seen, "last_mention_at": arc.last_mention_at, "as_of": arc.as_of,
                "daily": [[p.day, _r(p.mean), p.count] for p in self.daily]},
            "mentions": [{"id": m.id, "platform": m.platform, "handle": m.handle, "created_at": m.created_at,
                          "score": _r(m.score), "label": m.label, "cues": list(m.cues), "text": m.text,
                          "url": m.url} for m in self.mentions],
            "link_history": list(self.history),
        }


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def customer_profile(conn: Connection, ref: str, *, today: date, unrostered: bool, window_days: int = 90,
                     mentions: int = 20) -> CustomerProfile | None:
    """The profile of a roster id, 'platform:handle', 'c:ID' or 'a:ID'; None if nobody matches."""
    subject = resolve_subject(conn, ref)
    if subject is None:
        return None
    found = customer_subjects(conn, today=today, unrostered=unrostered, subjects=[subject], include_silent=True)
    if not found:
        return None
    who = found[0]
    end = who.arc.as_of if who.arc and who.arc.as_of else today
    handles = (customer_handles(conn, who.customer_id, include_removed=True) if who.customer_id
               else author_handles(conn, who.author_id or 0))
    return CustomerProfile(who=who, handles=tuple(handles), end=end, window_days=window_days,
                           daily=tuple(daily_series(conn, subject, end=end, days=window_days)),
                           mentions=tuple(recent_mentions(conn, subject, limit=mentions)),
                           history=tuple(link_history(conn, who.customer_id)) if who.customer_id else ())
