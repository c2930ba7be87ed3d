"""The daily digest: real SMTP (aiosmtpd), MIME structure, hostile text, and exactly-once delivery."""
from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, insert, select

from monitor import pipeline
from monitor.digest import Busy, _Lease, ledger, message_id
from monitor.errors import TerminalError
from monitor.models import DigestSend, Mention
from monitor.settings import load_config
from tests.conftest import REPO
from tests.planted import DAY, HOSTILE_AUTHOR, HOSTILE_TEXT, NOW, plant
from tests.smtpd import LocalSmtp, smtp_server  # noqa: F401  (fixture)

SENDER = "Arcwatch <arcwatch@example.com>"
R1, R2 = "ana@example.com", "ben@example.com"


def _config(server=None, retries=0, **sections):
    data = server.config_data(retries=retries, backoff_seconds=0.0) if server else {}
    data["digest"] = {"recipients": [R1, R2], **sections.pop("digest", {})}
    data["web"] = {"base_url": "https://arcwatch.example.com"}
    data.update(sections)
    return load_config(data=data)


def _parts(msg):
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    return parts[0].get_content(), parts[1].get_content()


def test_digest_goes_over_smtp_as_text_and_html_with_right_headers(engine, smtp_server):
    planted = plant(engine)
    run = pipeline.digest(engine, _config(smtp_server), now=NOW)
    assert run.day == DAY and [r.status for r in run.results] == ["sent", "sent"]
    assert [rcpts for rcpts, _ in smtp_server.received] == [[R1], [R2]]
    msg = smtp_server.to(R1)[0]
    assert msg["From"] == SENDER
    assert msg["To"] == R1
    assert msg["Subject"].startswith("Arcwatch digest 2026-03-14: ")
    assert abs(parsedate_to_datetime(msg["Date"]) - datetime.now(timezone.utc)) < timedelta(hours=1)
    assert msg["Message-ID"] == message_id("digest", DAY, R1, SENDER) == run.results[0].message_id
    assert msg["Message-ID"] != smtp_server.to(R2)[0]["Message-ID"]
    plain, html = _parts(msg)
    assert f"https://arcwatch.example.com/alerts/{planted.alert_ids['new_critical']}" in html
    assert f"https://arcwatch.example.com/alerts/{planted.alert_ids['new_critical']}" in plain
    assert "reddit-brand" in plain and "reddit-brand" in html  # the failing source
    assert "Dana Whitfield" in plain  # the arc that turned to declining
    assert "<img" not in html and "<script" not in html and "javascript:" not in html
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the hostile author name, as text
    flat = " ".join(plain.split())  # the text part wraps long lines
    assert HOSTILE_TEXT in flat and HOSTILE_AUTHOR in flat  # text/plain shows it as it is: nothing runs there


def test_digest_figures_match_sql(engine, smtp_server):
    plant(engine)
    run = pipeline.digest(engine, _config(), dry_run=True, now=NOW)
    m = Mention.__table__
    start = datetime(2026, 3, 14, tzinfo=timezone.utc)
    with engine.connect() as conn:
        by_platform = dict(conn.execute(select(m.c.platform, func.count()).where(
            m.c.created_at >= start, m.c.created_at < start + timedelta(days=1), m.c.deleted.is_(False))
            .group_by(m.c.platform)).all())
    assert f"{sum(by_platform.values())} mentions" in run.text
    for platform, n in by_platform.items():
        assert any(line.split()[:2] == [platform, str(n)] for line in run.text.splitlines()), platform


def test_a_second_run_sends_nothing(engine, smtp_server):
    plant(engine)
    config = _config(smtp_server)
    pipeline.digest(engine, config, now=NOW)
    again = pipeline.digest(engine, config, now=NOW)
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert len(smtp_server.received) == 2
    rows = ledger(engine, kind="digest", day=DAY)
    assert {(r["recipient"], r["status"], r["attempts"]) for r in rows} == {(R1, "sent", 1), (R2, "sent", 1)}


def test_failure_for_the_second_recipient_then_rerun_sends_to_it_only(engine, smtp_server):
    plant(engine)
    config = _config(smtp_server)
    smtp_server.refuse[R2] = 550
    first = pipeline.digest(engine, config, now=NOW)
    assert [r.status for r in first.results] == ["sent", "failed"]
    assert "550" in first.results[1].error or R2 in first.results[1].error
    del smtp_server.refuse[R2]
    smtp_server.fail_next = [451]  # and a transient failure on the retry run, cured by one SMTP retry
    second = pipeline.digest(engine, _config(smtp_server, retries=1), now=NOW)
    assert [r.status for r in second.results] == ["skipped", "sent"]
    assert len(smtp_server.to(R1)) == 1 and len(smtp_server.to(R2)) == 1
    assert {r["recipient"]: r["attempts"] for r in ledger(engine, day=DAY)} == {R1: 1, R2: 2}


def test_force_resends_with_a_new_message_id(engine, smtp_server):
    plant(engine)
    config = _config(smtp_server)
    pipeline.digest(engine, config, now=NOW, to=[R1])
    forced = pipeline.digest(engine, config, now=NOW, to=[R1], force=True)
    assert [r.status for r in forced.results] == ["sent"]
    first, second = smtp_server.to(R1)
    assert first["Message-ID"] != second["Message-ID"]
    assert not smtp_server.to(R2)  # --to replaces [digest] recipients


def test_a_pending_send_left_by_a_crash_is_resent_with_the_same_message_id(engine, smtp_server):
    plant(engine)
    with engine.begin() as conn:
        conn.execute(insert(DigestSend.__table__).values(kind="digest", day=DAY, recipient=R1, status="pending",
                                                         attempts=1))
    pipeline.digest(engine, _config(smtp_server), now=NOW)
    [msg] = smtp_server.to(R1)
    assert msg["Message-ID"] == message_id("digest", DAY, R1, SENDER)  # a duplicate would be identifiable
    assert {r["recipient"]: r["attempts"] for r in ledger(engine, day=DAY)} == {R1: 2, R2: 1}


def test_dry_run_and_out_render_without_sending(engine, smtp_server, tmp_path):
    plant(engine)
    config = _config(smtp_server)
    html = pipeline.digest(engine, config, out=str(tmp_path / "d.html"), now=NOW)
    pipeline.digest(engine, config, out=str(tmp_path / "d.txt"), now=NOW)
    pipeline.digest(engine, config, out=str(tmp_path / "d.eml"), now=NOW)
    dry = pipeline.digest(engine, config, dry_run=True, now=NOW)
    assert smtp_server.received == [] and ledger(engine) == []
    assert (tmp_path / "d.html").read_text() == html.html and html.html.startswith("<!DOCTYPE html>")
    assert (tmp_path / "d.txt").read_text() == dry.text
    import email
    import email.policy

    eml = email.message_from_bytes((tmp_path / "d.eml").read_bytes(), policy=email.policy.default)
    assert _parts(eml)[1] == html.html


def test_a_second_concurrent_run_is_refused(engine, smtp_server):
    plant(engine)
    with _Lease(engine, f"send-lease:digest:{DAY.isoformat()}", 60):
        with pytest.raises(Busy):
            pipeline.digest(engine, _config(smtp_server), now=NOW)
    assert smtp_server.received == []
    pipeline.digest(engine, _config(smtp_server), now=NOW)  # the lease is gone with its holder
    assert len(smtp_server.received) == 2


def test_bad_recipient_is_a_clear_error(engine, smtp_server):
    with pytest.raises(TerminalError, match="not an email address"):
        pipeline.digest(engine, _config(smtp_server), to=["ana@example.com\r\nBcc: evil@example.com"], now=NOW)


def test_default_day_and_buckets_follow_the_digest_timezone(engine):
    plant(engine)
    # 08:30 UTC on 15 March is 21:30 in Auckland (UTC+13): "yesterday" there is still 15 March's eve -> 14 March.
    auckland = pipeline.digest(engine, _config(digest={"timezone": "Pacific/Auckland"}), dry_run=True,
                               now=datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc))
    assert auckland.day == date(2026, 3, 15)
    for tz, hours in (("Pacific/Auckland", 13), ("Asia/Kolkata", 5.5), ("America/New_York", -4)):
        start = datetime(2026, 3, 14, tzinfo=timezone.utc) - timedelta(hours=hours)
        m = Mention.__table__
        with engine.connect() as conn:
            want = conn.execute(select(func.count()).where(m.c.created_at >= start,
                                                           m.c.created_at < start + timedelta(days=1),
                                                           m.c.deleted.is_(False))).scalar_one()
        run = pipeline.digest(engine, _config(digest={"timezone": tz}), day=DAY, dry_run=True, now=NOW)
        assert f"\n{want} mentions" in run.text, tz


def test_templates_dir_overrides_the_default_and_keeps_autoescape(engine, tmp_path):
    plant(engine)
    (tmp_path / "digest.html.j2").write_text("<p>Custom {{ d.most_negative[0].author }}</p>")
    run = pipeline.digest(engine, _config(templates={"dir": str(tmp_path)}), dry_run=True, now=NOW)
    assert run.html == "<p>Custom &lt;img src=x onerror=alert(1)&gt;</p>"
    assert run.text.startswith("ARCWATCH DAILY DIGEST")  # the text template still comes from the package


def _arcwatch(cli_env, config_path, *args, **kw):
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", str(config_path), *args],
                            cwd=REPO, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_a_run_killed_after_the_first_recipient_resends_only_to_the_second(engine, cli_env, tmp_path):
    plant(engine)
    with LocalSmtp() as server:
        config = tmp_path / "config.toml"
        config.write_text(f'[digest]\nrecipients = ["{R1}", "{R2}"]\n[smtp]\nhost = "127.0.0.1"\n'
                          f'port = {server.port}\nsender = "arcwatch@example.com"\nretries = 0\n')
        server.hold = {R2}
        proc = _arcwatch(cli_env, config, "digest", "--date", DAY.isoformat())
        try:
            assert server.holding.wait(60), "the digest never reached the second recipient"
            proc.send_signal(signal.SIGKILL)  # dies while the server has not yet accepted the second message
        finally:
            proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
        assert {r["recipient"]: r["status"] for r in ledger(engine, day=DAY)} == {R1: "sent", R2: "pending"}
        server.hold = set()
        rerun = _arcwatch(cli_env, config, "digest", "--date", DAY.isoformat())
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        assert f"{R1}: already sent" in out and f"{R2}: sent" in out
    assert len(server.to(R1)) == 1 and len(server.to(R2)) == 1
    assert {r["recipient"]: r["status"] for r in ledger(engine, day=DAY)} == {R1: "sent", R2: "sent"}


def test_cli_dry_run_prints_the_text_part(engine, cli_env):
    plant(engine)
    proc = subprocess.run([sys.executable, "-m", "monitor.cli", "digest", "--date", DAY.isoformat(), "--dry-run"],
                          cwd=REPO, env=cli_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ARCWATCH DAILY DIGEST - Saturday 14 March 2026 (UTC)")
    bad = subprocess.run([sys.executable, "-m", "monitor.cli", "digest", "--date", "14/03/2026"],
                         cwd=REPO, env=cli_env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
