"""`arcwatch run`: jobs on intervals, a structured line per job, survival of failing jobs, evaluation after
new mentions, a heartbeat, and a clean SIGTERM that loses and duplicates nothing."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from monitor import pipeline
from monitor.db import open_store
from monitor.models import Heartbeat, Mention as MentionRow
from monitor.pull import pull
from monitor.scheduler import ScheduledJob, Service
from monitor.settings import load_config
from monitor.store import source_health
from tests.conftest import REPO
from tests.connector_cases import ENV
from tests.fakeapis import DiscourseApi, RssApi
from tests.fakeserver import FakeServer, closed_port_url
from tests.test_pull import write_config


def wait_for(condition, timeout=60.0, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def job_lines(records_or_lines) -> list[dict]:
    out = []
    for item in records_or_lines:
        text = item.getMessage() if hasattr(item, "getMessage") else item
        if text.startswith("{"):
            out.append(json.loads(text))
    return out


def stored(engine, platform):
    table = MentionRow.__table__
    with engine.connect() as conn:
        return conn.execute(select(table.c.external_id, table.c.text).where(table.c.platform == platform)).all()


def heartbeat(engine):
    with engine.connect() as conn:
        return conn.execute(select(Heartbeat.__table__)).one()


@pytest.mark.timeout(120)
def test_service_survives_a_failing_job_and_evaluates_after_new_mentions(engine, caplog, monkeypatch):
    caplog.set_level("INFO", logger="arcwatch.run")
    evaluations = []
    summary = SimpleNamespace(as_json=lambda: {"alerts_opened": 0})  # what EvaluateSummary logs
    monkeypatch.setattr(pipeline, "evaluate", lambda eng, cfg: evaluations.append(time.monotonic()) or summary)

    def explode(eng, cfg):
        raise RuntimeError("digest template missing")

    api = RssApi()
    with FakeServer(api) as feed:
        config = load_config(data={"scheduler": {"heartbeat_seconds": 1, "jitter_seconds": 0},
                                   "sources": [{"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml",
                                                "every": "1s"},
                                               {"name": "broken", "kind": "rss", "every": "1s"}]})
        service = Service(engine, config, jobs=[ScheduledJob(id="explodes", trigger=IntervalTrigger(seconds=0.3),
                                                             func=explode)])
        service.start()
        try:
            def lines(job):
                return [j for j in job_lines(caplog.records) if j.get("job") == job]
            assert wait_for(lambda: len(lines("explodes")) >= 3 and len(lines("source:feed")) >= 2)
            api.add_posts(3)
            assert wait_for(lambda: any(j["new"] == 3 for j in lines("source:feed")))
            assert wait_for(lambda: len(evaluations) == 2)
        finally:
            service.shutdown()
    feed_runs = lines("source:feed")
    assert [j["new"] for j in feed_runs if j["new"]] == [24, 3]
    assert all(j["status"] == "ok" and isinstance(j["seconds"], float) for j in feed_runs)
    assert len(evaluations) == 2, "evaluation runs after new mentions only"
    assert [j["status"] for j in lines("evaluate")] == ["ok", "ok"] and lines("evaluate")[0]["alerts_opened"] == 0
    errors = lines("explodes")
    assert errors and all(j["status"] == "error" and j["error"] == "RuntimeError: digest template missing"
                          for j in errors)
    assert feed_runs[-1]["ts"] > errors[0]["ts"], "the service kept running after a job failed"
    assert heartbeat(engine).info["state"] == "stopped"
    [bad] = [j for j in job_lines(caplog.records) if j.get("event") == "source_config_error"]
    assert bad["source"] == "broken" and "sources.broken.url: expected a non-empty string" in bad["error"]
    broken = [j["status"] for j in lines("source:broken")]
    assert broken[0] == "failed" and set(broken) <= {"failed", "skipped"}  # skipped while backed off


@pytest.mark.timeout(240)
def test_arcwatch_run_sigterm_mid_fetch_loses_and_duplicates_nothing(cli_env, db_url, tmp_path):
    class Forum(DiscourseApi):
        hang_older = False

        def hangs(self, req):
            return self.hang_older and "before" in req.query

    feed_api, forum_api = RssApi(), Forum()
    with FakeServer(feed_api) as feed, FakeServer(forum_api) as forum:
        cfg = write_config(tmp_path, [
            {"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml", "every": "1s"},
            {"name": "forum", "kind": "discourse", "base_url": forum.url, "every": "1s", "budget": "10m"},
            {"name": "down", "kind": "hackernews", "base_url": closed_port_url(), "query": "Acme", "every": "1s"}],
            scheduler={"heartbeat_seconds": 1, "jitter_seconds": 0}, report={"every": ""},
            http={"timeout_seconds": 60.0, "max_retries": 0})
        proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", cfg, "run"], cwd=REPO,
                                env={**cli_env, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True)
        reader.start()
        try:
            def runs(job):
                return [j for j in job_lines(list(log)) if j.get("job") == job]

            def total_new(job):
                return sum(j.get("new") or 0 for j in runs(job))

            assert wait_for(lambda: len(runs("source:feed")) >= 2 and len(runs("source:forum")) >= 2, 90), log
            feed_api.add_posts(3)
            forum_api.add_posts(25)
            assert wait_for(lambda: total_new("source:feed") == 27 and total_new("source:forum") == 49, 60), log
            seen = len(forum.requests)
            forum_api.add_posts(12)
            forum_api.hang_older = True  # the next forum run stores its first page, then hangs on the second
            assert wait_for(lambda: any("before" in r.query for r in forum.requests[seen:]), 60)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        reader.join(10)
        events = job_lines(log)
        assert events[0]["event"] == "started" and events[-1]["event"] == "stopped"
        assert any(e.get("event") == "signal" and e["signal"] == "SIGTERM" for e in events)
        engine = open_store(db_url)
        health = {h.name: h for h in source_health(engine)}
        assert "shutdown" in (health["forum"].last_error or ""), (health["forum"], log[-12:])
        assert health["forum"].consecutive_failures == 0
        assert health["down"].consecutive_failures >= 1 and "refused" in health["down"].last_error
        assert heartbeat(engine).info["state"] == "stopped"
        assert len(stored(engine, "rss")) == 27
        assert len(stored(engine, "discourse")) == 59  # 49, plus the interrupted run's first page of 10
        assert health["forum"].cursor == {"since": 5000 + 48}  # not moved by the unfinished run

        forum_api.hang_older = False
        config = load_config(data={"sources": [{"name": "forum", "kind": "discourse", "base_url": forum.url}]})
        [after] = pull(engine, config)
    rows = stored(engine, "discourse")
    assert after.new == 2 and len(rows) == 61 == len({r.external_id for r in rows}) == len(forum_api.posts)
