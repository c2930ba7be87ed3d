"""Stand-ins for the platforms' APIs (RSS, Discourse, Hacker News, Mastodon here; Bluesky, X and Reddit in
tests/fakeapis_sdk.py), speaking their real wire formats and pagination parameters.

They serve the hand-written posts in tests/fixtures/posts.json in each platform's shape (field names as
in the recordings under ../shared/data), and honour since/until/min_id/max_id/before/cursor/after the
way the real services do, so connectors run through their real SDKs and their cursors can be checked.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.fakeserver import Reply, Request

FIXTURE = Path(__file__).parent / "fixtures" / "posts.json"
TWEPOCH_MS = 1288834974657


@dataclass
class Post:
    seq: int
    author: str
    text: str
    at: datetime


def load_posts() -> list[Post]:
    data = json.loads(FIXTURE.read_text())
    base = datetime.fromisoformat(data["base"].replace("Z", "+00:00"))
    return [Post(i, p["author"], p["text"], base + timedelta(minutes=p["minutes"]))
            for i, p in enumerate(data["posts"])]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class FakeApi:
    """Posts, deletes and edits shared by every platform's fake."""

    kind = ""
    auth_paths: tuple[str, ...] = ()  # logins: a fault that spoils data pages leaves them alone

    def __init__(self, posts: list[Post] | None = None):
        self.all_posts = posts if posts is not None else load_posts()
        self.deleted: set[int] = set()

    def add_posts(self, count: int, text: str = "Acme Cloud follow-up number {n}: still thinking about it.") -> None:
        last = self.all_posts[-1]
        for n in range(count):
            seq = last.seq + 1 + n
            self.all_posts.append(Post(seq, f"new_user{seq % 3}", text.format(n=seq), last.at + timedelta(minutes=5 * (n + 1))))

    def edit(self, seq: int, text: str) -> None:
        self.all_posts[seq].text = text

    @property
    def posts(self) -> list[Post]:
        return [p for p in self.all_posts if p.seq not in self.deleted]

    def newest_first(self) -> list[Post]:
        return sorted(self.posts, key=lambda p: p.seq, reverse=True)

    def rate_limit_headers(self) -> dict[str, str]:
        return {}

    def exempt(self, req: Request, fault: str) -> bool:
        """Whether a fault leaves this request alone (a login is not a page of data)."""
        return req.path in self.auth_paths and fault in ("empty", "malformed")

    def unauthorized_body(self):
        return {"error": "unauthorized"}

    def malformed(self) -> Reply:
        return Reply(200, b'{"data": [{"id": "1", "text": "cut off mid-')

    def empty(self) -> Reply:
        raise NotImplementedError

    def handle(self, req: Request) -> Reply:
        raise NotImplementedError


def _matches(post: Post, query: str) -> bool:
    words = [w for w in query.lower().split() if ":" not in w]
    return all(w in post.text.lower() for w in words)


# --- RSS ---------------------------------------------------------------------------------------

class RssApi(FakeApi):
    kind = "rss"
    path = "/feed.xml"

    def __init__(self, posts: list[Post] | None = None, site: str = "acme.example"):
        super().__init__(posts)
        self.site = site  # entry ids are tag:<site>,...: two feeds of the same posts stay distinct

    def feed(self, posts: list[Post]) -> bytes:
        items = "".join(
            f"<item><title>{escape(p.text[:60])}</title><link>https://blog.example/p/{p.seq}</link>"
            f"<guid isPermaLink=\"false\">tag:{self.site},2026:post-{p.seq}</guid>"
            f"<dc:creator>{escape(p.author)}</dc:creator><pubDate>{format_datetime(p.at)}</pubDate>"
            f"<description>{escape('<p>' + escape(p.text) + '</p>')}</description></item>" for p in posts)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Acme watchers</title>'
                f"<link>https://blog.example/</link><description>posts</description>{items}</channel></rss>"
                ).encode()

    def handle(self, req: Request) -> Reply:
        body = self.feed(self.newest_first())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if req.headers.get("if-none-match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"ETag": etag, "Last-Modified": "Mon, 02 Mar 2026 12:00:00 GMT"},
                     "application/rss+xml; charset=utf-8")

    def malformed(self) -> Reply:
        return Reply(200, b"<html><body><h1>Bad gateway</h1> the feed is unavailable", content_type="text/html")

    def empty(self) -> Reply:
        return Reply(200, self.feed([]), content_type="application/rss+xml")


# --- Discourse ---------------------------------------------------------------------------------

class DiscourseApi(FakeApi):
    kind = "discourse"
    page_size = 10

    def post(self, p: Post) -> dict:
        topic = 100 + p.seq // 4
        return {"id": 5000 + p.seq, "name": p.author.title(), "username": p.author, "user_id": 300 + len(p.author),
                "created_at": iso(p.at), "updated_at": iso(p.at), "cooked": f"<p>{escape(p.text)}</p>",
                "raw": p.text, "post_number": p.seq % 4 + 1, "post_type": 1, "topic_id": topic,
                "topic_slug": f"acme-topic-{topic}", "topic_title": f"Acme Cloud thread {topic}",
                "reply_to_post_number": None, "deleted_at": None, "user_deleted": False, "hidden": False}

    def handle(self, req: Request) -> Reply:
        posts = self.newest_first()
        if req.path == "/posts.json":
            if "before" in req.query:
                posts = [p for p in posts if 5000 + p.seq < int(req.query["before"])]
            return Reply(200, {"latest_posts": [self.post(p) for p in posts[: self.page_size]]})
        if req.path == "/search.json":
            page = int(req.query.get("page", 1))
            hits = [p for p in posts if _matches(p, req.query.get("q", ""))]
            chunk = hits[(page - 1) * self.page_size: page * self.page_size]
            body = {"posts": [{**self.post(p), "blurb": p.text[:40]} for p in chunk], "topics": [],
                    "grouped_search_result": {"more_full_page_results": len(hits) > page * self.page_size}}
            for post in body["posts"]:
                post.pop("raw"), post.pop("cooked")  # search returns blurbs, not bodies
            return Reply(200, body)
        return Reply(404, {"errors": ["not found"]})

    def empty(self) -> Reply:
        return Reply(200, {"latest_posts": []})


# --- Hacker News (Algolia) ---------------------------------------------------------------------

class HackerNewsApi(FakeApi):
    kind = "hackernews"

    def hit(self, p: Post) -> dict:
        story = p.seq % 3 == 0
        created = int(p.at.timestamp())
        return {"created_at": p.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "title": p.text[:60] if story else None,
                "url": None, "author": p.author, "points": 3, "story_text": escape(p.text) if story else None,
                "comment_text": None if story else escape(p.text).replace("Acme", "<i>Acme</i>"),
                "num_comments": 0 if story else None, "story_id": None if story else 40000000 + p.seq - p.seq % 3,
                "story_title": None if story else "Ask HN: Acme Cloud?", "parent_id": None if story else 40000000 + p.seq - 1,
                "created_at_i": created, "_tags": ["story" if story else "comment", f"author_{p.author}"],
                "objectID": str(40000000 + p.seq), "_highlightResult": {"author": {"value": p.author}}}

    def handle(self, req: Request) -> Reply:
        hits = [self.hit(p) for p in self.newest_first() if _matches(p, req.query.get("query", ""))]
        for condition in filter(None, req.query.get("numericFilters", "").split(",")):
            field, op, value = re.match(r"(\w+)(<=|>=|<|>|=)(\d+)", condition).groups()
            test = {"<": int.__lt__, ">": int.__gt__, "<=": int.__le__, ">=": int.__ge__, "=": int.__eq__}[op]
            hits = [h for h in hits if test(h[field], int(value))]
        per, page = int(req.query.get("hitsPerPage", 20)), int(req.query.get("page", 0))
        pages = (len(hits) + per - 1) // per
        return Reply(200, {"hits": hits[page * per:(page + 1) * per], "nbHits": len(hits), "page": page,
                           "nbPages": pages, "hitsPerPage": per, "processingTimeMS": 1,
                           "query": req.query.get("query", ""), "params": "advancedSyntax=true"})

    def empty(self) -> Reply:
        return Reply(200, {"hits": [], "nbHits": 0, "page": 0, "nbPages": 0, "hitsPerPage": 100})


# --- Mastodon ----------------------------------------------------------------------------------

class MastodonApi(FakeApi):
    kind = "mastodon"
    host = "social.example"

    def sid(self, p: Post) -> int:
        return (int(p.at.timestamp() * 1000) << 16) + p.seq

    def status(self, p: Post) -> dict:
        remote = p.seq % 2 == 1
        acct = f"{p.author}@other.example" if remote else p.author
        sid = self.sid(p)
        return {"id": str(sid), "uri": f"https://{'other.example' if remote else self.host}/users/{p.author}/statuses/{sid}",
                "url": f"https://{self.host}/@{acct}/{sid}", "created_at": iso(p.at), "edited_at": None,
                "account": {"id": str(1000 + len(p.author)), "username": p.author, "acct": acct,
                            "display_name": p.author.title(), "url": f"https://{self.host}/@{acct}"},
                "content": f"<p>{escape(p.text)} <a href=\"https://{self.host}/tags/acme\">#<span>acme</span></a></p>",
                "spoiler_text": "", "language": "en", "in_reply_to_id": None, "in_reply_to_account_id": None,
                "visibility": "public", "sensitive": False, "reblog": None, "media_attachments": [], "mentions": [],
                "tags": [{"name": "acme", "url": f"https://{self.host}/tags/acme"}], "emojis": [],
                "replies_count": 0, "reblogs_count": 0, "favourites_count": 0}

    def _window(self, req: Request, posts: list[Post]) -> list[Post]:
        limit = int(req.query.get("limit", 20))
        asc = sorted(posts, key=self.sid)
        if "max_id" in req.query:
            asc = [p for p in asc if self.sid(p) < int(req.query["max_id"])]
        if "since_id" in req.query:
            asc = [p for p in asc if self.sid(p) > int(req.query["since_id"])]
        if "min_id" in req.query:  # the page immediately newer than min_id
            asc = [p for p in asc if self.sid(p) > int(req.query["min_id"])][:limit]
        else:  # the newest page
            asc = asc[-limit:]
        return list(reversed(asc))

    def instance(self) -> dict:
        public = {"local": "public", "remote": "public"}
        return {"domain": self.host, "title": "Social Example", "version": "4.3.0", "api_versions": {"mastodon": 2},
                "configuration": {"timelines_access": {"live_feeds": public, "hashtag_feeds": public,
                                                       "trending_link_feeds": public}}}

    def handle(self, req: Request) -> Reply:
        if req.path.rstrip("/") in ("/api/v1/instance", "/api/v2/instance"):
            return Reply(200, self.instance())
        if req.path.startswith("/api/v1/timelines/tag/"):
            page = self._window(req, self.posts)
            headers = {}
            if page:
                base = f"http://{req.headers.get('host')}{req.path}"
                headers["Link"] = (f'<{base}?max_id={self.sid(page[-1])}>; rel="next", '
                                   f'<{base}?min_id={self.sid(page[0])}>; rel="prev"')
            return Reply(200, [self.status(p) for p in page], headers)
        if req.path == "/api/v2/search":
            if not req.headers.get("authorization", "").startswith("Bearer "):
                return Reply(401, {"error": "The access token is invalid"})
            hits = [p for p in self.posts if _matches(p, req.query.get("q", ""))]
            limit = int(req.query.get("limit", 20))
            hits = sorted(hits, key=self.sid, reverse=True)
            if "min_id" in req.query:
                hits = [p for p in hits if self.sid(p) > int(req.query["min_id"])]
            if "max_id" in req.query:
                hits = [p for p in hits if self.sid(p) < int(req.query["max_id"])]
            return Reply(200, {"accounts": [], "statuses": [self.status(p) for p in hits[:limit]], "hashtags": []})
        return Reply(404, {"error": "Record not found"})

    def rate_limit_headers(self) -> dict[str, str]:
        reset = datetime.now(timezone.utc) + timedelta(seconds=2)
        return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()}

    def unauthorized_body(self):
        return {"error": "The access token is invalid"}

    def malformed(self) -> Reply:
        return Reply(200, b'[{"id": "1", "content": "<p>cut')

    def empty(self) -> Reply:
        return Reply(200, [])
