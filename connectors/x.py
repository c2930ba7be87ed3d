"""X (Twitter) through tweepy's v2 Client: recent search for a query, and a brand account's mentions.

Each stream pages newest first with tweepy.Paginator; the cursor is the newest tweet id stored (`since_id`),
moved on the last page only (connectors._window). X's terms require honouring deletes, so each run also
looks up the ids it fetched most recently and reports those X no longer returns as deleted.
"""
from __future__ import annotations

import functools
import logging
import re
import time
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import requests
import tweepy

from connectors._http import network_error, requests_session, retry_after_seconds
from connectors._options import Options
from connectors._window import Tracker, Window
from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.types import HttpPolicy, Mention, Page

_API = "https://api.twitter.com"
_TWEET_FIELDS = ["author_id", "created_at", "conversation_id", "lang", "referenced_tweets", "in_reply_to_user_id"]
_USER_FIELDS = ["username", "name"]
_TWEPOCH_MS = 1288834974657  # X snowflake ids carry their creation time in milliseconds since this

# tweepy logs every request's headers, bearer token included, at DEBUG: never let `-v` print a secret.
logging.getLogger("tweepy.client").setLevel(max(logging.INFO, logging.getLogger("tweepy.client").level))


class XConnector:
    """Recent tweets matching `query` and/or mentioning the account `mentions_of`."""

    kind = "x"
    platform = "twitter"
    KEYS = ("query", "mentions_of", "bearer_token_env", "base_url", "max_pages", "page_size", "recheck")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.query = options.text("query")
        self.mentions_of = options.text("mentions_of")
        if not self.query and not self.mentions_of:
            raise options.error("query", "query and/or mentions_of to be set")
        token_env = options.text("bearer_token_env", default="X_BEARER_TOKEN")
        token = options.secret("bearer_token_env", required=True, default_env="X_BEARER_TOKEN")
        self.auth_hint = f"check the bearer token in ${token_env}"
        self.max_pages = options.integer("max_pages", 10, high=1000)
        self.page_size = options.integer("page_size", 100, low=10, high=100)
        self.recheck = options.integer("recheck", 100, low=0, high=100)
        self.http = http
        self._client = tweepy.Client(bearer_token=token, wait_on_rate_limit=False)
        self._client.session = requests_session(http, origin=_API, base_url=options.url("base_url"))
        self._user_id: str | None = None

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield deletes found by re-checking, then pages of new tweets per stream."""
        state = dict(cursor or {})
        recent = [str(i) for i in state.get("recheck") or []]
        if recent and self.recheck:
            gone = self._deleted_among(recent)
            recent = [i for i in recent if i not in gone]
            if gone:
                state["recheck"] = recent
                yield Page(mentions=(), deleted_ids=tuple(sorted(gone)), cursor=dict(state))
        if self.query:
            yield from self._stream("search", self._client.search_recent_tweets, (self.query,), state)
        if self.mentions_of:
            yield from self._stream("mentions", self._client.get_users_mentions, (self._account_id(),), state)

    def _stream(self, name: str, method: Callable, args: tuple, state: dict) -> Iterator[Page]:
        tracker = Tracker(Window.from_cursor(state.get(name)), key=int)
        window = tracker.window
        paginator = tweepy.Paginator(self._retried(method, name), *args, limit=self.max_pages,
                                     since_id=window.since, until_id=window.until, max_results=self.page_size,
                                     tweet_fields=_TWEET_FIELDS, expansions=["author_id"], user_fields=_USER_FIELDS)
        pages = iter(paginator)
        response, number = self._next(pages), 0
        while response is not None:
            number += 1
            following = None if number >= self.max_pages else self._next(pages)
            mentions = _mentions(response)
            for mention in mentions:
                tracker.saw(mention.external_id)
            fetched = [m.external_id for m in mentions]
            state["recheck"] = (fetched + [i for i in state.get("recheck") or [] if i not in fetched])[: self.recheck]
            last = following is None
            if last:
                state[name] = tracker.cursor(exhausted="next_token" not in (response.meta or {}))
            yield Page(mentions=tuple(mentions), cursor=dict(state) if last else None)
            response = following

    def _next(self, pages: Iterator) -> Any:
        try:
            return next(pages)
        except StopIteration:
            return None

    def _retried(self, method: Callable, what: str) -> Callable:
        @functools.wraps(method)  # tweepy.Paginator picks the token parameter by the method's name
        def call(*args, **kwargs):
            return self.http.retry(lambda: self._translated(lambda: method(*args, **kwargs), what), what)
        return call

    def _account_id(self) -> str:
        if self._user_id is None:
            if re.fullmatch(r"\d+", self.mentions_of):
                self._user_id = self.mentions_of
            else:
                lookup = self._retried(self._client.get_user, "user lookup")
                user = lookup(username=self.mentions_of.lstrip("@")).data
                if user is None:
                    raise TerminalError(f"X account {self.mentions_of!r} (mentions_of) was not found")
                self._user_id = str(user.id)
        return self._user_id

    def _deleted_among(self, ids: list[str]) -> set[str]:
        lookup = self._retried(self._client.get_tweets, "delete check")
        response = lookup(ids=ids[:100])
        gone = set()
        for error in response.errors or []:
            if error.get("resource_type") == "tweet" and "not-found" in str(error.get("type", "")):
                gone.add(str(error.get("resource_id") or error.get("value")))
        return gone & set(ids)

    def _translated(self, fn: Callable[[], Any], what: str) -> Any:
        try:
            return fn()
        except ArcwatchError:
            raise
        except tweepy.TooManyRequests as exc:
            wait = max(0.0, exc.reset_time - time.time()) if exc.reset_time else \
                retry_after_seconds(exc.response.headers)
            raise TransientError(f"rate limited by X ({what}); the limit resets in {wait or 0:.0f}s",
                                 retry_after=wait) from None
        except tweepy.TwitterServerError as exc:
            raise TransientError(f"X server error (HTTP {exc.response.status_code}) during {what}") from None
        except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
            raise TerminalError(f"credentials rejected (HTTP {exc.response.status_code}) by X during {what}; "
                                f"{self.auth_hint}: {'; '.join(exc.api_messages)[:200]}") from None
        except tweepy.HTTPException as exc:
            raise TerminalError(f"X refused {what} (HTTP {exc.response.status_code}): "
                                f"{'; '.join(exc.api_messages)[:200]}") from None
        except requests.RequestException as exc:
            if isinstance(exc, requests.exceptions.JSONDecodeError):
                raise TerminalError(f"malformed JSON from X during {what}: {exc}") from None
            raise network_error(exc, exc.request.url if exc.request else _API, self.http.timeout) from None
        except ValueError as exc:
            raise TerminalError(f"malformed JSON from X during {what}: {exc}") from None

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._client.session.close()


def _mentions(response: Any) -> list[Mention]:
    users = {str(u.id): u for u in (response.includes or {}).get("users", [])}
    return [_mention(tweet, users.get(str(tweet.author_id))) for tweet in response.data or []]


def _mention(tweet: Any, user: Any) -> Mention:
    tid = str(tweet.id)
    handle = user.username if user is not None else None
    author = handle or (f"id:{tweet.author_id}" if tweet.author_id else "unknown")
    parent = next((str(r.id) for r in tweet.referenced_tweets or [] if r.type == "replied_to"), None)
    created = tweet.created_at or datetime.fromtimestamp(((int(tid) >> 22) + _TWEPOCH_MS) / 1000, tz=timezone.utc)
    return Mention(platform="twitter", external_id=tid, author=author,
                   author_id=str(tweet.author_id) if tweet.author_id else None, created_at=created,
                   text=tweet.text, url=f"https://x.com/{handle or 'i/web'}/status/{tid}",
                   parent_id=parent, thread_id=str(tweet.conversation_id) if tweet.conversation_id else None,
                   lang=tweet.lang, raw={"data": tweet.data, "author": user.data if user is not None else None})
