"""The digest and report jobs of `arcwatch run`: when they fire, and that they neither skip nor repeat."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor import reportjobs
from monitor.digest import ledger
from monitor.errors import ConfigError
from monitor.scheduler import Service, extra_jobs
from monitor.settings import load_config
from tests.planted import NOW, plant
from tests.smtpd import smtp_server  # noqa: F401  (fixture)


def test_digest_fires_daily_at_the_configured_local_time():
    config = load_config(data={"digest": {"recipients": ["a@example.com"], "time": "07:45",
                                          "timezone": "Europe/Berlin"}})
    jobs = {j.id: j for j in extra_jobs(config)}
    assert {"digest", "report"} <= set(jobs)
    after = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    fire = jobs["digest"].trigger.get_next_fire_time(None, after)
    assert fire.astimezone(timezone.utc) == datetime(2026, 7, 2, 5, 45, tzinfo=timezone.utc)  # CEST = UTC+2


def test_no_recipients_means_no_digest_job_and_empty_every_no_report_job():
    config = load_config(data={"report": {"every": ""}})
    assert reportjobs.scheduled_jobs(config) == []


@pytest.mark.parametrize("section,key,value", [("digest", "time", "8am"), ("report", "every", "weekly")])
def test_bad_schedule_settings_are_clear_errors(section, key, value):
    config = load_config(data={"digest": {"recipients": ["a@example.com"]}, section: {key: value}})
    with pytest.raises(ConfigError, match=f"{section}.{key}"):
        reportjobs.scheduled_jobs(config)


def test_report_job_writes_every_seven_days_across_restarts(engine, tmp_path):
    plant(engine)
    config = load_config(data={"report": {"dir": str(tmp_path / "out")}})
    first = reportjobs.report_job(engine, config, now=NOW)
    assert Path(first["written"]).name == "arcwatch-report-2026-02-13-to-2026-03-14.html"
    assert "skipped" in reportjobs.report_job(engine, config, now=NOW + timedelta(days=1))
    assert "skipped" in reportjobs.report_job(engine, config, now=NOW + timedelta(days=6))
    later = reportjobs.report_job(engine, config, now=NOW + timedelta(days=7))
    assert Path(later["written"]).name == "arcwatch-report-2026-02-20-to-2026-03-21.html"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "arcwatch-report-2026-02-13-to-2026-03-14.html", "arcwatch-report-2026-02-20-to-2026-03-21.html"]


def test_report_job_mails_the_report_once_per_period(engine, tmp_path, smtp_server):
    plant(engine)
    data = smtp_server.config_data(retries=0)
    data["report"] = {"dir": str(tmp_path), "recipients": ["exec@example.com"]}
    config = load_config(data=data)
    reportjobs.report_job(engine, config, now=NOW)
    [msg] = smtp_server.to("exec@example.com")
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "arcwatch-report-2026-02-13-to-2026-03-14.html"
    assert attachment.get_content().startswith("<!DOCTYPE html>")
    from monitor import pipeline

    again = pipeline.report(engine, config, send=True, now=NOW)  # the same period again: not mailed twice
    assert [r.status for r in again.results] == ["skipped"]
    assert len(smtp_server.received) == 1


def test_arcwatch_run_sends_a_missed_digest_after_start_up(engine, smtp_server, monkeypatch):
    plant(engine)
    monkeypatch.setattr(reportjobs, "CATCH_UP_SECONDS", 0.2)
    data = smtp_server.config_data(retries=0)
    data["digest"] = {"recipients": ["ana@example.com"], "time": "00:00"}  # always already past today
    data["report"] = {"every": ""}
    service = Service(engine, load_config(data=data), stop=threading.Event())
    service.start()
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.received and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        service.shutdown()
    [msg] = smtp_server.to("ana@example.com")
    assert msg["Subject"].startswith("Arcwatch digest ")
    assert [r["status"] for r in ledger(engine, kind="digest")] == ["sent"]
