"""Notifications of newly opened alerts: a Slack-compatible incoming webhook and/or email.

The rule evaluation queues a notification as an AlertEvent ("notify_queued") in the same transaction that
opens the alert, so a crash cannot lose one. Delivery runs after that commit, in a background thread with
a total time budget, so it never blocks evaluation. Each channel's success is recorded as a "notified"
event; Alert.notified_at is set once every channel has succeeded (or given up). A failed channel is
retried with backoff within the budget and again on later evaluations (exponential, up to MAX_FAILURES).

Delivery is at least once: a crash in the instant between the receiver accepting a message and the
"notified" event committing sends that one message again. Emails carry a fixed Message-ID per alert, so
mail clients fold such a repeat into one; webhook posts carry the alert id.
"""
from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import httpx
from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from monitor import mailer
from monitor._alertviews import query_view
from monitor.errors import TerminalError, TransientError
from monitor.models import Alert, AlertEvent, KeyValue, utcnow
from monitor.retry import Retrier
from monitor.settings import Config, secret_from_env

log = logging.getLogger(__name__)
MAX_FAILURES = 6  # failed attempts (over all runs) after which a channel gives up
MAX_AGE = timedelta(days=2)  # queued notifications older than this are dropped, not sent late in a flood
RETRY_BASE = timedelta(minutes=1)  # wait after the n-th failed run: RETRY_BASE * 2**(n-1)
LEASE_KEY = "notify.lease"


@dataclass
class DeliveryRun:
    """What one delivery pass did."""

    sent: list[tuple[int, str]] = field(default_factory=list)  # (alert id, channel)
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (alert id, channel, error)
    abandoned: list[tuple[int, str]] = field(default_factory=list)
    skipped: str = ""  # why nothing was attempted, if so


def channels(config: Config) -> list[str]:
    """The configured channels: 'webhook' when its env var holds a URL, 'email' when email_to is set."""
    out = []
    if config.notify.webhook_url_env and secret_from_env(config.notify.webhook_url_env):
        out.append("webhook")
    if config.notify.email_to:
        out.append("email")
    return out


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _one_line(text: str | None, limit: int = 200) -> str:
    return _CONTROL.sub(" ", text or "").strip()[:limit]


def _slack_escape(text: str) -> str:
    # Slack reads <...> as links and mentions (<!channel>); user text must not be able to ping anyone.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _who(view) -> str:
    name = view.customer_name or (f"customer {view.customer_id}" if view.customer_id else "")
    handle = f"@{view.author}" + (f" on {view.platform}" if view.platform else "") if view.author else ""
    return " / ".join(p for p in (name, handle) if p) or view.subject


def _link(config: Config, alert_id: int) -> str:
    return f"{config.web.base_url.rstrip('/')}/alerts/{alert_id}"


def send_webhook(url: str, view, config: Config, *, timeout: float) -> None:
    """POST one alert to a Slack-compatible incoming webhook; TransientError/TerminalError on failure."""
    text = (f"*Arcwatch alert #{view.id}* ({view.severity}) {_slack_escape(view.rule)}: "
            f"{_slack_escape(_one_line(_who(view)))}\n{_slack_escape(_one_line(view.summary, 500))}\n"
            f"<{_link(config, view.id)}|Open in Arcwatch>")
    payload = {"text": text, "arcwatch": {"alert_id": view.id, "rule": view.rule, "severity": view.severity}}
    try:
        response = httpx.post(url, json=payload, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TransientError(f"webhook: {type(exc).__name__}") from None  # never echo the URL: it is a secret
    if response.status_code == 429 or response.status_code >= 500:
        after = response.headers.get("Retry-After")
        raise TransientError(f"webhook answered {response.status_code}",
                             retry_after=float(after) if after and after.isdigit() else None)
    if response.status_code >= 300:
        raise TerminalError(f"webhook answered {response.status_code}: {_one_line(response.text, 120)}")


def send_email(view, config: Config) -> None:
    """Email one alert to [notify] email_to through monitor.mailer."""
    subject = f"[Arcwatch] {view.severity}: {view.rule}: {_one_line(_who(view), 120)}"
    domain = config.smtp.sender.rsplit("@", 1)[-1].strip(" >") or "arcwatch.localhost"
    message = mailer.new_message(config.smtp.sender, list(config.notify.email_to), subject,
                                 message_id=f"<arcwatch-alert-{view.id}@{domain}>")
    message.set_content(f"Alert #{view.id} ({view.severity}) from rule {view.rule}\n"
                        f"Who: {_one_line(_who(view), 300)}\nWhy: {_one_line(view.summary, 1000)}\n\n"
                        f"Open it: {_link(config, view.id)}\n")
    mailer.send_message(config, message, retries=0)


def _pending(conn, now: datetime) -> list[tuple[int, datetime]]:
    a, e = Alert.__table__, AlertEvent.__table__
    queued = exists().where(and_(e.c.alert_id == a.c.id, e.c.kind == "notify_queued"))
    return conn.execute(select(a.c.id, a.c.created_at).where(a.c.notified_at.is_(None), queued)
                        .order_by(a.c.id)).all()


def _history(conn, alert_id: int) -> dict[str, list]:
    """Per channel: its notified / notify_failed / notify_abandoned events, oldest first."""
    e = AlertEvent.__table__
    out: dict[str, list] = {}
    for row in conn.execute(select(e.c.kind, e.c.at, e.c.detail).where(
            e.c.alert_id == alert_id, e.c.kind.in_(("notified", "notify_failed", "notify_abandoned")))
            .order_by(e.c.id)):
        out.setdefault((row.detail or {}).get("channel", ""), []).append(row)
    return out


def _due(events: list, now: datetime) -> str:
    """'done', 'wait', 'give up' or 'send' for one channel, from its history."""
    if any(ev.kind in ("notified", "notify_abandoned") for ev in events):
        return "done"
    failures = [ev for ev in events if ev.kind == "notify_failed"]
    if any((ev.detail or {}).get("terminal") for ev in failures) or len(failures) >= MAX_FAILURES:
        return "give up"
    if failures and now < failures[-1].at + RETRY_BASE * 2 ** (len(failures) - 1):
        return "wait"
    return "send"


def _record(engine: Engine, alert_id: int, kind: str, detail: dict, wanted: list[str]) -> None:
    a, e = Alert.__table__, AlertEvent.__table__
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(e.insert().values(alert_id=alert_id, at=now, actor="arcwatch", kind=kind, detail=detail))
        history = _history(conn, alert_id)
        for channel in wanted:
            if _due(history.get(channel, []), now) == "give up":  # refused for good, or too many failures
                conn.execute(e.insert().values(alert_id=alert_id, at=now, actor="arcwatch", kind="notify_abandoned",
                                               detail={"channel": channel}))
                history.setdefault(channel, []).append(SimpleNamespace(kind="notify_abandoned"))
        if all(_due(history.get(ch, []), now) == "done" for ch in wanted):
            conn.execute(update(a).where(a.c.id == alert_id, a.c.notified_at.is_(None)).values(notified_at=now))


def _lease(engine: Engine, owner: str, seconds: float) -> bool:
    """Take the single delivery lease (so two processes never send the same alert at once)."""
    kv = KeyValue.__table__
    now = utcnow()
    insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert(kv)
    try:
        with engine.begin() as conn:
            conn.execute(insert.values(key=LEASE_KEY, value={}).on_conflict_do_nothing(index_elements=["key"]))
            held = conn.execute(select(kv.c.value).where(kv.c.key == LEASE_KEY).with_for_update()).scalar() or {}
            if held.get("owner") and held.get("owner") != owner and \
                    datetime.fromisoformat(held["until"]) > now:
                return False
            until = now + timedelta(seconds=seconds)
            conn.execute(update(kv).where(kv.c.key == LEASE_KEY).values(value={"owner": owner,
                                                                              "until": until.isoformat()}))
        return True
    except OperationalError:  # SQLite: another process is writing the lease right now
        return False


def _release(engine: Engine, owner: str) -> None:
    kv = KeyValue.__table__
    with engine.begin() as conn:
        held = conn.execute(select(kv.c.value).where(kv.c.key == LEASE_KEY)).scalar() or {}
        if held.get("owner") == owner:
            conn.execute(update(kv).where(kv.c.key == LEASE_KEY).values(value={}))


def _send(channel: str, view, config: Config, timeout: float) -> None:
    if channel == "webhook":
        send_webhook(secret_from_env(config.notify.webhook_url_env) or "", view, config, timeout=timeout)
    else:
        send_email(view, config)


def _deliver_one(engine, config, alert_id, wanted, retrier, deadline, run) -> None:
    now = utcnow()
    with engine.connect() as conn:
        history, view = _history(conn, alert_id), query_view(conn, alert_id)
    for channel in wanted:
        state = _due(history.get(channel, []), now)
        if state == "give up":
            _record(engine, alert_id, "notify_abandoned", {"channel": channel}, wanted)
            run.abandoned.append((alert_id, channel))
        if state != "send" or time.monotonic() >= deadline:
            continue
        timeout = max(1.0, min(10.0, deadline - time.monotonic()))
        try:
            retrier(lambda: _send(channel, view, config, timeout), f"alert #{alert_id} via {channel}")
        except (TransientError, TerminalError) as exc:
            terminal = isinstance(exc, TerminalError)
            _record(engine, alert_id, "notify_failed", {"channel": channel, "error": str(exc)[:300],
                                                        "terminal": terminal}, wanted)
            run.failed.append((alert_id, channel, str(exc)))
            continue
        _record(engine, alert_id, "notified", {"channel": channel}, wanted)
        run.sent.append((alert_id, channel))


def deliver_pending(engine: Engine, config: Config, *, budget_seconds: float | None = None,
                    sleep=None) -> DeliveryRun:
    """Send every queued notification, within a total time budget; what is left waits for the next run."""
    run = DeliveryRun()
    wanted = channels(config)
    if not wanted:
        run.skipped = "no notifier configured ([notify] webhook_url_env / email_to)"
        return run
    budget = float(config.notify.budget_seconds if budget_seconds is None else budget_seconds)
    owner = uuid.uuid4().hex
    if not _lease(engine, owner, budget + 60):
        run.skipped = "another process is delivering"
        return run
    try:
        deadline = time.monotonic() + budget
        retrier = Retrier(max_retries=2, backoff=0.5, max_delay=5, label="notify", deadline=deadline, sleep=sleep)
        now = utcnow()
        with engine.connect() as conn:
            pending = _pending(conn, now)
        for alert_id, created_at in pending:
            if now - created_at > MAX_AGE:
                for channel in wanted:
                    _record(engine, alert_id, "notify_abandoned", {"channel": channel, "reason": "too old"}, wanted)
                continue
            if time.monotonic() >= deadline:
                break
            _deliver_one(engine, config, alert_id, wanted, retrier, deadline, run)
    finally:
        _release(engine, owner)
    for alert_id, channel, error in run.failed:
        log.warning("notification of alert #%s via %s failed: %s", alert_id, channel, error)
    return run


def deliver_in_background(engine: Engine, config: Config) -> threading.Thread:
    """Start deliver_pending in a (non-daemon) thread and return it; evaluation does not wait for it."""
    def work() -> None:
        try:
            deliver_pending(engine, config)
        except Exception:  # a notifier must never take the process down
            log.exception("notification delivery failed")

    thread = threading.Thread(target=work, name="arcwatch-notify")
    thread.start()
    return thread
