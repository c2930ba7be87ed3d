"""RSS and Atom feeds through feedparser: blogs, message boards, Google Alerts. Conditional GETs.

The cursor keeps the feed's ETag and Last-Modified, and a bounded map of entry id -> content digest so
unchanged entries are not rescored and edited ones are stored again (the store updates them).
"""
from __future__ import annotations

import calendar
import hashlib
from datetime import datetime, timezone
from typing import Any, Iterator
from urllib.parse import urlsplit

import feedparser

from connectors._http import JsonClient
from connectors._options import Options
from connectors._text import html_to_text, jsonable, matches_terms
from monitor.errors import TerminalError
from monitor.types import HttpPolicy, Mention, Page

_ACCEPT = "application/atom+xml, application/rss+xml, application/rdf+xml, application/xml;q=0.9, */*;q=0.5"


class RssConnector:
    """One RSS/Atom feed; entries matching `terms` (all if none) become mentions."""

    kind = "rss"
    platform = "rss"
    KEYS = ("url", "terms", "seen_limit")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.url = options.url("url", required=True)
        self.terms = options.texts("terms")
        self.seen_limit = options.integer("seen_limit", 1000, low=10, high=100_000)
        self._client = JsonClient("", http)

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield one page: the feed's new or changed entries, and the cursor to store after them."""
        cursor = cursor or {}
        headers = {"Accept": _ACCEPT}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("modified"):
            headers["If-Modified-Since"] = cursor["modified"]
        response = self._client.get(self.url, headers=headers)
        if response.status_code == 304:  # unchanged since the last fetch
            yield Page(mentions=())
            return
        feed = feedparser.parse(response.content, response_headers={k.lower(): v for k, v in
                                                                    response.headers.items()})
        if not feed.entries and (feed.bozo or not feed.version):
            reason = feed.get("bozo_exception") or "no RSS or Atom document found"
            raise TerminalError(f"malformed feed at {self.url}: {reason}")
        seen: dict[str, str] = dict(cursor.get("seen") or {})
        fresh: dict[str, str] = {}
        mentions = []
        fallback_author = feed.feed.get("title") or urlsplit(self.url).netloc
        for entry in feed.entries:
            mention = self._mention(entry, fallback_author)
            digest = hashlib.sha1(f"{mention.title}\n{mention.text}".encode()).hexdigest()[:12]
            fresh[mention.external_id] = digest
            if seen.get(mention.external_id) == digest:
                continue
            if matches_terms(f"{mention.title or ''}\n{mention.text}", self.terms):
                mentions.append(mention)
        merged = {**fresh, **{k: v for k, v in seen.items() if k not in fresh}}
        new_cursor = {"etag": response.headers.get("etag"), "modified": response.headers.get("last-modified"),
                      "seen": dict(list(merged.items())[: self.seen_limit])}
        yield Page(mentions=tuple(mentions), cursor=new_cursor)

    def _mention(self, entry: Any, fallback_author: str) -> Mention:
        link = entry.get("link")
        body = entry.get("content", [{}])[0].get("value") if entry.get("content") else entry.get("summary")
        title = html_to_text(entry.get("title")) or None
        text = html_to_text(body) or title or ""
        external_id = entry.get("id") or link or _digest_id(self.url, title, text)
        return Mention(platform=self.platform, external_id=str(external_id)[:256],
                       author=_author(entry) or fallback_author, created_at=_entry_time(entry),
                       text=text, title=title, url=link, lang=entry.get("language"),
                       raw=jsonable({k: v for k, v in entry.items() if not k.endswith("_parsed")}))

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()


def _author(entry: Any) -> str | None:
    detail = entry.get("author_detail") or {}
    return (entry.get("author") or detail.get("name") or detail.get("email") or "").strip() or None


def _entry_time(entry: Any) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    return datetime.now(timezone.utc)  # undated entries count from when we first saw them


def _digest_id(feed_url: str, title: str | None, text: str) -> str:
    return "sha1:" + hashlib.sha1(f"{feed_url}\n{title}\n{text}".encode()).hexdigest()
