"""Cursor bookkeeping for APIs that page newest-first (X, Discourse, Hacker News, Bluesky).

The stored cursor says everything up to `since` is stored. A run fetches newer items page by page; only
when it reaches `since` does the cursor move to the newest item seen. If the page cap stops a run first,
the cursor records the gap (`until` = oldest item fetched) so the next run fills it before moving on:
nothing is skipped, whatever the volume. A first run (no cursor) starts from the newest page only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Window:
    """What one run asks for: items newer than `since` and, when filling a gap, older than `until`."""

    since: Any = None
    until: Any = None
    newest: Any = None  # newest item of the run that left the gap

    @classmethod
    def from_cursor(cls, cursor: dict | None) -> "Window":
        """The window a stored cursor asks for."""
        cursor = cursor or {}
        return cls(cursor.get("since"), cursor.get("until"), cursor.get("newest"))


class Tracker:
    """Follows the newest and oldest item keys a run has seen, and builds the cursor to store after it."""

    def __init__(self, window: Window, key: Callable[[Any], Any] = lambda v: v):
        self.window = window
        self._key = key
        self.newest: Any = None
        self.oldest: Any = None

    def saw(self, value: Any) -> None:
        """Note the key (id or time) of an item fetched."""
        if value is None:
            return
        if self.newest is None or self._key(value) > self._key(self.newest):
            self.newest = value
        if self.oldest is None or self._key(value) < self._key(self.oldest):
            self.oldest = value

    def _max(self, *values: Any) -> Any:
        present = [v for v in values if v is not None]
        return max(present, key=self._key) if present else None

    def cursor(self, exhausted: bool) -> dict | None:
        """The cursor after the run: advanced if every page was read, else one that remembers the gap."""
        w = self.window
        if w.since is not None and self.oldest is not None and self._key(self.oldest) <= self._key(w.since):
            exhausted = True  # the run reached what was already stored (e.g. through an overlap)
        if exhausted or w.since is None:
            since = self._max(w.newest, self.newest, w.since)
            return {"since": since} if since is not None else None
        if self.oldest is None:  # capped without seeing anything: keep the gap as it was
            return {"since": w.since, "until": w.until, "newest": w.newest} if w.until is not None else None
        return {"since": w.since, "until": self.oldest, "newest": self._max(w.newest, self.newest)}
