"""Reddit through praw: search, or the new submissions and comments of chosen subreddits, filtered by terms.

Listings come newest first. The cursor per stream is the newest creation time stored plus the fullnames
seen at that second; it moves on the stream's last page only. Reddit lists at most `limit` (<= 1000)
items per listing, so a run that finds more new items than that cannot reach the older ones.
Each run also re-reads the `recheck` most recent items in one /api/info call, so that edits and
deletions ("[deleted]", "[removed]") made after we fetched them reach the store.
"""
from __future__ import annotations

import hashlib
import math
from typing import Any, Callable, Iterator

import praw
import prawcore

from connectors._http import requests_session, retry_after_seconds
from connectors._options import Options
from connectors._text import jsonable, matches_terms, parse_time
from monitor.errors import ArcwatchError, TerminalError, TransientError
from monitor.types import HttpPolicy, Mention, Page

_DELETED = ("[deleted]", "[removed]")
_END = object()


class _NoRetry(prawcore.sessions.FiniteRetryStrategy):
    """prawcore retries 5xx and dropped connections itself; Arcwatch retries in one place instead."""

    def __init__(self, retries: int = 0):
        object.__setattr__(self, "retries", 0)

    def _sleep_seconds(self) -> float | None:
        return None  # prawcore would sleep 2-4 s before a first attempt when retries are exhausted


class RedditConnector:
    """Reddit submissions and comments that mention the brand."""

    kind = "reddit"
    platform = "reddit"
    KEYS = ("subreddits", "query", "terms", "include", "client_id_env", "client_secret_env", "user_agent",
            "base_url", "limit", "page_size", "recheck")

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy):
        options = Options(source, self.KEYS)
        self.subreddits = options.texts("subreddits")
        self.query = options.text("query")
        self.terms = options.texts("terms")
        if not self.subreddits and not self.query:
            raise options.error("subreddits", "subreddits and/or query to be set")
        include = options.texts("include") or ("submissions", "comments")
        if not set(include) <= {"submissions", "comments"}:
            raise options.error("include", "a list of 'submissions' and/or 'comments'", list(include))
        self.include = include
        client_id = options.secret("client_id_env", required=True, default_env="REDDIT_CLIENT_ID")
        secret = options.secret("client_secret_env", required=True, default_env="REDDIT_CLIENT_SECRET")
        self.auth_hint = (f"check ${options.text('client_id_env', default='REDDIT_CLIENT_ID')} and "
                          f"${options.text('client_secret_env', default='REDDIT_CLIENT_SECRET')}")
        self.limit = options.integer("limit", 1000, high=1000)
        self.page_size = options.integer("page_size", 100, high=1000)
        self.recheck = options.integer("recheck", 100, low=0, high=100)
        self.http = http
        base = options.url("base_url")
        hosts = {"oauth_url": base, "reddit_url": base} if base else {}
        self._reddit = praw.Reddit(client_id=client_id, client_secret=secret, check_for_updates=False,
                                   user_agent=options.text("user_agent", default=http.user_agent),
                                   timeout=max(1, math.ceil(http.timeout)),
                                   requestor_kwargs={"session": requests_session(http)}, **hosts)
        for core in (self._reddit._core, self._reddit._read_only_core, self._reddit._authorized_core):
            if core is not None and hasattr(core, "_retry_strategy_class"):
                core._retry_strategy_class = _NoRetry
        self._reddit.read_only = True

    def fetch(self, cursor: dict | None) -> Iterator[Page]:
        """Yield pages of new matching items per stream; each stream's last page carries its cursor."""
        state = dict(cursor or {})
        watched: dict[str, str] = dict(state.get("recheck") or {})
        if watched and self.recheck:
            changed = self._rechecked(watched)
            if changed:
                state["recheck"] = watched
                yield Page(mentions=tuple(changed), cursor=dict(state))
        for name, listing in self._streams():
            yield from self._pages(name, listing, state)

    def _rechecked(self, watched: dict[str, str]) -> list[Mention]:
        """Items whose text changed or that were deleted since we fetched them; updates `watched`."""
        things = self._call(lambda: list(self._reddit.info(fullnames=list(watched)[:100])), "info")
        changed = []
        for thing in things:
            if thing.fullname not in watched:
                continue
            mention = self._mention(thing)
            digest = _digest(mention)
            if watched.get(thing.fullname) != digest:
                watched[thing.fullname] = digest
                changed.append(mention)
        return changed

    def _watch(self, state: dict, mentions: list[Mention]) -> None:
        fresh = {m.external_id: _digest(m) for m in mentions}
        old = {k: v for k, v in (state.get("recheck") or {}).items() if k not in fresh}
        state["recheck"] = dict(list({**fresh, **old}.items())[: self.recheck])

    def _streams(self) -> Iterator[tuple[str, Callable[[], Any]]]:
        subs = "+".join(self.subreddits) or "all"
        subreddit = self._reddit.subreddit(subs)
        if self.query:
            yield "search", lambda: subreddit.search(self.query, sort="new", time_filter="all", limit=self.limit)
            return
        if "submissions" in self.include:
            yield "submissions", lambda: subreddit.new(limit=self.limit)
        if "comments" in self.include:
            yield "comments", lambda: subreddit.comments(limit=self.limit)

    def _pages(self, name: str, listing: Callable[[], Any], state: dict) -> Iterator[Page]:
        old = state.get(name) or {}
        since, seen_at_since = old.get("created"), set(old.get("ids") or [])
        newest, ids_at_newest = since, set(seen_at_since)
        items = self._call(listing, name)
        batch: list[Mention] = []
        while True:
            item = self._call(lambda: next(items, _END), name)
            if item is not _END:
                created = float(item.created_utc)
                if since is not None and (created < since or (created == since and item.fullname in seen_at_since)):
                    item = _END  # reached what is already stored
            if item is _END:
                self._watch(state, batch)
                if newest is not None:
                    state[name] = {"created": newest, "ids": sorted(ids_at_newest)}
                yield Page(mentions=tuple(batch), cursor=dict(state))
                return
            if newest is None or created > newest:
                newest, ids_at_newest = created, {item.fullname}
            elif created == newest:
                ids_at_newest.add(item.fullname)
            mention = self._mention(item)
            if matches_terms(f"{mention.title or ''}\n{mention.text}", self.terms):
                batch.append(mention)
            if len(batch) >= self.page_size:
                self._watch(state, batch)
                yield Page(mentions=tuple(batch))
                batch = []

    def _call(self, fn: Callable[[], Any], what: str) -> Any:
        return self.http.retry(lambda: self._translated(fn, what), f"r/{what}")

    def _translated(self, fn: Callable[[], Any], what: str) -> Any:
        try:
            return fn()
        except ArcwatchError:
            raise
        except prawcore.TooManyRequests as exc:
            raise TransientError(f"rate limited by Reddit ({what})",
                                 retry_after=retry_after_seconds(exc.response.headers)) from None
        except prawcore.ServerError as exc:
            raise TransientError(f"Reddit server error (HTTP {exc.response.status_code}) during {what}") from None
        except (prawcore.OAuthException, prawcore.Forbidden, prawcore.InvalidToken) as exc:
            raise TerminalError(f"credentials rejected by Reddit during {what}; {self.auth_hint}: {exc}") from None
        except prawcore.BadJSON as exc:
            raise TerminalError(f"malformed JSON from Reddit during {what}: {exc}") from None
        except prawcore.ResponseException as exc:
            status = exc.response.status_code
            if status == 429:  # the token endpoint answers 429 as a plain ResponseException
                raise TransientError(f"rate limited by Reddit ({what})",
                                     retry_after=retry_after_seconds(exc.response.headers)) from None
            if status == 401:
                raise TerminalError(f"credentials rejected (HTTP 401) by Reddit; {self.auth_hint}") from None
            if status >= 500:
                raise TransientError(f"Reddit server error (HTTP {status}) during {what}") from None
            raise TerminalError(f"Reddit refused {what} (HTTP {status})") from None
        except prawcore.RequestException as exc:
            original = exc.original_exception
            text = str(original).lower()
            kind = "timed out" if "timed out" in text or "timeout" in text else \
                "connection refused" if "refused" in text else "network error"
            raise TransientError(f"{kind} talking to Reddit during {what}: "
                                 f"{type(original).__name__}: {str(original)[:200]}") from None
        except prawcore.PrawcoreException as exc:
            raise TerminalError(f"Reddit request failed during {what}: {exc}") from None
        except ValueError as exc:
            raise TerminalError(f"malformed reply from Reddit during {what}: {exc}") from None

    def _mention(self, item: Any) -> Mention:
        # Read the listing's own fields only: praw fetches missing attributes lazily, over the network.
        data = {k: v for k, v in vars(item).items() if not k.startswith("_")}
        author = str(data["author"]) if data.get("author") else "[deleted]"
        common = {"platform": self.platform, "external_id": item.fullname, "author": author,
                  "author_id": data.get("author_fullname"), "created_at": parse_time(float(data["created_utc"])),
                  "raw": jsonable(data)}
        if isinstance(item, praw.models.Comment):
            body = data.get("body") or ""
            link = str(data.get("link_id") or "")
            url = data.get("permalink") or (f"/comments/{link[3:]}/_/{data.get('id')}" if link else None)
            return Mention(**common, text=body, parent_id=data.get("parent_id"), thread_id=link or None,
                           url=f"https://www.reddit.com{url}" if url else None, title=data.get("link_title"),
                           deleted=body in _DELETED)
        title, selftext = data.get("title") or "", data.get("selftext") or ""
        url = data.get("permalink")
        return Mention(**common, title=title or None, text=f"{title}\n\n{selftext}".strip(),
                       thread_id=item.fullname, url=f"https://www.reddit.com{url}" if url else None,
                       deleted=selftext in _DELETED and author == "[deleted]")

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._reddit._core.close()


def _digest(mention: Mention) -> str:
    return hashlib.sha1(f"{mention.deleted}\n{mention.text}".encode()).hexdigest()[:12]
