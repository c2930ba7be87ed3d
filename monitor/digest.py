"""Exactly-once delivery of digests (and mailed reports) per (kind, day, recipient), through DigestSend.

For each recipient: commit a `pending` row (attempts + 1), send over SMTP, then commit `sent`. A row already
`sent` is skipped unless forced. A run that finds a `pending` row left by a killed run sends again.

The crash window: if the process dies after the SMTP server accepted the message but before `sent` is
committed (milliseconds), the rerun sends a second copy. We prefer that to silently losing a digest,
because dying *before* the server accepted (the whole SMTP exchange, seconds) is far likelier. The copy
carries the same deterministic Message-ID, `<arcwatch.KIND.DAY.HASH@domain>`, so it is identifiable
and many clients (Gmail among them) collapse it. A forced resend gets a new Message-ID on purpose.

Two runs for the same day (the scheduler and a manual `arcwatch digest`) are serialised by a lease in
KeyValue; a lease whose holder died on this host, or which expired, is taken over.
"""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.mailer import send_message
from monitor.models import DigestSend, KeyValue, utcnow

log = logging.getLogger(__name__)
D, KV = DigestSend.__table__, KeyValue.__table__


@dataclass(frozen=True, kw_only=True)
class SendResult:
    """What happened for one recipient: sent, skipped (already sent) or failed."""

    recipient: str
    status: str
    message_id: str | None = None
    error: str | None = None
    attempts: int = 0


class Busy(TransientError):
    """Another run holds the lease for this kind and day."""


def check_address(address: str) -> str:
    """The address if it is a plain mailbox (user@host, no display name or line breaks), else TerminalError."""
    name, addr = parseaddr(address)
    if not addr or addr != address.strip() or "@" not in addr or any(c in addr for c in "\r\n,;<> \t"):
        raise TerminalError(f"not an email address: {address!r}")
    return addr


def message_id(kind: str, day: date, recipient: str, sender: str, forced: int = 0) -> str:
    """The deterministic Message-ID of one (kind, day, recipient); a forced resend gets a suffix."""
    digest = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:16]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "arcwatch.localhost"
    suffix = f".f{forced}" if forced else ""
    return f"<arcwatch.{kind}.{day.isoformat()}.{digest}{suffix}@{domain}>"


def _insert(conn, table):
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def _claim(engine: Engine, kind: str, day: date, recipient: str, force: bool) -> tuple[int, int, bool] | None:
    """Mark the send pending; return (row id, attempts, forced) or None if it was already sent."""
    with engine.begin() as conn:
        conn.execute(_insert(conn, D).on_conflict_do_nothing(),
                     {"kind": kind, "day": day, "recipient": recipient, "status": "pending", "attempts": 0})
        query = select(D).where(D.c.kind == kind, D.c.day == day, D.c.recipient == recipient)
        row = conn.execute(query.with_for_update() if conn.dialect.name == "postgresql" else query).one()
        if row.status == "sent" and not force:
            return None
        forced = row.status == "sent"
        conn.execute(update(D).where(D.c.id == row.id)
                     .values(status="pending", attempts=row.attempts + 1, error=None))
        return row.id, row.attempts + 1, forced


def _finish(engine: Engine, row_id: int, *, status: str, message_id: str | None, error: str | None) -> None:
    values = {"status": status, "error": error}
    if status == "sent":
        values.update(message_id=message_id, sent_at=utcnow())
    with engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == row_id).values(**values))


def deliver(engine: Engine, config, *, kind: str, day: date, recipients: list[str],
            build: Callable[[str, str], EmailMessage], force: bool = False,
            after_send: Callable[[SendResult], None] | None = None) -> list[SendResult]:
    """Send build(recipient, message_id) to each recipient at most once per (kind, day), recording each."""
    recipients = list(dict.fromkeys(check_address(r) for r in recipients))
    results: list[SendResult] = []
    with _Lease(engine, f"send-lease:{kind}:{day.isoformat()}", _lease_seconds(config)) as lease:
        for recipient in recipients:
            lease.renew()
            claim = _claim(engine, kind, day, recipient, force)
            if claim is None:
                results.append(SendResult(recipient=recipient, status="skipped"))
                log.info("%s for %s already sent to %s; skipping (use --force to resend)", kind, day, recipient)
                continue
            row_id, attempts, forced = claim
            mid = message_id(kind, day, recipient, config.smtp.sender, attempts if forced else 0)
            try:
                send_message(config, build(recipient, mid))
            except ArcwatchError as exc:
                _finish(engine, row_id, status="failed", message_id=None, error=str(exc)[:2000])
                results.append(SendResult(recipient=recipient, status="failed", error=str(exc), attempts=attempts))
                log.error("%s for %s to %s failed: %s", kind, day, recipient, exc)
                continue
            _finish(engine, row_id, status="sent", message_id=mid, error=None)
            results.append(SendResult(recipient=recipient, status="sent", message_id=mid, attempts=attempts))
            if after_send:
                after_send(results[-1])
    return results


def _lease_seconds(config) -> float:
    s = config.smtp
    per_try = s.timeout_seconds * 4  # connect, EHLO/TLS/login, DATA, QUIT each may take a timeout
    return per_try * (s.retries + 1) + s.backoff_seconds * (2 ** (s.retries + 1)) + 60


def ledger(engine: Engine, *, kind: str | None = None, day: date | None = None) -> list[dict]:
    """The recorded sends, newest day first."""
    query = select(D).order_by(D.c.day.desc(), D.c.kind, D.c.recipient)
    if kind:
        query = query.where(D.c.kind == kind)
    if day:
        query = query.where(D.c.day == day)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


class _Lease:
    """A named lease in KeyValue: one holder at a time; taken over when expired or its process died."""

    def __init__(self, engine: Engine, key: str, seconds: float):
        self.engine, self.key, self.seconds = engine, key, seconds
        self.owner = uuid.uuid4().hex

    def _value(self) -> dict:
        return {"owner": self.owner, "pid": os.getpid(), "host": socket.gethostname(),
                "expires": (utcnow() + timedelta(seconds=self.seconds)).isoformat()}

    def __enter__(self) -> "_Lease":
        with self.engine.begin() as conn:
            row = conn.execute(select(KV.c.value).where(KV.c.key == self.key)).first()
            if row is not None:
                held = row.value if isinstance(row.value, dict) else {}
                if not _stale(held):
                    raise Busy(f"another run (pid {held.get('pid')} on {held.get('host')}) is sending "
                               f"{self.key.split(':', 1)[1]}; try again later")
                conn.execute(delete(KV).where(KV.c.key == self.key,
                                              KV.c.value["owner"].as_string() == str(held.get("owner"))))
            got = conn.execute(_insert(conn, KV).on_conflict_do_nothing().returning(KV.c.key),
                               {"key": self.key, "value": self._value()}).first()
        if got is None:
            raise Busy(f"another run took the lease {self.key} first; try again later")
        return self

    def renew(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(KV).where(KV.c.key == self.key, KV.c.value["owner"].as_string() == self.owner)
                         .values(value=self._value()))

    def __exit__(self, *exc) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(KV).where(KV.c.key == self.key, KV.c.value["owner"].as_string() == self.owner))


def _stale(held: dict) -> bool:
    try:
        if datetime.fromisoformat(held["expires"]) < utcnow():
            return True
    except (KeyError, TypeError, ValueError):
        return True
    if held.get("host") == socket.gethostname() and isinstance(held.get("pid"), int):
        try:
            os.kill(held["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False
