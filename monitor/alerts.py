"""The alert lifecycle: raise or update from rule findings, and triage (claim, note, snooze, resolve).

Lifecycle: open -> claimed -> snoozed (until a time, then back to open) -> resolved with a reason from
[alerts] resolution_reasons. Notes may be added in any state; `release` hands a claimed alert back and
`reopen` brings a resolved one back. Every change writes an AlertEvent in the same transaction.

One open alert per (subject, rule): a finding for a subject that already has an unresolved alert updates
that alert. A resolved alert is not raised again within its rule's cooldown unless the subject is
*clearly worse* than when it was resolved (see `clearly_worse`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from monitor._alertviews import (SEVERITIES, STATUSES, AlertDetail, AlertEventView, AlertView,
                                 EvidenceMention, query_detail, query_view, query_views, severity_rank)
from monitor.errors import ArcwatchError
from monitor.models import Alert, AlertEvent, utcnow
from monitor.settings import declared, parse_duration

__all__ = ["SEVERITIES", "STATUSES", "AlertView", "AlertDetail", "AlertEventView", "EvidenceMention",
           "AlertError", "AlertNotFound", "InvalidTransition", "InvalidInput", "Finding", "RaiseResult",
           "list_alerts", "get_alert", "claim", "release", "add_note", "snooze", "resolve", "reopen",
           "reopen_due_snoozes", "raise_or_update", "clearly_worse", "parse_until", "severity_rank"]

MAX_EVIDENCE = 20  # mention ids kept per alert, newest first
MAX_NOTE_CHARS = 10_000
SYSTEM_ACTOR = "arcwatch"

# "Clearly worse" thresholds, compared with the facts stored when the alert was resolved.
WORSE_LEVEL_DROP = 0.25  # level or 30-day mean fell by at least this much (scores are in [-1, 1])
WORSE_NEGATIVES_FACTOR = 2.0  # negative mentions in 30 days at least doubled ...
WORSE_NEGATIVES_MIN_GAIN = 2  # ... and grew by at least this many
WORSE_VOLUME_FACTOR = 2.0  # brand volume in 24 h at least doubled ...
WORSE_VOLUME_MIN_GAIN = 10  # ... and grew by at least this many mentions


class AlertError(ArcwatchError):
    """Base of the alert lifecycle's errors."""


class AlertNotFound(AlertError):
    """No alert has this id."""


class InvalidTransition(AlertError):
    """The action is not allowed in the alert's current state."""


class InvalidInput(AlertError):
    """A user, reason, note or time given to an action is not acceptable."""


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A rule matched a subject: what raise_or_update needs to open or update its alert."""

    rule: str
    subject: str  # "c:<customer_id>", "a:<author_id>" or "brand"
    customer_id: str | None = None
    author_id: int | None = None
    severity: str = "medium"
    cooldown_seconds: float = 7 * 86400
    notify: bool = False  # send to the notifiers when it opens
    facts: dict = field(default_factory=dict)  # the rule fields' values, JSON-ready
    mention_ids: tuple[int, ...] = ()  # evidence, most telling first (carrying the rule's cues), then newest
    arc: dict | None = None  # arc snapshot, JSON-ready
    summary: str = ""  # one line: why it fired


@dataclass(frozen=True, kw_only=True)
class RaiseResult:
    """What raise_or_update did: opened, reraised, updated, reopened, unchanged or suppressed."""

    action: str
    alert_id: int | None
    reason: str = ""


# --- reading ------------------------------------------------------------------------------------

def list_alerts(engine: Engine, *, status: str | None = None, rule: str | None = None,
                severity: str | None = None, assignee: str | None = None, customer_id: str | None = None,
                limit: int | None = None) -> list[AlertView]:
    """Alerts matching every filter; status None means every unresolved alert, "all" means all."""
    if status is not None and status != "all" and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; expected one of {', '.join(STATUSES)} or all")
    if severity is not None and severity not in SEVERITIES:
        raise InvalidInput(f"unknown severity {severity!r}; expected one of {', '.join(SEVERITIES)}")
    with engine.connect() as conn:
        return query_views(conn, status=status, rule=rule, severity=severity, assignee=assignee,
                           customer_id=customer_id, limit=limit)


def get_alert(engine: Engine, alert_id: int) -> AlertDetail:
    """An alert with its evidence mentions, arc snapshot, outcome and audit trail."""
    with engine.connect() as conn:
        detail = query_detail(conn, int(alert_id))
    if detail is None:
        raise AlertNotFound(f"no alert #{alert_id}")
    return detail


# --- triage actions -----------------------------------------------------------------------------

def _user(user: str) -> str:
    name = (user or "").strip()
    if not name or len(name) > 256:
        raise InvalidInput("a user name of 1 to 256 characters is required")
    return name


def _now(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise InvalidInput("times must be timezone-aware")
    return now.astimezone(timezone.utc)


def _event(conn: Connection, alert_id: int, at: datetime, actor: str, kind: str, detail: dict | None) -> None:
    conn.execute(insert(AlertEvent.__table__).values(alert_id=alert_id, at=at, actor=actor, kind=kind,
                                                     detail=detail or {}))


def write_lock(conn: Connection) -> None:
    """On SQLite, take the write lock now (waiting for another writer) so reads that follow are current.

    Reading first and writing later fails outright there if another writer committed in between."""
    if conn.dialect.name == "sqlite":
        a = Alert.__table__
        conn.execute(update(a).where(a.c.id == -1).values(id=a.c.id))


def _locked(conn: Connection, alert_id: int):
    a = Alert.__table__
    write_lock(conn)
    row = conn.execute(select(a).where(a.c.id == int(alert_id)).with_for_update()).first()
    if row is None:
        raise AlertNotFound(f"no alert #{alert_id}")
    return row


_VERBS = {"claimed": "claim", "released": "release", "note": "add a note to", "snoozed": "snooze",
          "resolved": "resolve", "reopened": "reopen"}


def _act(engine: Engine, alert_id: int, user: str, kind: str, allowed: Sequence[str], now: datetime | None,
         values: dict[str, Any], detail: dict[str, Any], *, human: bool = True) -> AlertView:
    """Apply one transition and its audit event atomically; refuse it from a state not in `allowed`."""
    actor, at = _user(user), _now(now)
    a = Alert.__table__
    with engine.begin() as conn:
        row = _locked(conn, alert_id)
        if row.status not in allowed:
            raise InvalidTransition(f"alert #{row.id} is {row.status}; cannot {_VERBS.get(kind, kind)} it "
                                    f"(allowed when: {', '.join(allowed)})")
        values = {**values, "updated_at": at}
        if human and row.first_action_at is None:
            values["first_action_at"] = at
        detail = {"from_status": row.status, **detail}
        if "assignee" in values and row.assignee != values["assignee"]:
            detail["previous_assignee"] = row.assignee
        # Guarding on the status read above makes a concurrent change fail loudly instead of being overwritten.
        done = conn.execute(update(a).where(a.c.id == row.id, a.c.status == row.status).values(**values))
        if done.rowcount != 1:
            raise InvalidTransition(f"alert #{row.id} changed meanwhile; reload and try again")
        _event(conn, row.id, at, actor, kind, detail)
        return query_view(conn, row.id)


def claim(engine: Engine, alert_id: int, user: str, *, now: datetime | None = None) -> AlertView:
    """Assign the alert to `user` (taking it over if someone else holds it); wakes a snoozed alert."""
    actor = _user(user)
    return _act(engine, alert_id, actor, "claimed", ("open", "claimed", "snoozed"), now,
                {"status": "claimed", "assignee": actor, "snoozed_until": None}, {})


def release(engine: Engine, alert_id: int, user: str, *, now: datetime | None = None) -> AlertView:
    """Hand a claimed alert back to the queue."""
    return _act(engine, alert_id, user, "released", ("claimed",), now, {"status": "open", "assignee": None}, {})


def add_note(engine: Engine, alert_id: int, user: str, text: str, *, now: datetime | None = None) -> AlertView:
    """Add a note to the audit trail; allowed in every state."""
    body = (text or "").strip()
    if not body:
        raise InvalidInput("a note needs some text")
    if len(body) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a note may have at most {MAX_NOTE_CHARS:,} characters")
    return _act(engine, alert_id, user, "note", STATUSES, now, {}, {"text": body})


def snooze(engine: Engine, alert_id: int, user: str, until: datetime, *,
           now: datetime | None = None) -> AlertView:
    """Hide the alert until `until`; reopen_due_snoozes brings it back to open then."""
    at = _now(now)
    if not isinstance(until, datetime) or until.tzinfo is None:
        raise InvalidInput("snooze needs a timezone-aware time")
    until = until.astimezone(timezone.utc)
    if until <= at:
        raise InvalidInput(f"snooze time {until.isoformat()} is not in the future")
    return _act(engine, alert_id, user, "snoozed", ("open", "claimed", "snoozed"), at,
                {"status": "snoozed", "snoozed_until": until}, {"until": until.isoformat()})


def resolve(engine: Engine, alert_id: int, user: str, reason: str, *, reasons: Sequence[str] | None = None,
            note: str | None = None, now: datetime | None = None) -> AlertView:
    """Close the alert with a reason from `reasons` (default: the [alerts] resolution_reasons default)."""
    allowed = list(reasons) if reasons is not None else list(declared("alerts", "resolution_reasons").default)
    chosen = (reason or "").strip()
    if chosen not in allowed:
        raise InvalidInput(f"unknown resolution reason {reason!r}; expected one of: {', '.join(allowed)}")
    at = _now(now)
    detail = {"reason": chosen, **({"note": note.strip()} if note and note.strip() else {})}
    return _act(engine, alert_id, user, "resolved", ("open", "claimed", "snoozed"), at,
                {"status": "resolved", "resolution": chosen, "resolved_at": at, "snoozed_until": None,
                 "outcome": None}, detail)


def reopen(engine: Engine, alert_id: int, user: str, *, now: datetime | None = None) -> AlertView:
    """Bring a resolved or snoozed alert back to open."""
    return _act(engine, alert_id, user, "reopened", ("resolved", "snoozed"), now,
                {"status": "open", "resolution": None, "resolved_at": None, "snoozed_until": None,
                 "outcome": None}, {"reason": "by hand"})


def reopen_due_snoozes(engine: Engine, now: datetime | None = None) -> list[int]:
    """Reopen every snoozed alert whose time has come; return their ids."""
    at = _now(now)
    a = Alert.__table__
    reopened: list[int] = []
    with engine.begin() as conn:
        write_lock(conn)
        due = conn.execute(select(a.c.id, a.c.snoozed_until).where(a.c.status == "snoozed",
                                                                  a.c.snoozed_until <= at)
                           .order_by(a.c.id).with_for_update()).all()
        for alert_id, until in due:
            done = conn.execute(update(a).where(a.c.id == alert_id, a.c.status == "snoozed")
                                .values(status="open", snoozed_until=None, updated_at=at))
            if done.rowcount == 1:
                _event(conn, alert_id, at, SYSTEM_ACTOR, "reopened",
                       {"reason": "snooze ended", "snoozed_until": until.isoformat()})
                reopened.append(alert_id)
    return reopened


_ISO_HINT = "an ISO time such as 2025-03-01T09:00:00+00:00 or a duration such as 2d, 6h or 1w"


def parse_until(text: str, now: datetime | None = None) -> datetime:
    """A snooze time from an ISO 8601 datetime (UTC if no offset) or a duration from now ('2d', '6h')."""
    value = (text or "").strip()
    at = _now(now)
    if re.fullmatch(r"\d+(?:\.\d+)?\s*[smhdw]", value):
        return at + timedelta(seconds=parse_duration(value))
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"cannot read {text!r} as a time: expected {_ISO_HINT}") from None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


# --- raising from rule findings -----------------------------------------------------------------

def _num(facts: dict | None, key: str) -> float | None:
    value = (facts or {}).get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def clearly_worse(before: dict | None, after: dict | None) -> str | None:
    """Why the subject is clearly worse than `before` (facts at resolution), or None.

    Clearly worse means any of: the arc's level or 30-day mean fell by >= 0.25; the negative mentions
    in 30 days at least doubled and grew by >= 2; the brand's 24 h volume at least doubled and grew by >= 10.
    """
    for key in ("level", "mean_30d"):
        old, new = _num(before, key), _num(after, key)
        if old is not None and new is not None and old - new >= WORSE_LEVEL_DROP - 1e-9:
            return f"{key} fell from {old:.2f} to {new:.2f}"
    for key, factor, gain in (("negative_30d", WORSE_NEGATIVES_FACTOR, WORSE_NEGATIVES_MIN_GAIN),
                              ("volume_24h", WORSE_VOLUME_FACTOR, WORSE_VOLUME_MIN_GAIN)):
        old, new = _num(before, key), _num(after, key)
        if old is not None and new is not None and new >= factor * old and new - old >= gain:
            return f"{key} grew from {old:g} to {new:g}"
    return None


def _open(conn: Connection, f: Finding, at: datetime, detail: dict) -> int:
    a = Alert.__table__
    evidence = {"summary": f.summary, "facts": f.facts, "mention_ids": list(f.mention_ids[:MAX_EVIDENCE])}
    alert_id = conn.execute(insert(a).values(
        rule=f.rule, subject=f.subject, customer_id=f.customer_id, author_id=f.author_id, severity=f.severity,
        status="open", created_at=at, updated_at=at, evidence=evidence, arc_snapshot=f.arc)
        .returning(a.c.id)).scalar_one()
    _event(conn, alert_id, at, SYSTEM_ACTOR, "opened", {"summary": f.summary, "severity": f.severity, **detail})
    if f.notify:
        # Queued in the same transaction as the alert, so a crash can neither lose nor invent a notification.
        _event(conn, alert_id, at, SYSTEM_ACTOR, "notify_queued", {"severity": f.severity})
    return alert_id


def _update(conn: Connection, row, f: Finding, at: datetime) -> RaiseResult:
    a = Alert.__table__
    old = row.evidence or {}
    old_ids = [int(i) for i in old.get("mention_ids") or []]
    new_ids = [i for i in f.mention_ids if i not in old_ids]
    worse = clearly_worse(old.get("facts"), f.facts)
    if not new_ids and not worse:
        return RaiseResult(action="unchanged", alert_id=row.id)
    evidence = {"summary": f.summary, "facts": f.facts, "mention_ids": (new_ids + old_ids)[:MAX_EVIDENCE]}
    values: dict[str, Any] = {"evidence": evidence, "arc_snapshot": f.arc, "updated_at": at}
    if severity_rank(f.severity) > severity_rank(row.severity):
        values["severity"] = f.severity
    detail = {"new_mention_ids": new_ids, "summary": f.summary, **({"worse": worse} if worse else {})}
    action = "updated"
    if row.status == "snoozed" and worse:
        values.update(status="open", snoozed_until=None)
        action = "reopened"
    conn.execute(update(a).where(a.c.id == row.id).values(**values))
    _event(conn, row.id, at, SYSTEM_ACTOR, "updated", detail)
    if action == "reopened":
        _event(conn, row.id, at, SYSTEM_ACTOR, "reopened", {"reason": "clearly worse while snoozed: " + worse})
    return RaiseResult(action=action, alert_id=row.id, reason=worse or "new evidence")


def raise_or_update(conn: Connection, finding: Finding, *, now: datetime | None = None) -> RaiseResult:
    """Open an alert for the finding, update the subject's unresolved one, or suppress it in cooldown."""
    if finding.severity not in SEVERITIES:
        raise InvalidInput(f"rule {finding.rule}: unknown severity {finding.severity!r}")
    at = _now(now)
    a = Alert.__table__
    latest = conn.execute(select(a).where(a.c.subject == finding.subject, a.c.rule == finding.rule)
                          .order_by(a.c.id.desc()).limit(1).with_for_update()).first()
    if latest is not None and latest.status != "resolved":
        return _update(conn, latest, finding, at)
    if latest is not None and latest.resolved_at is not None:
        if at - latest.resolved_at < timedelta(seconds=finding.cooldown_seconds):
            worse = clearly_worse((latest.evidence or {}).get("facts"), finding.facts)
            if not worse:
                return RaiseResult(action="suppressed", alert_id=latest.id, reason="in cooldown")
            alert_id = _open(conn, finding, at, {"reraised_after": latest.id, "worse": worse})
            return RaiseResult(action="reraised", alert_id=alert_id, reason=worse)
    return RaiseResult(action="opened", alert_id=_open(conn, finding, at, {}))
