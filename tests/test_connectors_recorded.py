"""Real recorded traffic, through the real SDKs, into the real store (SQLite and PostgreSQL).

X, Reddit and Mastodon replay the SDK projects' own vcrpy cassettes; Discourse, Hacker News, Bluesky and
RSS/Atom serve recorded bodies from a local HTTP server named by `base_url`/`url`. All from ../shared/data;
skipped when it is absent. A second pull must add nothing.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import vcr
import yaml
from sqlalchemy import select

from monitor.models import Author, Mention as MentionRow
from monitor.pull import pull
from monitor.settings import load_config
from monitor.store import source_health
from tests.fakeserver import FakeServer, Reply

pytestmark = [pytest.mark.timeout(120), pytest.mark.shared_data]


class _PlainJson:
    """PRAW's cassettes keep decoded JSON bodies (their own CustomSerializer); vcrpy reads them as is."""

    @staticmethod
    def deserialize(text):
        return json.loads(text)

    @staticmethod
    def serialize(data):
        return json.dumps(data)


def tape(match_on=("method", "scheme", "host", "port", "path")) -> vcr.VCR:
    v = vcr.VCR(record_mode="none", decode_compressed_response=True, match_on=list(match_on),
                filter_headers=["authorization"])
    v.register_serializer("plainjson", _PlainJson)
    return v


def merged_yaml(files: list[Path], out: Path) -> Path:
    """One cassette holding the interactions of several recorded ones (vcrpy plays one at a time)."""
    interactions = []
    for f in files:
        interactions += yaml.safe_load(f.read_text())["interactions"]
    out.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    return out


def merged_json(files: list[Path], out: Path) -> Path:
    interactions = []
    for f in files:
        interactions += json.loads(f.read_text())["interactions"]
    out.write_text(json.dumps({"interactions": interactions, "version": 1}))
    return out


def stored(engine, platform: str) -> list:
    """Stored mentions of a platform, each with its author's handle as `author`."""
    table, authors = MentionRow.__table__, Author.__table__
    query = (select(table, authors.c.handle.label("author")).join(authors, authors.c.id == table.c.author_id)
             .where(table.c.platform == platform).order_by(table.c.external_id))
    with engine.connect() as conn:
        return conn.execute(query).all()


def pull_twice(engine, config):
    first = pull(engine, config)
    assert [r.error for r in first] == [None] * len(first), first
    second = pull(engine, config)
    assert [r.error for r in second] == [None] * len(second), second
    assert sum(r.new + r.updated for r in second) == 0, "a second pull must add nothing"
    return first


@pytest.fixture(autouse=True)
def _no_real_sleep(monkeypatch):
    import prawcore.rate_limit

    monkeypatch.setattr(prawcore.rate_limit.time, "sleep", lambda s: None)


def test_x_recorded_search_mentions_and_delete_check(engine, shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", "recorded")
    d = shared_data / "x-tweepy" / "cassettes"
    cassette = merged_yaml([d / "test_client_search_recent_tweets.yaml", d / "test_client_get_users_mentions.yaml",
                            d / "test_client_get_user.yaml", d / "test_client_get_tweets.yaml"], tmp_path / "x.yaml")
    config = load_config(data={"sources": [
        {"name": "x-search", "kind": "x", "query": "Tweepy", "max_pages": 1},
        {"name": "x-mentions", "kind": "x", "mentions_of": "@Twitter", "max_pages": 1}]})
    with tape().use_cassette(str(cassette), allow_playback_repeats=True):
        first = pull_twice(engine, config)
    assert [r.new for r in first] == [10, 10]
    rows = stored(engine, "twitter")
    assert len(rows) == 20
    complaint = next(r for r in rows if r.external_id == "1578516295611748353")
    assert complaint.text.startswith("@Twitter @TwitterSupport this is my ENTIRE feed")
    assert complaint.created_at.isoformat() == "2022-10-07T22:43:06.945000+00:00"  # from the snowflake id
    assert complaint.label in ("negative", "neutral", "positive") and complaint.raw["data"]["id"] == complaint.external_id
    assert {r.author for r in rows} == {"unknown"}  # these recordings did not ask for author expansions
    assert source_health(engine, "x-search")[0].cursor["search"] == {"since": "1578516068309794817"}


def test_reddit_recorded_new_comments_and_search(engine, shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "recorded")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "recorded")
    d = shared_data / "reddit-praw" / "cassettes"
    cassette = merged_json([d / "TestSubredditListings.test_new.json", d / "TestSubredditListings.test_comments.json",
                            d / "TestSubreddit.test_search.json", d / "TestReddit.test_info.json"],
                           tmp_path / "reddit.json")
    config = load_config(data={"sources": [
        {"name": "askreddit", "kind": "reddit", "subreddits": ["askreddit"], "limit": 100},
        {"name": "praw-search", "kind": "reddit", "query": "praw oauth search", "limit": 100}]})
    with tape().use_cassette(str(cassette), serializer="plainjson", allow_playback_repeats=True):
        first = pull_twice(engine, config)
    assert [r.new for r in first] == [200, 6]
    rows = stored(engine, "reddit")
    assert sum(r.external_id.startswith("t1_") for r in rows) == 100
    lie = next(r for r in rows if r.external_id == "t3_48fbm9")
    assert lie.title.startswith("[Serious] Parents of Reddit, what's the biggest lie")
    comment = next(r for r in rows if r.external_id == "t1_d4y8bdp")
    assert comment.parent_id == "t3_4r4inc" and comment.url.startswith("https://www.reddit.com/")
    assert comment.text == "great, life is so much better when you can do what you enjoy for a living"


def test_mastodon_recorded_search_on_mastodon_social_and_hashtag(engine, shared_data, tmp_path, monkeypatch):
    monkeypatch.setenv("MASTODON_TOKEN", "DUMMY")
    d = shared_data / "forums" / "mastodon_py_cassettes"
    cassette = merged_yaml([d / "mastodon_social_entity_cassettes" / "test_entity_searchv2.yaml",
                            d / "localhost_test_instance_cassettes" / "test_hashtag_tl.yaml"], tmp_path / "m.yaml")
    config = load_config(data={"sources": [
        {"name": "m-search", "kind": "mastodon", "base_url": "https://mastodon.social", "query": "halcy",
         "access_token_env": "MASTODON_TOKEN"},
        {"name": "m-tag", "kind": "mastodon", "base_url": "http://localhost:3000", "hashtags": ["hoot"]}]})
    with tape().use_cassette(str(cassette), allow_playback_repeats=True):
        first = pull_twice(engine, config)
    assert [r.new for r in first] == [2, 1]
    rows = stored(engine, "mastodon")
    horse = next(r for r in rows if "riding my horse" in r.text)
    assert horse.external_id == "https://social.sublingual.xyz/users/Jo/statuses/116388107097123650"
    assert "<" not in horse.text and horse.lang == "en"


class Recorded:
    """Serves recorded bodies by path (and chosen query keys), as the real host once answered them."""

    def __init__(self, bodies: dict, keys=(), content_type="application/json; charset=utf-8", etags=False):
        self.bodies, self.keys, self.content_type, self.etags = bodies, keys, content_type, etags

    def handle(self, req):
        key = (req.path, *(req.query.get(k) for k in self.keys))
        body = self.bodies.get(key)
        if body is None:
            return Reply(404, {"error": f"not recorded: {key}"})
        if callable(body):
            body = body(req)
        if not self.etags:
            return Reply(200, body, content_type=self.content_type)
        etag = '"' + hashlib.sha1(body).hexdigest() + '"'
        if req.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"ETag": etag}, self.content_type)

    def exempt(self, req, fault):
        return False


def test_discourse_recorded_latest_posts(engine, shared_data):
    real = json.loads((shared_data / "forums" / "discourse_criticalfallibilism_api_examples" / "posts.json").read_text())

    def latest(req):  # /posts.json?before=ID lists older posts: answered from the same recorded page
        before = int(req.query.get("before", 10**9))
        return {"latest_posts": [p for p in real["latest_posts"] if p["id"] < before]}

    with FakeServer(Recorded({("/posts.json",): latest})) as server:
        config = load_config(data={"sources": [{"name": "cf", "kind": "discourse", "base_url": server.url}]})
        first = pull_twice(engine, config)
    assert first[0].new == 50
    rows = stored(engine, "discourse")
    logic = next(r for r in rows if r.external_id.endswith(":20218"))
    assert logic.title == "People Being Bad at Logic" and logic.text.startswith("I was talking with someone")
    assert source_health(engine, "cf")[0].cursor == {"since": 20218}


def test_hackernews_recorded_algolia_replies(engine, shared_data):
    replies = json.loads((shared_data / "forums" / "hackernews_algolia" / "fixtures.json").read_text())
    bodies = {}
    for item in replies:
        parts = urlsplit(item["url"])
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        bodies[(parts.path, query.get("tags"), query.get("query"))] = item["reply"]
    with FakeServer(Recorded(bodies, keys=("tags", "query"))) as server:
        config = load_config(data={"sources": [
            {"name": "hn-comments", "kind": "hackernews", "base_url": server.url, "query": "apple",
             "tags": "(comment)", "max_pages": 1},
            {"name": "hn-stories", "kind": "hackernews", "base_url": server.url, "query": "apple",
             "tags": "(story,poll)", "max_pages": 1}]})
        first = pull_twice(engine, config)
    assert [r.new for r in first] == [1, 1]
    rows = {r.external_id: r for r in stored(engine, "hackernews")}
    comment = rows["7919418"]
    assert comment.author == "fleitz" and "aren't contributing" in comment.text and "<p>" not in comment.text
    assert comment.thread_id == "7918547" and comment.url == "https://news.ycombinator.com/item?id=7919418"
    assert source_health(engine, "hn-comments")[0].cursor == {"since": 1403235154}


def test_bluesky_recorded_search_posts(engine, shared_data):
    recorded = yaml.safe_load((shared_data / "forums" / "bluesky_bskyr_vcr" / "f_search.yml").read_text())
    body = recorded["http_interactions"][0]["response"]["body"]["string"]
    with FakeServer(Recorded({("/xrpc/app.bsky.feed.searchPosts",): body})) as server:
        config = load_config(data={"sources": [
            {"name": "bsky", "kind": "bluesky", "base_url": server.url, "query": "redistricting", "max_pages": 1}]})
        first = pull_twice(engine, config)
        assert server.requests[0].query["q"] == "redistricting" and server.requests[0].query["sort"] == "latest"
        assert server.requests[-1].query["since"] == "2025-05-19T17:00:09.813Z"  # newest indexedAt - overlap
    assert first[0].new == 25
    paper = next(r for r in stored(engine, "bluesky") if r.external_id.endswith("/3lpk2u6qo222m"))
    assert paper.text.startswith("Ends Versus Means: Public Opinion on Congressional Redistricting")
    assert paper.url == "https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m"


FEEDS = {"reddit-home.rss": ("rss_atom_feeds/rss-parser/reddit-home.rss", 24),
         "encoding.rss": ("rss_atom_feeds/rss-parser/encoding.rss", 40),
         "atom.xml": ("rss_atom_feeds/feedparser/large_atom_feed_touchnokia_ru.xml", 15),
         "discourse.rss": ("discourse_criticalfallibilism_api_examples/posts.rss", 50),
         "couchbase.rss": ("perceval_tests_data/rss/rss_entries.xml", 30),
         "craigslist.rdf": ("rss_atom_feeds/rss-parser/craigslist.rss", 25)}


@pytest.mark.parametrize("conditional", [True, False], ids=["etag", "no-etag"])
def test_rss_and_atom_recorded_feeds(engine, shared_data, conditional):
    bodies = {(f"/{name}",): (shared_data / "forums" / path).read_bytes() for name, (path, _) in FEEDS.items()}
    with FakeServer(Recorded(bodies, content_type="application/xml", etags=conditional)) as server:
        config = load_config(data={"sources": [
            {"name": name, "kind": "rss", "url": f"{server.url}/{name}"} for name in FEEDS]})
        first = pull_twice(engine, config)
        if conditional:
            assert sum(1 for r in server.requests if r.headers.get("if-none-match")) == len(FEEDS)
    assert [r.new for r in first] == [count for _, count in FEEDS.values()]
    rows = stored(engine, "rss")
    assert any("Notícias" in (r.author or "") or "ção" in r.text for r in rows)  # ISO-8859-1 decoded
    assert any("Невидимая броня" in r.text for r in rows)  # Atom, Cyrillic
