"""A Discourse forum: the latest posts (`/posts.json`), or `/search.json` when a query is set.

Both list newest first; the cursor is the highest post id stored (see connectors._window).
"""
from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import urlsplit

from connectors._http import JsonClient
from connectors._options import Options
from connectors._text import html_to_text, matches_terms, parse_time
from connectors._window import Tracker, Window
from monitor.errors import TerminalError
from monitor.types import HttpPolicy, Mention, Page


class DiscourseConnector:
    """Posts of one Discourse forum that match `terms` (latest posts) or `query` (search)."""

    kind = "discourse"
    platform = "discourse"
    KEYS = ("base_url", "query", "terms", "api_key_env", "api_username", "max_pages")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.base_url = options.url("base_url", required=True)
        self.query = options.text("query")
        self.terms = options.texts("terms")
        self.max_pages = options.integer("max_pages", 10, high=1000)
        key = options.secret("api_key_env", required=False)
        headers = {}
        if key:  # private forums: an API key with a user to act as
            headers = {"Api-Key": key, "Api-Username": options.text("api_username", default="system")}
        hint = f"check the key in ${source['api_key_env']}" if key else "this forum may need api_key_env"
        self.host = urlsplit(self.base_url).netloc
        self._client = JsonClient(self.base_url, http, headers=headers, auth_hint=hint)

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages of posts newer than the cursor; the last page carries the advanced cursor."""
        tracker = Tracker(Window.from_cursor(cursor), key=int)
        pages = self._search_pages(tracker) if self.query else self._latest_pages(tracker)
        for posts, last, exhausted in pages:
            mentions = []
            for post in posts:
                tracker.saw(int(post["id"]))
                mention = self._mention(post)
                if matches_terms(f"{mention.title or ''}\n{mention.text}", self.terms):
                    mentions.append(mention)
            yield Page(mentions=tuple(mentions), cursor=tracker.cursor(exhausted) if last else None)

    def _in_window(self, posts: list[dict], window: Window) -> tuple[list[dict], bool]:
        """The posts newer than `since` (and older than `until`), and whether `since` was reached."""
        keep = [p for p in posts if (window.since is None or int(p["id"]) > int(window.since))
                and (window.until is None or int(p["id"]) < int(window.until))]
        reached = window.since is not None and any(int(p["id"]) <= int(window.since) for p in posts)
        return keep, reached

    def _latest_pages(self, tracker: Tracker) -> Iterator[tuple[list[dict], bool, bool]]:
        window = tracker.window
        before = window.until
        for number in range(self.max_pages):
            params = {"before": before} if before is not None else None
            body = self._client.get_json("/posts.json", params)
            posts = _list_of(body, "latest_posts", "/posts.json")
            keep, reached = self._in_window(posts, window)
            exhausted = reached or not posts
            yield keep, exhausted or number == self.max_pages - 1, exhausted
            if exhausted:
                return
            before = min(int(p["id"]) for p in posts)

    def _search_pages(self, tracker: Tracker) -> Iterator[tuple[list[dict], bool, bool]]:
        window = tracker.window
        for number in range(self.max_pages):
            body = self._client.get_json("/search.json", {"q": f"{self.query} order:latest",
                                                           "page": number + 1})
            posts = _list_of(body, "posts", "/search.json")
            keep, reached = self._in_window(posts, window)
            more = bool((body.get("grouped_search_result") or {}).get("more_full_page_results"))
            exhausted = reached or not posts or not more
            yield keep, exhausted or number == self.max_pages - 1, exhausted
            if exhausted:
                return

    def _mention(self, post: dict) -> Mention:
        text = post.get("raw") or html_to_text(post.get("cooked")) or html_to_text(post.get("blurb"))
        topic, slug = post.get("topic_id"), post.get("topic_slug") or "-"
        url = f"{self.base_url}/t/{slug}/{topic}/{post.get('post_number', 1)}" if topic else None
        created = parse_time(post.get("created_at"))
        if created is None:
            raise TerminalError(f"post {post.get('id')} from {self.base_url} has no readable created_at")
        return Mention(platform=self.platform, external_id=f"{self.host}:{post['id']}",
                       author=post.get("username") or "unknown",
                       author_id=str(post["user_id"]) if post.get("user_id") is not None else None,
                       created_at=created, text=text or "", title=post.get("topic_title") or None,
                       url=url, thread_id=f"{self.host}:t{topic}" if topic else None, raw=post,
                       deleted=bool(post.get("deleted_at") or post.get("user_deleted")))

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.close()


def _list_of(body: Any, key: str, path: str) -> list[dict]:
    if not isinstance(body, dict):
        raise TerminalError(f"unexpected reply from {path}: expected a JSON object with {key!r}")
    items = body.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i for i in items):
        raise TerminalError(f"unexpected reply from {path}: {key!r} is not a list of posts")
    return items
