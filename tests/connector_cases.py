"""How each registered connector kind is pointed at its local fake API (tests/fakeapis.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tests.fakeapis import DiscourseApi, HackerNewsApi, MastodonApi, RssApi
from tests.fakeapis_sdk import BlueskyApi, RedditApi, XApi

APIS = {cls.kind: cls for cls in (RssApi, DiscourseApi, HackerNewsApi, MastodonApi, BlueskyApi, XApi, RedditApi)}

ENV = {"TEST_X_TOKEN": "x-bearer-token", "TEST_REDDIT_ID": "reddit-id", "TEST_REDDIT_SECRET": "reddit-secret",
       "TEST_MASTODON_TOKEN": "mastodon-token", "TEST_BSKY_HANDLE": "brand.bsky.social",
       "TEST_BSKY_PASSWORD": "app-pass-1234"}


@dataclass(frozen=True)
class Case:
    kind: str
    platform: str
    source: Callable[[str], dict]  # base URL of the fake -> the rest of the [[sources]] table
    required: tuple[str, ...]  # keys whose absence must be a ConfigError
    first_run_limit: int | None = None  # a first run fetches only this many newest items (None: all)
    keeps_gaps: bool = True  # a run stopped by its page cap leaves a gap the next run fills
    credentials: dict = field(default_factory=dict)  # env-var keys, for the bad-credential checks

    def table(self, url: str, name: str | None = None, **extra) -> dict:
        return {"name": name or f"{self.kind}-src", "kind": self.kind, **self.source(url), **extra}

    def api(self):
        return APIS[self.kind]()


CASES: dict[str, Case] = {c.kind: c for c in (
    Case("rss", "rss", lambda url: {"url": f"{url}/feed.xml"}, ("url",), keeps_gaps=False),
    Case("discourse", "discourse", lambda url: {"base_url": url}, ("base_url",)),
    Case("hackernews", "hackernews", lambda url: {"base_url": url, "query": "Acme", "hits_per_page": 5,
                                                   "overlap_seconds": 0}, ("query",)),
    Case("mastodon", "mastodon", lambda url: {"base_url": url, "hashtags": ["acme"], "limit": 5,
                                               "access_token_env": "TEST_MASTODON_TOKEN"},
         ("base_url",), first_run_limit=5),
    Case("bluesky", "bluesky", lambda url: {"base_url": url, "query": "Acme", "limit": 5, "overlap_seconds": 0,
                                             "handle_env": "TEST_BSKY_HANDLE", "app_password_env": "TEST_BSKY_PASSWORD"},
         ("query",), credentials={"app_password_env": "TEST_BSKY_PASSWORD"}),
    Case("x", "twitter", lambda url: {"base_url": url, "query": "Acme", "page_size": 10,
                                       "bearer_token_env": "TEST_X_TOKEN"},
         ("query",), credentials={"bearer_token_env": "TEST_X_TOKEN"}),
    Case("reddit", "reddit", lambda url: {"base_url": url, "subreddits": ["acme"], "page_size": 5,
                                           "client_id_env": "TEST_REDDIT_ID", "client_secret_env": "TEST_REDDIT_SECRET"},
         ("subreddits",), keeps_gaps=False,
         credentials={"client_id_env": "TEST_REDDIT_ID", "client_secret_env": "TEST_REDDIT_SECRET"}),
)}
