"""Bluesky through the atproto SDK: `app.bsky.feed.searchPosts`, latest first.

The cursor is the newest `indexedAt` stored; each run reaches back `overlap_seconds` further because the
search index lags, and the store's unique key absorbs the overlap (connectors._window keeps gaps).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable, Iterator

import httpx
from atproto import Client
from atproto_client import exceptions as at_errors
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import Request
from pydantic import ValidationError

from connectors._http import retry_after_seconds
from connectors._options import Options
from connectors._text import parse_time
from connectors._window import Tracker, Window
from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.types import HttpPolicy, Mention, Page

_PUBLIC = "https://public.api.bsky.app"  # the AppView, for search without an account
_PDS = "https://bsky.social"


class BlueskyConnector:
    """Posts matching a search query."""

    kind = "bluesky"
    platform = "bluesky"
    KEYS = ("query", "base_url", "handle_env", "app_password_env", "lang", "limit", "max_pages",
            "overlap_seconds")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.query = options.text("query", required=True)
        handle = options.secret("handle_env", required=False)
        password = options.secret("app_password_env", required="handle_env" in source)
        self.credentials = (handle, password) if handle and password else None
        self.base_url = options.url("base_url", default=_PDS if self.credentials else _PUBLIC)
        self.lang = options.text("lang")
        self.limit = options.integer("limit", 100, high=100)
        self.max_pages = options.integer("max_pages", 10, high=1000)
        self.overlap = timedelta(seconds=options.integer("overlap_seconds", 600, low=0))
        self.auth_hint = ("check the handle and app password in the environment variables named by "
                          "handle_env / app_password_env" if self.credentials
                          else "search may need an account: set handle_env and app_password_env")
        self.http = http
        self._client = Client(base_url=self.base_url,
                              request=Request(timeout=http.timeout, headers={"User-Agent": http.user_agent}))
        self._logged_in = False

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages of posts newer than the cursor; the last page carries the advanced cursor."""
        if self.credentials and not self._logged_in:
            self._call(lambda: self._client.login(*self.credentials, fetch_bsky_profile=False), "login")
            self._logged_in = True  # the SDK refreshes the session itself from here on
        tracker = Tracker(Window.from_cursor(cursor), key=parse_time)
        params = self._params(tracker.window)
        for number in range(self.max_pages):
            response = self._call(lambda: self._client.app.bsky.feed.search_posts(params=dict(params)),
                                  "searchPosts")
            posts = list(response.posts or [])
            for post in posts:
                tracker.saw(post.indexed_at)
            exhausted = not posts or not response.cursor
            last = exhausted or number == self.max_pages - 1
            yield Page(mentions=tuple(self._mention(p) for p in posts),
                       cursor=tracker.cursor(exhausted) if last else None)
            if last:
                return
            params["cursor"] = response.cursor

    def _params(self, window: Window) -> dict[str, Any]:
        params: dict[str, Any] = {"q": self.query, "sort": "latest", "limit": self.limit}
        if self.lang:
            params["lang"] = self.lang
        if window.since is not None:
            params["since"] = _iso(parse_time(window.since) - self.overlap)
        if window.until is not None:
            params["until"] = _iso(parse_time(window.until) + timedelta(milliseconds=1))  # until is exclusive
        return params

    def _call(self, fn: Callable[[], Any], what: str) -> Any:
        return self.http.retry(lambda: self._translated(fn, what), what)

    def _translated(self, fn: Callable[[], Any], what: str) -> Any:
        where = f"{self.base_url} ({what})"
        try:
            return fn()
        except ArcwatchError:
            raise
        except at_errors.InvokeTimeoutError:
            raise TransientError(f"timed out after {self.http.timeout:g}s waiting for {where}") from None
        except at_errors.RateLimitExceededError as exc:
            headers = exc.response.headers if exc.response else None
            raise TransientError(f"rate limited (HTTP 429) by {where}",
                                 retry_after=retry_after_seconds(headers)) from None
        except at_errors.UnauthorizedError as exc:
            raise TerminalError(f"credentials rejected ({exc}) by {where}; {self.auth_hint}") from None
        except at_errors.NetworkError as exc:
            cause = exc.__cause__
            if isinstance(cause, httpx.ConnectError) and "refused" in str(cause).lower():
                raise TransientError(f"connection refused by {where}") from None
            raise TransientError(f"network error talking to {where}: {cause or exc}") from None
        except at_errors.RequestException as exc:
            status = exc.response.status_code if exc.response else 0
            error = TransientError if status >= 500 else TerminalError
            raise error(f"request failed (HTTP {status}) at {where}: {str(exc)[:200]}") from None
        except (ValueError, ValidationError, at_errors.ModelError) as exc:
            raise TerminalError(f"malformed reply from {where}: {str(exc)[:200]}") from None

    def _mention(self, post: Any) -> Mention:
        record = post.record
        handle = post.author.handle
        rkey = post.uri.rsplit("/", 1)[-1]
        reply = getattr(record, "reply", None)
        langs = getattr(record, "langs", None) or []
        created = parse_time(getattr(record, "created_at", None)) or parse_time(post.indexed_at)
        return Mention(platform=self.platform, external_id=post.uri, author=handle, author_id=post.author.did,
                       created_at=created, text=getattr(record, "text", "") or "",
                       url=f"https://bsky.app/profile/{handle}/post/{rkey}", lang=langs[0] if langs else None,
                       parent_id=reply.parent.uri if reply else None, thread_id=reply.root.uri if reply else None,
                       raw=get_model_as_dict(post))

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.request.close()


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
