"""The one retry loop (monitor/retry.py), the rate-limit header reading, and the newest-first cursor window."""
from __future__ import annotations

import random
import threading
import time
from email.utils import formatdate

import pytest

from connectors._http import retry_after_seconds
from connectors._text import html_to_text
from connectors._window import Tracker, Window
from monitor.errors import TerminalError, TransientError
from monitor.retry import Retrier, Stopped


class Flaky:
    def __init__(self, failures: list[BaseException], result="ok"):
        self.failures, self.result, self.calls = list(failures), result, 0

    def __call__(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.result


def retrier(**kw) -> tuple[Retrier, list[float]]:
    waits: list[float] = []
    kw.setdefault("max_retries", 4)
    kw.setdefault("backoff", 1.0)
    return Retrier(sleep=waits.append, rng=random.Random(7), label="src", **kw), waits


def test_transient_errors_are_retried_with_doubling_jittered_waits(caplog):
    r, waits = retrier()
    fn = Flaky([TransientError("HTTP 500")] * 3)
    assert r(fn, "GET /x") == "ok" and fn.calls == 4
    for attempt, wait in enumerate(waits):  # equal jitter: between half and all of 1, 2, 4 seconds
        assert 2 ** attempt / 2 <= wait <= 2 ** attempt
    assert len([rec for rec in caplog.records if "retry" in rec.getMessage()]) == 3  # a line per attempt


def test_retry_after_is_honoured_even_when_backoff_is_shorter():
    r, waits = retrier(backoff=0.01)
    r(Flaky([TransientError("429", retry_after=7.0)]), "GET /x")
    assert 7.0 <= waits[0] < 8.1


def test_terminal_errors_and_bugs_are_not_retried():
    r, waits = retrier()
    fn = Flaky([TerminalError("credentials rejected (HTTP 401)")])
    with pytest.raises(TerminalError):
        r(fn, "GET /x")
    fn2 = Flaky([KeyError("bug")])
    with pytest.raises(KeyError):
        r(fn2, "GET /x")
    assert fn.calls == fn2.calls == 1 and waits == []


def test_giving_up_says_how_many_attempts_were_made():
    r, _ = retrier(max_retries=2)
    with pytest.raises(TransientError) as err:
        r(Flaky([TransientError("server error (HTTP 503)")] * 5), "GET /x")
    assert str(err.value) == "server error (HTTP 503) (gave up after 3 attempts)"


def test_a_retry_after_longer_than_the_limit_ends_the_run_at_once():
    r, waits = retrier(max_delay=60)
    fn = Flaky([TransientError("rate limited", retry_after=900)])
    with pytest.raises(TransientError) as err:
        r(fn, "GET /x")
    assert fn.calls == 1 and waits == [] and err.value.retry_after == 900  # the core backs off until then


def test_no_wait_runs_past_the_budget():
    r, waits = retrier(deadline=time.monotonic() + 0.5)
    with pytest.raises(TransientError):
        r(Flaky([TransientError("HTTP 500")] * 5), "GET /x")
    assert waits == []  # the first wait (0.5..1 s) would already overrun


def test_a_stop_interrupts_between_attempts():
    stop = threading.Event()
    stop.set()
    r = Retrier(max_retries=3, backoff=1, stop=stop)
    fn = Flaky([])
    with pytest.raises(Stopped):
        r(fn, "GET /x")
    assert fn.calls == 0


@pytest.mark.parametrize("headers, expected", [
    ({"Retry-After": "120"}, 120.0),
    ({"retry-after": formatdate(1_700_000_060, usegmt=True)}, 60.0),
    ({"x-rate-limit-reset": "1700000090"}, 90.0),  # X: the Unix time the window resets
    ({"X-Ratelimit-Reset": "45"}, 45.0),  # Reddit: seconds until the reset
    ({"RateLimit-Reset": "1700000030"}, 30.0),  # Bluesky
    ({"Retry-After": "soon"}, None),
    ({}, None),
])
def test_wait_is_read_from_each_platforms_headers(headers, expected):
    assert retry_after_seconds(headers, now=1_700_000_000) == expected


def test_window_advances_only_when_every_page_was_read():
    t = Tracker(Window.from_cursor({"since": "100"}), key=int)
    for v in ("150", "140", "130"):
        t.saw(v)
    assert t.cursor(exhausted=True) == {"since": "150"}
    assert t.cursor(exhausted=False) == {"since": "100", "until": "130", "newest": "150"}


def test_window_fills_a_gap_then_moves_to_the_newest_of_the_interrupted_run():
    t = Tracker(Window.from_cursor({"since": "100", "until": "130", "newest": "150"}), key=int)
    t.saw("120")
    assert t.cursor(exhausted=False) == {"since": "100", "until": "120", "newest": "150"}
    assert t.cursor(exhausted=True) == {"since": "150"}


def test_a_first_run_starts_at_the_newest_item_and_an_empty_one_leaves_no_cursor():
    t = Tracker(Window.from_cursor(None), key=int)
    assert t.cursor(exhausted=False) is None
    t.saw("5")
    assert t.cursor(exhausted=False) == {"since": "5"}


def test_html_becomes_text_without_markup_and_with_entities_decoded():
    html = "<p>Yeah it&#x27;s <i>stupid</i></p><p>line two<br>three</p><script>alert(1)</script>"
    assert html_to_text(html) == "Yeah it's stupid\n\nline two\nthree"
