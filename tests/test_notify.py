"""Alert notifications against a real local HTTP receiver and a real local SMTP server (aiosmtpd)."""
from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from monitor import alerts, notify, pipeline
from monitor.models import utcnow
from monitor.settings import load_config
from tests.alertdata import add_author, add_mention, frustrated_customer
from tests.smtpd import free_port, smtp_server  # noqa: F401  (fixture)

HOOK_ENV = "ARCWATCH_TEST_WEBHOOK"


class Receiver:
    """A Slack-compatible incoming webhook on 127.0.0.1 that records posts and can fail or hang on demand."""

    def __init__(self):
        self.posts: list[dict] = []
        self.statuses: list[int] = []  # answers for the next requests, before answering 200
        self.gate = threading.Event()
        self.gate.set()
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.set()
                receiver.gate.wait(30)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if status == 200:
                    receiver.posts.append(json.loads(body))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"no")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch):
    with Receiver() as r:
        monkeypatch.setenv(HOOK_ENV, r.url)
        yield r


def _config(smtp=None, **notify_settings):
    data = {"notify": {"webhook_url_env": HOOK_ENV, **notify_settings}, "web": {"base_url": "https://aw.example"}}
    if smtp is not None:
        data.update(smtp.config_data())
    return load_config(data=data)


def _frustrated(engine, name="Customer C1") -> None:
    with engine.begin() as conn:
        frustrated_customer(conn, "C1", now=utcnow(), name=name)


def test_webhook_gets_each_new_alert_once(engine, receiver):
    _frustrated(engine)
    config = _config()
    run = pipeline.run_rules(engine, config, utcnow(), wait=True)
    assert run.actions == {"opened": 1}
    [post] = receiver.posts
    [view] = alerts.list_alerts(engine)
    assert post["arcwatch"] == {"alert_id": view.id, "rule": "frustrated-long-time-customer", "severity": "high"}
    assert f"<https://aw.example/alerts/{view.id}|Open in Arcwatch>" in post["text"]
    detail = alerts.get_alert(engine, view.id)
    assert detail.alert.notified_at is not None
    assert [e.detail.get("channel") for e in detail.events if e.kind == "notified"] == ["webhook"]
    again = notify.deliver_pending(engine, config)
    assert again.sent == [] and len(receiver.posts) == 1


def test_transient_failure_is_retried_with_backoff(engine, receiver):
    _frustrated(engine)
    receiver.statuses = [503]
    pipeline.run_rules(engine, _config(), utcnow(), wait=True)
    assert len(receiver.posts) == 1
    [view] = alerts.list_alerts(engine)
    assert [e.kind for e in alerts.get_alert(engine, view.id).events].count("notified") == 1


def test_unreachable_webhook_keeps_the_notification_for_later(engine, monkeypatch, caplog):
    monkeypatch.setenv(HOOK_ENV, f"http://127.0.0.1:{free_port()}/hook/secret-token")
    _frustrated(engine)
    config = _config(budget_seconds=3.0)
    with caplog.at_level(logging.DEBUG):
        run = pipeline.run_rules(engine, config, utcnow(), wait=True)
    [view] = alerts.list_alerts(engine)
    detail = alerts.get_alert(engine, view.id)
    failed = [e for e in detail.events if e.kind == "notify_failed"]
    assert len(failed) == 1 and failed[0].detail["terminal"] is False and detail.alert.notified_at is None
    assert "secret-token" not in caplog.text and "secret-token" not in json.dumps(failed[0].detail)
    # Too soon for the next attempt: backoff between runs.
    assert notify.deliver_pending(engine, config).sent == []
    monkeypatch.setattr(notify, "RETRY_BASE", timedelta(0))
    with Receiver() as later:
        monkeypatch.setenv(HOOK_ENV, later.url)
        assert notify.deliver_pending(engine, config).sent == [(view.id, "webhook")]
        assert len(later.posts) == 1
    assert alerts.get_alert(engine, view.id).alert.notified_at is not None
    assert run.delivery is not None


def test_refused_webhook_gives_up(engine, receiver):
    _frustrated(engine)
    receiver.statuses = [404]  # a second attempt would get 200 and post
    config = _config()
    pipeline.run_rules(engine, config, utcnow(), wait=True)
    notify.deliver_pending(engine, config)
    [view] = alerts.list_alerts(engine)
    detail = alerts.get_alert(engine, view.id)
    assert [e.kind for e in detail.events][-2:] == ["notify_failed", "notify_abandoned"]
    assert detail.alert.notified_at is not None and receiver.posts == []


def test_email_through_the_mailer(engine, smtp_server):
    _frustrated(engine, name="Jane\r\nBcc: victim@example.com")
    config = load_config(data={"notify": {"email_to": ["cm@example.com"]}, **smtp_server.config_data()})
    pipeline.run_rules(engine, config, utcnow(), wait=True)
    [msg] = smtp_server.to("cm@example.com")
    [view] = alerts.list_alerts(engine)
    assert msg["Subject"].startswith("[Arcwatch] high: frustrated-long-time-customer: Jane Bcc:")
    assert msg["Bcc"] is None  # the name's line break could not inject a header
    assert msg["Message-ID"].startswith(f"<arcwatch-alert-{view.id}@")
    assert f"/alerts/{view.id}" in msg.get_content()
    notify.deliver_pending(engine, config)
    assert len(smtp_server.received) == 1


def test_both_channels_and_one_failing_does_not_resend_the_other(engine, receiver, smtp_server, monkeypatch):
    _frustrated(engine)
    smtp_server.fail_next = [554]  # permanent: the email channel gives up, the webhook still goes out once
    config = load_config(data={"notify": {"webhook_url_env": HOOK_ENV, "email_to": ["cm@example.com"]},
                               **smtp_server.config_data()})
    pipeline.run_rules(engine, config, utcnow(), wait=True)
    monkeypatch.setattr(notify, "RETRY_BASE", timedelta(0))
    notify.deliver_pending(engine, config)
    assert len(receiver.posts) == 1 and smtp_server.received == []
    [view] = alerts.list_alerts(engine)
    kinds = [(e.kind, e.detail.get("channel")) for e in alerts.get_alert(engine, view.id).events]
    assert ("notified", "webhook") in kinds and ("notify_abandoned", "email") in kinds


def test_low_severity_and_notify_false_are_not_sent(engine, receiver):
    now = utcnow()
    with engine.begin() as conn:
        lead = add_author(conn, "prospect")
        add_mention(conn, lead, now - timedelta(hours=1), score=0.1, cues=["buying_intent"])
    run = pipeline.run_rules(engine, _config(), now, wait=True)
    assert run.actions == {"opened": 1} and run.delivery is not None
    assert receiver.posts == []
    [view] = alerts.list_alerts(engine)
    assert "notify_queued" not in [e.kind for e in alerts.get_alert(engine, view.id).events]


def test_user_text_cannot_ping_or_link_in_slack(engine, receiver):
    _frustrated(engine, name="<!channel> <https://evil.example|click> & co")
    pipeline.run_rules(engine, _config(), utcnow(), wait=True)
    [post] = receiver.posts
    assert "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co" in post["text"]
    assert "<!channel>" not in post["text"]


def test_evaluation_does_not_wait_for_a_slow_receiver(engine, receiver):
    _frustrated(engine)
    receiver.gate.clear()  # the receiver hangs until we let it go
    run = pipeline.run_rules(engine, _config(), utcnow())
    assert receiver.arrived.wait(10)
    # run_rules has returned and its alert is committed while the post is still hanging.
    assert run.delivery.is_alive() and len(alerts.list_alerts(engine)) == 1 and receiver.posts == []
    receiver.gate.set()
    run.delivery.join(30)
    assert len(receiver.posts) == 1


def test_queued_notification_survives_a_crash_before_sending(engine, receiver):
    _frustrated(engine)
    pipeline.run_rules(engine, _config(), utcnow(), notify=False)  # as if the process died after the commit
    assert receiver.posts == []
    engine.dispose()
    sent = notify.deliver_pending(engine, _config())
    assert len(sent.sent) == 1 and len(receiver.posts) == 1
    assert notify.deliver_pending(engine, _config()).sent == []


def test_second_deliverer_backs_off_while_the_lease_is_held(engine, receiver):
    assert notify._lease(engine, "other-process", 60)
    _frustrated(engine)
    pipeline.run_rules(engine, _config(), utcnow(), notify=False)
    run = notify.deliver_pending(engine, _config())
    assert run.skipped == "another process is delivering" and receiver.posts == []
    notify._release(engine, "other-process")
    assert len(notify.deliver_pending(engine, _config()).sent) == 1
