"""Each connector's other modes and options, against the local fakes: search instead of latest, mentions
timelines, term filters, logins."""
from __future__ import annotations

import pytest

import connectors
from monitor.errors import TerminalError
from monitor.types import HttpPolicy
from tests.connector_cases import ENV
from tests.fakeapis import DiscourseApi, HackerNewsApi, MastodonApi, RssApi
from tests.fakeapis_sdk import BlueskyApi, RedditApi, XApi
from tests.fakeserver import FakeServer

HTTP = HttpPolicy(timeout=5)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch):
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)


def fetch_all(kind, table, cursor=None):
    connector = connectors.connector_class(kind)({"name": f"{kind}-mode", "kind": kind, **table}, http=HTTP)
    try:
        pages = list(connector.fetch(cursor))
    finally:
        connector.close()
    last = [p.cursor for p in pages if p.cursor is not None]
    return [m for p in pages for m in p.mentions], (last[-1] if last else cursor)


def test_discourse_search_pages_through_search_json_newest_first():
    api = DiscourseApi()
    with FakeServer(api) as server:
        found, cursor = fetch_all("discourse", {"base_url": server.url, "query": "sync"})
        again, _ = fetch_all("discourse", {"base_url": server.url, "query": "sync"}, cursor)
        assert server.requests[0].path == "/search.json" and server.requests[0].query["q"] == "sync order:latest"
    expected = [p for p in api.posts if "sync" in p.text.lower()]
    assert len(found) == len(expected) and again == []
    assert all(m.text and m.text in p.text for m, p in zip(found, sorted(expected, key=lambda p: -p.seq)))


def test_rss_terms_keep_only_matching_entries():
    with FakeServer(RssApi()) as server:
        found, _ = fetch_all("rss", {"url": f"{server.url}/feed.xml", "terms": ["SYNC", "outage"]})
    assert {m.external_id.rsplit("-", 1)[1] for m in found} == {"0", "7", "12", "23"}


def test_hackernews_passes_tags_and_reaches_back_by_the_overlap():
    with FakeServer(HackerNewsApi()) as server:
        _, cursor = fetch_all("hackernews", {"base_url": server.url, "query": "acme", "tags": "comment"})
        fetch_all("hackernews", {"base_url": server.url, "query": "acme", "tags": "comment"}, cursor)
        first, second = server.requests[0].query, server.requests[-1].query
    assert first["tags"] == "comment" and "numericFilters" not in first
    assert second["numericFilters"] == f"created_at_i>{cursor['since'] - 600}"


def test_mastodon_search_needs_a_token_and_pages_newest_first(monkeypatch):
    api = MastodonApi()
    with FakeServer(api) as server:
        table = {"base_url": server.url, "query": "acme cloud", "limit": 5, "access_token_env": "TEST_MASTODON_TOKEN"}
        found, cursor = fetch_all("mastodon", table)
        assert len(found) == 24 and cursor["search"] == {"since": str(api.sid(api.posts[-1]))}
        monkeypatch.delenv("TEST_MASTODON_TOKEN")
        with pytest.raises(TerminalError, match="credentials rejected .*search needs a token"):
            fetch_all("mastodon", {k: v for k, v in table.items() if k != "access_token_env"})


@pytest.mark.parametrize("account", ["@acmehelp", XApi.account["id"]])
def test_x_mentions_timeline_by_handle_or_id_with_author_expansion(account):
    api = XApi()
    with FakeServer(api) as server:
        found, cursor = fetch_all("x", {"base_url": server.url, "mentions_of": account,
                                        "bearer_token_env": "TEST_X_TOKEN"})
        lookups = [r for r in server.requests if r.path.startswith("/2/users/by/username/")]
        asked = next(r.query for r in server.requests if r.path.endswith("/mentions"))
    assert len(lookups) == (1 if account.startswith("@") else 0)
    assert "author_id" in asked["tweet.fields"] and "created_at" in asked["tweet.fields"]
    assert asked["expansions"] == "author_id" and "username" in asked["user.fields"]
    assert {m.author for m in found} == {p.author for p in api.posts}  # handles, from the expansion
    assert cursor["mentions"] == {"since": str(api.tid(api.posts[-1]))} and len(cursor["recheck"]) == 24


def test_reddit_search_mode_lists_matching_submissions_only():
    api = RedditApi()
    with FakeServer(api) as server:
        found, cursor = fetch_all("reddit", {"base_url": server.url, "query": "sync", "subreddits": ["acme"],
                                             "client_id_env": "TEST_REDDIT_ID",
                                             "client_secret_env": "TEST_REDDIT_SECRET"})
        [search] = [r for r in server.requests if r.path.rstrip("/") == "/r/acme/search"]
    assert search.query["q"] == "sync" and search.query["sort"] == "new"
    assert sorted(m.external_id for m in found) == sorted(api.thing(api.posts[i])["data"]["name"] for i in (0, 12))
    assert set(cursor) == {"search", "recheck"}


def test_bluesky_logs_in_with_an_app_password_and_rejects_a_wrong_one(monkeypatch):
    with FakeServer(BlueskyApi()) as server:
        table = {"base_url": server.url, "query": "acme", "handle_env": "TEST_BSKY_HANDLE",
                 "app_password_env": "TEST_BSKY_PASSWORD"}
        found, _ = fetch_all("bluesky", table)
        login = server.requests[0]
        assert login.path == "/xrpc/com.atproto.server.createSession" and len(found) == 24
        assert server.requests[1].headers["authorization"].startswith("Bearer ")
        monkeypatch.setenv("TEST_BSKY_PASSWORD", "wrong")
        with pytest.raises(TerminalError, match="credentials rejected"):
            fetch_all("bluesky", table)
        anonymous, _ = fetch_all("bluesky", {"base_url": server.url, "query": "acme"})
        assert len(anonymous) == 24 and "authorization" not in server.requests[-1].headers
