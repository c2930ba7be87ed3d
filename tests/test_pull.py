"""`pull` and `arcwatch pull`: cursors, health, backoff, edits and deletes, and sources that fail or hang.

Store checks run on SQLite and PostgreSQL (the `engine` / `db_url` fixtures)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

import connectors
from monitor.db import open_store
from monitor.errors import ConfigError
from monitor.models import Mention as MentionRow
from monitor.pull import pull
from monitor.settings import load_config
from monitor.store import source_health
from monitor.types import Mention, Page
from tests.conftest import REPO
from tests.connector_cases import ENV
from tests.fakeapis import DiscourseApi, HackerNewsApi, RssApi
from tests.fakeapis_sdk import RedditApi, XApi
from tests.fakeserver import FakeServer, closed_port_url


@pytest.fixture(autouse=True)
def _credentials(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


def health(engine, name):
    [state] = source_health(engine, name)
    return state


def rows(engine, **where):
    table = MentionRow.__table__
    query = select(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return conn.execute(query).all()


def config_of(sources, **sections):
    return load_config(data={"http": {"timeout_seconds": 5, "max_retries": 0}, **sections, "sources": sources})


@pytest.mark.timeout(60)
def test_a_hanging_source_is_abandoned_at_its_budget_and_the_others_finish(engine):
    with FakeServer(DiscourseApi()) as hung, FakeServer(RssApi()) as feed, FakeServer(HackerNewsApi()) as hn:
        hung.fault = "hang"
        config = config_of([
            {"name": "stuck", "kind": "discourse", "base_url": hung.url, "budget": "1s"},
            {"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml"},
            {"name": "hn", "kind": "hackernews", "base_url": hn.url, "query": "Acme"}],
            http={"timeout_seconds": 60, "max_retries": 0})
        results = {r.name: r for r in pull(engine, config)}
    for thread in threading.enumerate():  # the abandoned fetch ends when the server goes away...
        if thread.name == "source:stuck":
            thread.join(10)
    assert results["stuck"].status == "failed"
    assert "time budget of 1s" in results["stuck"].error
    assert (results["feed"].status, results["feed"].new) == ("ok", 24)
    assert (results["hn"].status, results["hn"].new) == ("ok", 24)
    stuck = health(engine, "stuck")  # ...and records nothing over the budget failure
    assert stuck.last_error == results["stuck"].error and stuck.cursor is None and stuck.last_success is None
    assert rows(engine, platform="discourse") == []


def write_config(tmp_path, sources, **sections) -> str:
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in source.items()]
    path = tmp_path / "arcwatch.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def arcwatch(env, *args, timeout=90):
    return subprocess.run([sys.executable, "-m", "monitor.cli", *args], cwd=REPO, env={**env, **ENV},
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout(120)
def test_cli_pull_with_a_hanging_source_finishes_reports_and_exits_nonzero(cli_env, tmp_path):
    with FakeServer(DiscourseApi()) as hung, FakeServer(RssApi()) as feed:
        hung.fault = "hang"
        cfg = write_config(tmp_path, [
            {"name": "stuck", "kind": "discourse", "base_url": hung.url, "budget": "2s"},
            {"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml"}],
            http={"timeout_seconds": 60.0, "max_retries": 0})
        done = arcwatch(cli_env, "--config", cfg, "pull")
        listed = arcwatch(cli_env, "--config", cfg, "sources", "list", "--format", "json")
        again = arcwatch(cli_env, "--config", cfg, "pull", "feed")
    assert done.returncode == 1, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert "failed" in lines["stuck"] and "no result within its time budget of 2s" in lines["stuck"]
    assert " ok " in lines["feed"] and "new    24" in lines["feed"]
    health = {s["name"]: s for s in json.loads(listed.stdout)}
    for key in ("name", "kind", "last_run", "last_success", "last_error", "fetched"):
        assert key in health["feed"] and key in health["stuck"]
    assert health["feed"]["fetched"] == 24 and health["feed"]["last_error"] is None
    assert "time budget" in health["stuck"]["last_error"] and health["stuck"]["last_success"] is None
    assert again.returncode == 0 and "new     0" in again.stdout


def test_a_source_that_keeps_failing_is_backed_off_until_named(engine):
    down = {"name": "down", "kind": "rss", "url": f"{closed_port_url()}/feed.xml", "every": "10m"}
    config = config_of([down])
    assert [r.status for r in pull(engine, config)] == ["failed"]
    assert health(engine, "down").backoff_until is None  # one failure: the next cycle just tries again
    pull(engine, config)
    state = health(engine, "down")
    assert state.consecutive_failures == 2 and state.backoff_until is not None
    assert 590 <= (state.backoff_until - state.last_run).total_seconds() <= 610  # one interval skipped
    [skipped] = pull(engine, config)
    assert skipped.status == "skipped" and "backing off" in skipped.error
    assert health(engine, "down").consecutive_failures == 2  # a skip is not another failure
    [forced] = pull(engine, config, ["down"])
    assert forced.status == "failed" and health(engine, "down").consecutive_failures == 3
    with FakeServer(RssApi()) as feed:
        [fixed] = pull(engine, config_of([{**down, "url": f"{feed.url}/feed.xml"}]), ["down"])
    state = health(engine, "down")
    assert fixed.status == "ok" and state.consecutive_failures == 0 and state.backoff_until is None
    assert state.last_error is None and state.last_success == state.last_run and state.fetched == 24


def test_deletes_and_edits_reported_upstream_reach_the_store(engine):
    x, reddit, feed = XApi(), RedditApi(), RssApi()
    with FakeServer(x) as xs, FakeServer(reddit) as rs, FakeServer(feed) as fs:
        config = config_of([
            {"name": "x", "kind": "x", "base_url": xs.url, "query": "Acme", "bearer_token_env": "TEST_X_TOKEN"},
            {"name": "reddit", "kind": "reddit", "base_url": rs.url, "subreddits": ["acme"],
             "client_id_env": "TEST_REDDIT_ID", "client_secret_env": "TEST_REDDIT_SECRET"},
            {"name": "feed", "kind": "rss", "url": f"{fs.url}/feed.xml"}])
        assert [r.new for r in pull(engine, config)] == [24, 24, 24]
        x.deleted.add(3)
        reddit.deleted.add(7)
        reddit.edit(5, "Acme Cloud support fixed it after all, thank you!")
        feed.edit(2, "Acme Cloud SSO works with Okta (edited: via SAML).")
        results = {r.name: r for r in pull(engine, config)}
    assert results["x"].deleted == 1 and results["reddit"].deleted == 1
    assert results["reddit"].updated == 1 and results["feed"].updated == 1
    [tweet] = rows(engine, platform="twitter", external_id=str(x.tid(x.all_posts[3])))
    assert tweet.deleted and tweet.text == "" and tweet.raw is None  # X's terms: nothing of it is kept
    names = {p.seq: reddit.thing(p)["data"]["name"] for p in reddit.all_posts}
    [gone] = rows(engine, platform="reddit", external_id=names[7])
    [edited] = rows(engine, platform="reddit", external_id=names[5])
    assert gone.deleted and gone.text == ""
    assert edited.text == "Acme Cloud support fixed it after all, thank you!" and edited.edited_at is not None
    assert edited.label == "positive"  # rescored
    [entry] = rows(engine, platform="rss", external_id="tag:acme.example,2026:post-2")
    assert "edited: via SAML" in entry.text


class Boom:
    """A connector with a bug: one good page, then an exception no one expected."""

    kind = platform = "boom"

    def __init__(self, source, *, http):
        self.http = http

    def fetch(self, cursor):
        mention = Mention(platform="boom", external_id="b1", author="someone", text="Acme Cloud is fine",
                          created_at=datetime(2026, 3, 2, tzinfo=timezone.utc))
        yield Page(mentions=(mention,), cursor={"page": 1})
        raise ZeroDivisionError("division by zero in page 2")

    def close(self):
        pass


def test_a_connector_bug_is_recorded_and_the_pages_before_it_are_kept(engine, monkeypatch):
    monkeypatch.setitem(connectors.KINDS, "boom", "tests.test_pull:Boom")
    with FakeServer(RssApi()) as feed:
        config = config_of([{"name": "buggy", "kind": "boom"}, {"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml"}])
        buggy, ok = pull(engine, config)
    assert buggy.status == "failed" and buggy.error == "unexpected ZeroDivisionError: division by zero in page 2"
    assert buggy.new == 1 and ok.new == 24
    state = health(engine, "buggy")
    assert state.cursor == {"page": 1} and state.fetched == 1 and state.consecutive_failures == 1


def test_configuration_problems_stay_with_their_source(engine, monkeypatch):
    monkeypatch.delenv("TEST_X_TOKEN")
    with FakeServer(RssApi()) as feed:
        config = config_of([{"name": "typo", "kind": "rsss", "url": "http://127.0.0.1:9/"},
                            {"name": "hn", "kind": "hackernews"},
                            {"name": "x", "kind": "x", "query": "Acme", "bearer_token_env": "TEST_X_TOKEN"},
                            {"name": "slow", "kind": "rss", "url": "http://127.0.0.1:9/", "every": "often"},
                            {"name": "feed", "kind": "rss", "url": f"{feed.url}/feed.xml"}])
        results = {r.name: r for r in pull(engine, config)}
    assert results["feed"].status == "ok"
    assert "sources.typo.kind: expected one of [" in results["typo"].error
    assert "sources.hn.query: expected a non-empty string (required)" in results["hn"].error
    assert "sources.x.bearer_token_env: expected environment variable TEST_X_TOKEN to be set" in results["x"].error
    assert "sources.slow.every" in results["slow"].error
    assert health(engine, "typo").last_error == results["typo"].error
    with pytest.raises(ConfigError, match="a name no other source uses"):
        pull(engine, config_of([{"name": "a", "kind": "rss"}, {"name": "a", "kind": "rss"}]))
    with pytest.raises(ConfigError, match="a source named 'nope'"):
        pull(engine, config, ["nope"])


class SlowSecondPage(DiscourseApi):
    """Answers the first page of new posts, then hangs: where a crash hurts most."""

    hang_older = False

    def hangs(self, req):
        return self.hang_older and "before" in req.query


@pytest.mark.timeout(120)
def test_kill_9_mid_pull_then_pull_again_loses_and_duplicates_nothing(cli_env, db_url, tmp_path):
    api = SlowSecondPage()
    with FakeServer(api) as server:
        cfg = write_config(tmp_path, [{"name": "forum", "kind": "discourse", "base_url": server.url}],
                           http={"timeout_seconds": 60.0, "max_retries": 0})
        assert arcwatch(cli_env, "--config", cfg, "pull").returncode == 0
        engine = open_store(db_url)
        cursor = health(engine, "forum").cursor
        api.add_posts(25)
        api.hang_older = True
        proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "--config", cfg, "pull"], cwd=REPO,
                                env={**cli_env, **ENV}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while len(rows(engine, platform="discourse")) < 34 and time.monotonic() < deadline:
                time.sleep(0.05)  # page 1 (10 new posts) is committed, page 2 hangs
            assert len(rows(engine, platform="discourse")) == 34
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        assert health(engine, "forum").cursor == cursor  # newest-first: page 1 alone does not move it
        api.hang_older = False
        [result] = pull(engine, load_config(cfg))
    stored = rows(engine, platform="discourse")
    assert result.new == 15 and len(stored) == 49 == len({r.external_id for r in stored})
    assert all(any(p.text == r.text for r in stored) for p in api.posts)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(MentionRow.__table__)).scalar_one() == 49
    assert health(engine, "forum").cursor == {"since": 5000 + api.posts[-1].seq}


def test_sources_test_explains_a_failure_and_stores_nothing(tmp_path, monkeypatch, capsys, sqlite_url):
    from monitor.cli import main

    monkeypatch.setenv("ARCWATCH_DATABASE_URL", sqlite_url)
    with FakeServer(XApi()) as xs:
        cfg = write_config(tmp_path, [{"name": "brand", "kind": "x", "base_url": xs.url, "query": "Acme",
                                       "bearer_token_env": "TEST_X_TOKEN"}])
        xs.fault = "badauth"
        assert main(["--config", cfg, "sources", "test", "brand"]) == 1
        failed = capsys.readouterr().out
        xs.fault = None
        assert main(["--config", cfg, "sources", "test", "brand"]) == 0
        passed = capsys.readouterr().out
    assert "FAILED: credentials rejected (HTTP 401) by X" in failed and "$TEST_X_TOKEN" in failed
    assert "Retrying will not help" in failed and ENV["TEST_X_TOKEN"] not in failed
    assert "brand (x): ok, the first page has 24 mention(s)" in passed and "dana_k: Six years with Acme" in passed
    engine = open_store(sqlite_url)
    assert rows(engine) == [] and source_health(engine) == []  # a trial stores nothing
