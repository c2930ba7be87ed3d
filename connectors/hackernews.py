"""Hacker News through the Algolia HN Search API (`search_by_date`), for a query.

Results come newest first; the cursor is the newest `created_at_i` stored. Each run reaches back
`overlap_seconds` further, because Algolia indexes with a lag; the store's unique key absorbs the overlap.
"""
from __future__ import annotations

from typing import Any, Iterator

from connectors._http import JsonClient
from connectors._options import Options
from connectors._text import html_to_text, parse_time
from connectors._window import Tracker, Window
from monitor.errors import TerminalError
from monitor.types import HttpPolicy, Mention, Page

_ITEM_URL = "https://news.ycombinator.com/item?id="


class HackerNewsConnector:
    """Stories and comments matching a query, newest first."""

    kind = "hackernews"
    platform = "hackernews"
    KEYS = ("query", "tags", "base_url", "max_pages", "hits_per_page", "overlap_seconds")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.query = options.text("query", required=True)
        self.tags = options.text("tags", default="(story,comment)")
        self.base_url = options.url("base_url", default="https://hn.algolia.com")
        self.max_pages = options.integer("max_pages", 10, high=1000)
        self.hits_per_page = options.integer("hits_per_page", 100, high=1000)
        self.overlap = options.integer("overlap_seconds", 600, low=0)
        self._client = JsonClient(self.base_url, http)

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages of hits newer than the cursor; the last page carries the advanced cursor."""
        tracker = Tracker(Window.from_cursor(cursor))
        filters = self._filters(tracker.window)
        for number in range(self.max_pages):
            params = {"query": self.query, "tags": self.tags, "hitsPerPage": self.hits_per_page, "page": number}
            if filters:
                params["numericFilters"] = ",".join(filters)
            body = self._client.get_json("/api/v1/search_by_date", params)
            hits = _hits(body)
            for hit in hits:
                tracker.saw(int(hit["created_at_i"]))
            exhausted = not hits or number + 1 >= int(body.get("nbPages") or 0)
            last = exhausted or number == self.max_pages - 1
            yield Page(mentions=tuple(self._mention(h) for h in hits),
                       cursor=tracker.cursor(exhausted) if last else None)
            if exhausted:
                return

    def _filters(self, window: Window) -> list[str]:
        filters = []
        if window.since is not None:
            filters.append(f"created_at_i>{int(window.since) - self.overlap}")
        if window.until is not None:
            filters.append(f"created_at_i<={int(window.until)}")  # ties at the gap's edge: the store dedupes
        return filters

    def _mention(self, hit: dict) -> Mention:
        title = hit.get("title") or hit.get("story_title") or None
        body = hit.get("comment_text") or hit.get("story_text") or ""
        text = html_to_text(body) or (hit.get("title") or "")
        raw = {k: v for k, v in hit.items() if k != "_highlightResult"}  # highlights double the size
        return Mention(platform=self.platform, external_id=str(hit["objectID"]),
                       author=hit.get("author") or "unknown", created_at=parse_time(int(hit["created_at_i"])),
                       text=text, title=title, url=_ITEM_URL + str(hit["objectID"]),
                       parent_id=str(hit["parent_id"]) if hit.get("parent_id") else None,
                       thread_id=str(hit["story_id"]) if hit.get("story_id") else None, raw=raw)

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()


def _hits(body: Any) -> list[dict]:
    if not isinstance(body, dict) or not isinstance(body.get("hits"), list):
        raise TerminalError("unexpected reply from search_by_date: expected a JSON object with 'hits'")
    for hit in body["hits"]:
        if not isinstance(hit, dict) or "objectID" not in hit or "created_at_i" not in hit:
            raise TerminalError("unexpected reply from search_by_date: a hit lacks objectID or created_at_i")
    return body["hits"]
