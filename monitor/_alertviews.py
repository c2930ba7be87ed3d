"""Read-only views of alerts (frozen dataclasses) and the queries that build them."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.engine import Connection

from monitor.models import Alert, AlertEvent, Author, Customer, Mention

SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "claimed", "snoozed", "resolved")


def severity_rank(severity: str | None) -> int:
    """Position of a severity in SEVERITIES; unknown ones rank lowest."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@dataclass(frozen=True, kw_only=True)
class AlertView:
    """One alert as the queue shows it."""

    id: int
    rule: str
    subject: str
    customer_id: str | None
    customer_name: str | None
    author_id: int | None
    author: str | None  # the handle, e.g. "jane_doe"
    platform: str | None  # the handle's platform
    severity: str
    status: str
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    first_action_at: datetime | None
    snoozed_until: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    notified_at: datetime | None
    summary: str  # one line: why the rule fired

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-ready values (datetimes as ISO 8601)."""
        return {k: _iso(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, kw_only=True)
class AlertEventView:
    """One entry of an alert's audit trail."""

    id: int
    alert_id: int
    at: datetime
    actor: str
    kind: str  # opened, updated, claimed, released, note, snoozed, reopened, resolved, outcome, notify_*
    detail: dict

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {k: _iso(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, kw_only=True)
class EvidenceMention:
    """A mention that made the rule fire; text is user-written and must be escaped when shown."""

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

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {k: _iso(v) for k, v in asdict(self).items()}


@dataclass(frozen=True, kw_only=True)
class AlertDetail:
    """An alert with its evidence, arc snapshot, outcome and audit trail."""

    alert: AlertView
    facts: dict  # the rule's fields and their values when it fired (or last updated)
    mentions: tuple[EvidenceMention, ...]
    arc: dict | None  # the subject's arc when the alert fired or last updated
    outcome: dict | None
    events: tuple[AlertEventView, ...]

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {"alert": self.alert.as_json(), "facts": self.facts, "arc": self.arc, "outcome": self.outcome,
                "mentions": [m.as_json() for m in self.mentions], "events": [e.as_json() for e in self.events]}


def _view_query():
    a, au, c = Alert.__table__, Author.__table__, Customer.__table__
    return (select(a, au.c.handle.label("author_handle"), au.c.platform.label("author_platform"),
                   c.c.name.label("customer_name"))
            .select_from(a.outerjoin(au, au.c.id == a.c.author_id).outerjoin(c, c.c.customer_id == a.c.customer_id)))


def view_of(row) -> AlertView:
    """An AlertView from a row of _view_query()."""
    evidence = row.evidence or {}
    return AlertView(
        id=row.id, rule=row.rule, subject=row.subject, customer_id=row.customer_id,
        customer_name=row.customer_name, author_id=row.author_id, author=row.author_handle,
        platform=row.author_platform, severity=row.severity, status=row.status, assignee=row.assignee,
        created_at=row.created_at, updated_at=row.updated_at, first_action_at=row.first_action_at,
        snoozed_until=row.snoozed_until, resolved_at=row.resolved_at, resolution=row.resolution,
        notified_at=row.notified_at, summary=str(evidence.get("summary", "")))


def query_views(conn: Connection, *, status: str | None, rule: str | None, severity: str | None,
                assignee: str | None, customer_id: str | None, limit: int | None) -> list[AlertView]:
    """The alerts matching every given filter, most severe first, then newest."""
    a = Alert.__table__
    query = _view_query()
    if status is None:
        query = query.where(a.c.status != "resolved")
    elif status != "all":
        query = query.where(a.c.status == status)
    for column, value in ((a.c.rule, rule), (a.c.severity, severity), (a.c.assignee, assignee),
                          (a.c.customer_id, customer_id)):
        if value is not None:
            query = query.where(column == value)
    rank = case({s: i for i, s in enumerate(SEVERITIES)}, value=a.c.severity, else_=-1)
    query = query.order_by(rank.desc(), a.c.created_at.desc(), a.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [view_of(r) for r in conn.execute(query)]


def query_view(conn: Connection, alert_id: int) -> AlertView | None:
    """One alert's view, or None."""
    row = conn.execute(_view_query().where(Alert.__table__.c.id == alert_id)).first()
    return view_of(row) if row else None


def query_events(conn: Connection, alert_id: int) -> tuple[AlertEventView, ...]:
    """An alert's audit trail, oldest first."""
    e = AlertEvent.__table__
    rows = conn.execute(select(e).where(e.c.alert_id == alert_id).order_by(e.c.id))
    return tuple(AlertEventView(id=r.id, alert_id=r.alert_id, at=r.at, actor=r.actor, kind=r.kind,
                                detail=r.detail or {}) for r in rows)


def query_evidence(conn: Connection, mention_ids: list[int]) -> tuple[EvidenceMention, ...]:
    """The evidence mentions in the stored order: those carrying the rule's cues first, then newest first."""
    if not mention_ids:
        return ()
    ids = [int(i) for i in mention_ids]
    m, au = Mention.__table__, Author.__table__
    rows = conn.execute(select(m, au.c.handle).select_from(m.join(au, au.c.id == m.c.author_id))
                        .where(m.c.id.in_(ids)))
    found = {r.id: EvidenceMention(id=r.id, platform=r.platform, author=r.handle, author_id=r.author_id,
                                   created_at=r.created_at, url=r.url, title=r.title, text=r.text,
                                   score=r.score, label=r.label, cues=tuple(r.cues or ()))
             for r in rows}
    return tuple(found[i] for i in ids if i in found)


def query_detail(conn: Connection, alert_id: int) -> AlertDetail | None:
    """An alert's full detail, or None."""
    view = query_view(conn, alert_id)
    if view is None:
        return None
    row = conn.execute(select(Alert.__table__.c.evidence, Alert.__table__.c.arc_snapshot,
                              Alert.__table__.c.outcome).where(Alert.__table__.c.id == alert_id)).one()
    evidence = row.evidence or {}
    return AlertDetail(alert=view, facts=dict(evidence.get("facts") or {}),
                       mentions=query_evidence(conn, list(evidence.get("mention_ids") or [])),
                       arc=row.arc_snapshot, outcome=row.outcome, events=query_events(conn, alert_id))
