"""Mastodon through Mastodon.py: hashtag timelines and status search on one instance.

Hashtags page oldest-first from the cursor with `min_id`, so every page advances the cursor. Search lists
newest first, so its cursor moves on its last page only (connectors._window).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from mastodon import Mastodon
from mastodon import errors as mastodon_errors

from connectors._http import requests_session
from connectors._options import Options
from connectors._text import html_to_text, jsonable, parse_time
from connectors._window import Tracker, Window
from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.types import HttpPolicy, Mention, Page


class MastodonConnector:
    """Statuses under chosen hashtags and/or matching a search query on one Mastodon instance."""

    kind = "mastodon"
    platform = "mastodon"
    KEYS = ("base_url", "hashtags", "query", "access_token_env", "limit", "max_pages")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.base_url = options.url("base_url", required=True)
        self.hashtags = tuple(tag.lstrip("#") for tag in options.texts("hashtags"))
        self.query = options.text("query")
        if not self.hashtags and not self.query:
            raise options.error("hashtags", "hashtags and/or query to be set")
        self.limit = options.integer("limit", 40, high=40)
        self.max_pages = options.integer("max_pages", 10, high=1000)
        token = options.secret("access_token_env", required=False)
        self.auth_hint = (f"check the token in ${source['access_token_env']}" if token
                          else "this instance may need access_token_env (search needs a token)")
        self.host = urlsplit(self.base_url).netloc
        self.http = http
        # A stated version skips Mastodon.py's version probe, which recurses without end when /api/v1/instance
        # fails; every endpoint used here exists since Mastodon 2.6.
        self._api = Mastodon(api_base_url=self.base_url, access_token=token, request_timeout=http.timeout,
                             ratelimit_method="throw", version_check_mode="created", mastodon_version="4.0.0",
                             session=requests_session(http), user_agent=http.user_agent)

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages of new statuses, each with the cursor of every stream so far."""
        state = dict(cursor or {})
        for tag in self.hashtags:
            yield from self._hashtag_pages(tag, state)
        if self.query:
            yield from self._search_pages(state)

    def _hashtag_pages(self, tag: str, state: dict) -> Iterator[Page]:
        key = f"tag:{tag}"
        since = state.get(key)
        page = self._call(lambda: self._api.timeline_hashtag(tag, min_id=since, limit=self.limit), f"#{tag}")
        for number in range(self.max_pages):
            if not page:
                return
            state[key] = str(max(int(s["id"]) for s in page))
            yield Page(mentions=tuple(self._mention(s) for s in page), cursor=dict(state))
            if since is None or len(page) < self.limit or number == self.max_pages - 1:
                return  # a first run starts from the newest page; it does not backfill the instance
            previous = page
            page = self._call(lambda: self._api.fetch_previous(previous), f"#{tag} newer")

    def _search_pages(self, state: dict) -> Iterator[Page]:
        tracker = Tracker(Window.from_cursor(state.get("search")), key=int)
        max_id = tracker.window.until
        for number in range(self.max_pages):
            result = self._call(lambda: self._api.search_v2(
                self.query, resolve=False, result_type="statuses", min_id=tracker.window.since, max_id=max_id,
                limit=self.limit), "search")
            statuses = list(result.get("statuses") or [])
            for status in statuses:
                tracker.saw(str(status["id"]))
            exhausted = len(statuses) < self.limit
            last = exhausted or number == self.max_pages - 1
            if last:
                state["search"] = tracker.cursor(exhausted)
            yield Page(mentions=tuple(self._mention(s) for s in statuses), cursor=dict(state) if last else None)
            if last:
                return
            max_id = min(int(s["id"]) for s in statuses)

    def _call(self, fn: Callable[[], Any], what: str) -> Any:
        return self.http.retry(lambda: self._translated(fn, what), what)

    def _translated(self, fn: Callable[[], Any], what: str) -> Any:
        try:
            return fn()
        except ArcwatchError:
            raise
        except mastodon_errors.MastodonRatelimitError:
            reset = self._api.ratelimit_reset
            wait = max(0.0, reset - time.time()) if reset else None
            raise TransientError(f"rate limited by {self.host} ({what})", retry_after=wait) from None
        except mastodon_errors.MastodonNetworkError as exc:
            text = str(exc).lower()
            if "timed out" in text or "timeout" in text:
                raise TransientError(f"timed out after {self.http.timeout:g}s waiting for {self.host} ({what})") \
                    from None
            if "refused" in text:
                raise TransientError(f"connection refused by {self.host} ({what})") from None
            raise TransientError(f"network error talking to {self.host} ({what}): {str(exc)[:300]}") from None
        except mastodon_errors.MastodonServerError as exc:
            raise TransientError(f"server error (HTTP {_status(exc)}) from {self.host} ({what})") from None
        except mastodon_errors.MastodonUnauthorizedError as exc:
            raise TerminalError(f"credentials rejected (HTTP {_status(exc)}) by {self.host}; {self.auth_hint}") \
                from None
        except mastodon_errors.MastodonAPIError as exc:
            status = _status(exc)
            if status in (401, 403):
                raise TerminalError(f"credentials rejected (HTTP {status}) by {self.host}; {self.auth_hint}") \
                    from None
            if status is None:
                raise TerminalError(f"malformed reply from {self.host} ({what}): {str(exc)[:200]}") from None
            raise TerminalError(f"request refused (HTTP {status}) by {self.host} ({what}): "
                                f"{str(exc)[:200]}") from None

    def _mention(self, status: dict) -> Mention:
        account = status.get("account") or {}
        acct = account.get("acct") or account.get("username") or "unknown"
        if "@" not in acct:  # local accounts are listed without their instance
            acct = f"{acct}@{self.host}"
        text = html_to_text(status.get("content"))
        if status.get("spoiler_text"):
            text = f"{status['spoiler_text']}\n\n{text}"
        return Mention(platform=self.platform, external_id=str(status.get("uri") or status["id"]),
                       author=acct, author_id=account.get("url"), created_at=parse_time(status["created_at"]),
                       text=text, url=status.get("url") or status.get("uri"), lang=status.get("language"),
                       parent_id=str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None,
                       raw=jsonable(dict(status)))

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._api.session.close()


def _status(exc: Exception) -> int | None:
    for arg in exc.args:
        if isinstance(arg, int):
            return arg
    return None


