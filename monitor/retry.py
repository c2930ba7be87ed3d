"""The one place that retries: exponential backoff with jitter, Retry-After honoured, a log line per attempt.

Connectors translate rate limits, 5xx, timeouts and refused connections into TransientError (carrying
`retry_after` when the server said how long to wait); everything else is raised at once.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from typing import Any, Callable, TypeVar

from monitor.errors import TransientError

T = TypeVar("T")
log = logging.getLogger("arcwatch.retry")


class Retrier:
    """Calls a function, retrying TransientError with backoff; never sleeps past a deadline or a stop."""

    def __init__(self, *, max_retries: int, backoff: float, max_delay: float = 300.0, label: str = "",
                 deadline: float | None = None, stop: threading.Event | None = None,
                 sleep: Callable[[float], Any] | None = None, rng: random.Random | None = None):
        self.max_retries = max(0, max_retries)
        self.backoff = max(0.0, backoff)
        self.max_delay = max_delay
        self.label = label
        self.deadline = deadline  # time.monotonic() value after which no retry is started
        self.stop = stop
        self._sleep = sleep
        self._rng = rng or random.Random()

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number `attempt` (0-based): doubling, with jitter, >= Retry-After."""
        base = min(self.max_delay, self.backoff * (2 ** attempt))
        wait = base / 2 + self._rng.uniform(0, base / 2)  # "equal jitter": spread retries, keep a floor
        if retry_after is not None:
            wait = max(wait, retry_after + self._rng.uniform(0, min(1.0, self.backoff)))
        return wait

    def __call__(self, fn: Callable[[], T], what: str) -> T:
        """Return fn(), retrying transient failures up to max_retries times."""
        attempt = 0
        while True:
            self._check_stopped(what)
            try:
                return fn()
            except TransientError as exc:
                if attempt >= self.max_retries:
                    log.warning("%s %s: giving up after %d attempt(s): %s", self.label, what, attempt + 1, exc)
                    if attempt:
                        exc.args = (f"{exc} (gave up after {attempt + 1} attempts)",)
                    raise
                wait = self.delay(attempt, exc.retry_after)
                refusal = self._why_not_wait(wait, exc.retry_after)
                if refusal:
                    log.warning("%s %s: not retrying (%s): %s", self.label, what, refusal, exc)
                    raise
                attempt += 1
                log.warning("%s %s: attempt %d failed (%s); retry %d/%d in %.1fs", self.label, what, attempt,
                            exc, attempt, self.max_retries, wait)
                self._wait(wait)

    def _why_not_wait(self, wait: float, retry_after: float | None) -> str | None:
        if retry_after is not None and retry_after > self.max_delay:
            return f"server asks to wait {retry_after:.0f}s, more than {self.max_delay:.0f}s"
        if self.deadline is not None and time.monotonic() + wait > self.deadline:
            return "the source's time budget would run out"
        return None

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif self.stop is not None:
            self.stop.wait(seconds)  # wakes at once on shutdown
        else:
            time.sleep(seconds)

    def _check_stopped(self, what: str) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Stopped(f"{self.label} {what}: stopped before the call (shutting down)".strip())


class Stopped(TransientError):
    """The run is shutting down; the fetch was abandoned between calls."""
