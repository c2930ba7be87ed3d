"""The fault matrix: every connector against timeout, refused connection, 500, 429 with Retry-After,
malformed body, empty page and bad credentials, run through `pull` next to a healthy source.

Each fault must give a clear recorded error, leave the cursor unchanged and let the other source finish.
"""
from __future__ import annotations

import shutil
from collections import Counter

import pytest

from monitor.db import open_store
from monitor.pull import pull
from monitor.settings import load_config
from monitor.store import source_health
from tests.connector_cases import CASES, ENV
from tests.fakeapis import RssApi
from tests.fakeserver import FAULTS, FakeServer

EXPECTED = {"timeout": "timed out", "refused": "refused", "500": "500", "429": "rate limited",
            "malformed": "malformed", "badauth": "credentials rejected"}


@pytest.fixture(autouse=True)
def _credentials(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    import prawcore.rate_limit  # Reddit's own rate limiter obeys x-ratelimit-* with a real sleep

    monkeypatch.setattr(prawcore.rate_limit.time, "sleep", lambda s: None)


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """One migrated SQLite file per module; each test gets a copy (migrating 49 times is slow)."""
    path = tmp_path_factory.mktemp("template") / "arcwatch.db"
    open_store(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def store(migrated_template, tmp_path):
    path = tmp_path / "arcwatch.db"
    shutil.copy(migrated_template, path)
    engine = open_store(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def health(engine, name):
    [state] = source_health(engine, name)
    return state


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", sorted(CASES))
def test_fault_is_recorded_and_contained(kind, fault, store):
    engine = store
    case = CASES[kind]
    api, steady_api = case.api(), RssApi(site="steady.example")
    sleeps: list[float] = []
    with FakeServer(api) as server, FakeServer(steady_api) as steady:
        config = load_config(data={
            "http": {"timeout_seconds": 0.3, "max_retries": 1, "backoff_seconds": 0.01},
            "sources": [case.table(server.url, name="flaky", budget="30s"),
                        {"name": "steady", "kind": "rss", "url": f"{steady.url}/feed.xml"}]})
        assert [r.status for r in pull(engine, config, sleep=sleeps.append)] == ["ok", "ok"]
        cursor = health(engine, "flaky").cursor
        assert cursor
        api.add_posts(3)
        steady_api.add_posts(2)
        if fault == "refused":
            server.stop()
        else:
            server.fault = "hang" if fault == "timeout" else fault
        calls_before = len(server.requests)

        flaky, other = pull(engine, config, sleep=sleeps.append)

        assert (other.status, other.new) == ("ok", 2), "the healthy source must finish normally"
        state = health(engine, "flaky")
        if fault == "empty":  # not an error: nothing new, and nothing skipped once the page fills again
            assert (flaky.status, flaky.new) == ("ok", 0)
            server.fault = None
            assert pull(engine, config, ["flaky"])[0].new == 3
            return
        assert flaky.status == "failed"
        assert EXPECTED[fault] in flaky.error.lower(), flaky.error
        assert state.last_error == flaky.error and state.consecutive_failures == 1
        assert state.last_success is not None and state.last_run > state.last_success
        assert state.cursor == cursor, "a failed run must not move the cursor"
        if fault == "429":
            assert max(sleeps) >= 1.0, "Retry-After / the reset header must be honoured"
            assert flaky.backoff_until is not None and state.backoff_until == flaky.backoff_until
        most_asked = max(Counter(r.path for r in server.requests[calls_before:]).values(), default=0)
        if fault in ("badauth", "malformed"):
            assert most_asked == 1, "terminal errors are not retried"
        elif fault in ("500", "429"):
            assert most_asked == 2, "transient errors are retried (max_retries=1)"
