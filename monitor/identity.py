"""Who is who: linking handles to customers by hand, with an audit trail, and resolving a customer reference.

A link is by (platform, normalised handle), so a handle links before its author ever posts. Unlinking
keeps the row (active=False, removed_at, removed_by); every manual change is also a LinkEvent. A change
marks the customer dirty, so the next evaluation rebuilds its arc from its mentions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Connection, Engine

from monitor.arcstore import mark_customers_dirty
from monitor.errors import ArcwatchError
from monitor.importer import PLATFORM_ALIASES
from monitor.models import Author, AuthorLink, Customer, LinkEvent, utcnow
from monitor.store import normalise_handle

_PLATFORM = re.compile(r"^[a-z0-9_-]{1,32}$")


class IdentityError(ArcwatchError):
    """A link or unlink that cannot be done: unknown customer, bad platform, no such link."""


@dataclass(frozen=True, kw_only=True)
class LinkChange:
    """The outcome of a link or unlink."""

    action: str  # linked, relinked, already linked, unlinked
    customer_id: str
    platform: str
    handle_norm: str
    origin: str
    author_id: int | None  # the author behind the handle, if it has posted
    also_linked_to: tuple[str, ...]  # other customers this handle is actively linked to

    def as_json(self) -> dict:
        """Plain JSON-ready values."""
        return {"action": self.action, "customer_id": self.customer_id, "platform": self.platform,
                "handle": self.handle_norm, "origin": self.origin, "author_id": self.author_id,
                "also_linked_to": list(self.also_linked_to)}


def normalise_platform(platform: str) -> str:
    """A platform name as mentions store it (x -> twitter); IdentityError if it is not one."""
    name = PLATFORM_ALIASES.get(platform.strip().lower(), platform.strip().lower())
    if not _PLATFORM.match(name):
        raise IdentityError(f"platform {platform!r} is not a short lower-case name such as twitter or reddit")
    return name


def _checked(conn: Connection, customer_id: str, platform: str, handle: str) -> tuple[str, str]:
    if conn.execute(select(Customer.__table__.c.customer_id)
                    .where(Customer.__table__.c.customer_id == customer_id)).first() is None:
        raise IdentityError(f"no customer {customer_id!r} on the roster; import it with "
                            "`arcwatch customers import ROSTER.csv` first")
    norm = normalise_handle(handle)
    if not norm:
        raise IdentityError(f"handle {handle!r} is empty once normalised")
    return normalise_platform(platform), norm


def _context(conn: Connection, customer_id: str, platform: str, norm: str) -> tuple[int | None, tuple[str, ...]]:
    a, link = Author.__table__, AuthorLink.__table__
    author_id = conn.execute(select(a.c.id).where(a.c.platform == platform, a.c.handle_norm == norm)).scalar()
    others = conn.execute(select(link.c.customer_id).where(
        link.c.platform == platform, link.c.handle_norm == norm, link.c.active.is_(True),
        link.c.customer_id != customer_id).order_by(link.c.customer_id)).scalars().all()
    return author_id, tuple(others)


def _event(conn: Connection, at: datetime, actor: str, action: str, customer_id: str, platform: str,
           norm: str, origin: str) -> None:
    conn.execute(LinkEvent.__table__.insert().values(at=at, actor=actor, action=action, customer_id=customer_id,
                                                     platform=platform, handle_norm=norm, origin=origin))


def _link_key(conn: Connection, customer_id: str, platform: str, handle: str):
    """The checked platform, normalised handle, and the WHERE clause of that customer's link row."""
    link = AuthorLink.__table__
    platform, norm = _checked(conn, customer_id, platform, handle)
    return platform, norm, and_(link.c.customer_id == customer_id, link.c.platform == platform,
                                link.c.handle_norm == norm)


def link_handle(engine: Engine, customer_id: str, platform: str, handle: str, *, actor: str,
                now: datetime | None = None) -> LinkChange:
    """Link a handle to a customer by hand (origin 'manual:<actor>'); re-activates a removed link."""
    now = now or utcnow()
    link = AuthorLink.__table__
    with engine.begin() as conn:
        platform, norm, key = _link_key(conn, customer_id, platform, handle)
        row = conn.execute(select(link).where(key)).first()
        origin = f"manual:{actor}"
        if row is not None and row.active:
            action, origin = "already linked", row.origin
        elif row is not None:
            action = "relinked"
            conn.execute(update(link).where(key).values(active=True, origin=origin, created_at=now,
                                                        removed_at=None, removed_by=None))
        else:
            action = "linked"
            conn.execute(link.insert().values(customer_id=customer_id, platform=platform, handle_norm=norm,
                                              origin=origin, active=True, created_at=now))
        if action != "already linked":
            _event(conn, now, actor, "link", customer_id, platform, norm, origin)
            mark_customers_dirty(conn, [customer_id])
        author_id, others = _context(conn, customer_id, platform, norm)
    return LinkChange(action=action, customer_id=customer_id, platform=platform, handle_norm=norm, origin=origin,
                      author_id=author_id, also_linked_to=others)


def unlink_handle(engine: Engine, customer_id: str, platform: str, handle: str, *, actor: str,
                  now: datetime | None = None) -> LinkChange:
    """Remove a link, keeping it for the audit trail (active=False, removed_at, removed_by)."""
    now = now or utcnow()
    link = AuthorLink.__table__
    with engine.begin() as conn:
        platform, norm, key = _link_key(conn, customer_id, platform, handle)
        row = conn.execute(select(link).where(key, link.c.active.is_(True))).first()
        if row is None:
            raise IdentityError(f"{platform} handle {norm!r} is not linked to customer {customer_id!r}; "
                                f"see `arcwatch customers show {customer_id}`")
        conn.execute(update(link).where(key).values(active=False, removed_at=now, removed_by=actor))
        _event(conn, now, actor, "unlink", customer_id, platform, norm, row.origin)
        mark_customers_dirty(conn, [customer_id])
        author_id, others = _context(conn, customer_id, platform, norm)
    return LinkChange(action="unlinked", customer_id=customer_id, platform=platform, handle_norm=norm,
                      origin=row.origin, author_id=author_id, also_linked_to=others)


def link_history(conn: Connection, customer_id: str) -> list[dict]:
    """Manual link changes of a customer, oldest first: at, actor, action, platform, handle, origin."""
    e = LinkEvent.__table__
    rows = conn.execute(select(e).where(e.c.customer_id == customer_id).order_by(e.c.at, e.c.id))
    return [{"at": r.at, "actor": r.actor, "action": r.action, "platform": r.platform, "handle": r.handle_norm,
             "origin": r.origin} for r in rows]


def resolve_subject(conn: Connection, ref: str) -> str | None:
    """The subject a user means: a roster id, 'c:ID' / 'a:ID', or 'platform:handle' (its customer if linked)."""
    c, a, link = Customer.__table__, Author.__table__, AuthorLink.__table__
    ref = ref.strip()
    if conn.execute(select(c.c.customer_id).where(c.c.customer_id == ref)).first() is not None:
        return f"c:{ref}"
    if ref.startswith("c:") and conn.execute(select(c.c.customer_id).where(c.c.customer_id == ref[2:])).first():
        return ref
    author_id = None
    if ref.startswith("a:") and ref[2:].isdigit():
        author_id = conn.execute(select(a.c.id).where(a.c.id == int(ref[2:]))).scalar()
    elif ":" in ref:
        platform, _, handle = ref.partition(":")
        try:
            platform = normalise_platform(platform)
        except IdentityError:
            return None
        author_id = conn.execute(select(a.c.id).where(a.c.platform == platform,
                                                      a.c.handle_norm == normalise_handle(handle))).scalar()
    if author_id is None:
        return None
    customer = conn.execute(select(link.c.customer_id).select_from(a.join(link, and_(
        link.c.platform == a.c.platform, link.c.handle_norm == a.c.handle_norm)))
        .where(a.c.id == author_id, link.c.active.is_(True)).order_by(link.c.id)).scalar()
    return f"c:{customer}" if customer else f"a:{author_id}"
