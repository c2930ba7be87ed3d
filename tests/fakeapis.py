"""Stand-ins for the seven platforms' APIs, speaking their real wire formats and pagination parameters.

They serve the hand-written posts in tests/fixtures/posts.json in each platform's shape (field names as
in the recordings under ../shared/data), and honour since/until/min_id/max_id/before/cursor/after the
way the real services do, so connectors run through their real SDKs and their cursors can be checked.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import time
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

    def feed(self, posts: list[Post]) -> bytes:
        items = "".join(
            f"<item><title>{escape(p.text[:60])}</title><link>https://blog.example/p/{p.seq}</link>"
            f"<guid isPermaLink=\"false\">tag:acme.example,2026:post-{p.seq}</guid>"
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

    def handle(self, req: Request) -> Reply:
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


# --- Bluesky -----------------------------------------------------------------------------------

def _jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


class BlueskyApi(FakeApi):
    kind = "bluesky"
    auth_paths = ("/xrpc/com.atproto.server.createSession",)
    page_size = 100

    def post(self, p: Post) -> dict:
        did = "did:plc:" + hashlib.sha1(p.author.encode()).hexdigest()[:24]
        rkey = f"3mac{p.seq:09d}"
        return {"uri": f"at://{did}/app.bsky.feed.post/{rkey}",
                "cid": "bafyreicfzantnhto2yqgukytzgemg4bk7wi4yaojgk7ozdeq67uvsgfcqm",
                "author": {"did": did, "handle": f"{p.author.replace('_', '-').replace('.', '-')}.bsky.social",
                           "displayName": p.author.title(), "labels": [], "createdAt": "2024-01-01T00:00:00.000Z"},
                "record": {"$type": "app.bsky.feed.post", "createdAt": iso(p.at), "text": p.text, "langs": ["en"]},
                "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0,
                "indexedAt": iso(p.at + timedelta(milliseconds=250)), "labels": []}

    def handle(self, req: Request) -> Reply:
        if req.path == "/xrpc/com.atproto.server.createSession":
            login = json.loads(req.body or b"{}")
            if login.get("password") != "app-pass-1234":
                return Reply(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            claims = {"scope": "com.atproto.appPass", "sub": "did:plc:brand", "iat": int(time.time()),
                      "exp": int(time.time()) + 7200, "aud": "did:web:bsky.example"}
            return Reply(200, {"did": "did:plc:brand", "handle": login["identifier"], "accessJwt": _jwt(claims),
                               "refreshJwt": _jwt({**claims, "scope": "com.atproto.refresh"}), "active": True})
        if req.path == "/xrpc/app.bsky.feed.searchPosts":
            posts = [self.post(p) for p in self.newest_first() if _matches(p, req.query.get("q", ""))]
            if "since" in req.query:
                posts = [p for p in posts if p["indexedAt"] >= req.query["since"]]
            if "until" in req.query:
                posts = [p for p in posts if p["indexedAt"] < req.query["until"]]
            limit = min(int(req.query.get("limit", 25)), self.page_size)
            start = int(req.query.get("cursor", 0))
            body = {"posts": posts[start:start + limit], "hitsTotal": len(posts)}
            if start + limit < len(posts):
                body["cursor"] = str(start + limit)
            return Reply(200, body)
        return Reply(404, {"error": "MethodNotImplemented", "message": "Method Not Implemented"})

    def rate_limit_headers(self) -> dict[str, str]:
        return {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(int(time.time()) + 1)}

    def unauthorized_body(self):
        return {"error": "AuthenticationRequired", "message": "Authentication Required"}

    def malformed(self) -> Reply:
        return Reply(200, b'{"posts": [{"uri": "at://did:plc:x/app.bsky.feed.post/1", ')

    def empty(self) -> Reply:
        return Reply(200, {"posts": []})


# --- X -----------------------------------------------------------------------------------------

class XApi(FakeApi):
    kind = "x"
    account = {"id": "1500000000000000001", "name": "Acme Help", "username": "acmehelp"}

    def tid(self, p: Post) -> int:
        return ((int(p.at.timestamp() * 1000) - TWEPOCH_MS) << 22) + p.seq

    def user(self, p: Post) -> dict:
        return {"id": str(2000 + sum(map(ord, p.author))), "name": p.author.title(), "username": p.author}

    def tweet(self, p: Post) -> dict:
        tid = str(self.tid(p))
        return {"id": tid, "text": p.text, "edit_history_tweet_ids": [tid], "author_id": self.user(p)["id"],
                "created_at": iso(p.at), "conversation_id": tid, "lang": "en"}

    def _page(self, req: Request, posts: list[Post], token_param: str) -> Reply:
        posts = sorted(posts, key=self.tid, reverse=True)
        if "since_id" in req.query:
            posts = [p for p in posts if self.tid(p) > int(req.query["since_id"])]
        if "until_id" in req.query:
            posts = [p for p in posts if self.tid(p) < int(req.query["until_id"])]
        size = int(req.query.get("max_results", 10))
        start = int(req.query.get(token_param, "t0")[1:])
        chunk = posts[start:start + size]
        body: dict = {"meta": {"result_count": len(chunk)}}
        if chunk:
            body["data"] = [self.tweet(p) for p in chunk]
            body["meta"].update(newest_id=str(self.tid(chunk[0])), oldest_id=str(self.tid(chunk[-1])))
            if "author_id" in req.query.get("expansions", ""):
                users = {self.user(p)["id"]: self.user(p) for p in chunk}
                body["includes"] = {"users": list(users.values())}
        if start + size < len(posts):
            body["meta"]["next_token"] = f"t{start + size}"
        return Reply(200, body, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449"})

    def handle(self, req: Request) -> Reply:
        if req.path == "/2/tweets/search/recent":
            return self._page(req, [p for p in self.posts if _matches(p, req.query.get("query", ""))], "next_token")
        if req.path == f"/2/users/{self.account['id']}/mentions":
            return self._page(req, self.posts, "pagination_token")
        if req.path == f"/2/users/by/username/{self.account['username']}":
            return Reply(200, {"data": self.account})
        if req.path == "/2/tweets":
            by_id = {str(self.tid(p)): p for p in self.all_posts}
            wanted = req.query["ids"].split(",")
            body: dict = {}
            found = [self.tweet(by_id[i]) for i in wanted if i in by_id and by_id[i].seq not in self.deleted]
            if found:
                body["data"] = found
            gone = [i for i in wanted if i not in by_id or by_id[i].seq in self.deleted]
            if gone:
                body["errors"] = [{"value": i, "detail": f"Could not find tweet with ids: [{i}].",
                                   "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                                   "resource_id": i, "type": "https://api.twitter.com/2/problems/resource-not-found"}
                                  for i in gone]
            return Reply(200, body)
        return Reply(404, {"title": "Not Found Error", "detail": req.path})

    def rate_limit_headers(self) -> dict[str, str]:
        return {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(int(time.time()) + 2)}

    def unauthorized_body(self):
        return {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}

    def empty(self) -> Reply:
        return Reply(200, {"meta": {"result_count": 0}})


# --- Reddit ------------------------------------------------------------------------------------

def b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


class RedditApi(FakeApi):
    """Even posts are submissions in r/acme; odd ones are comments on the submission before them."""

    kind = "reddit"
    auth_paths = ("/api/v1/access_token",)

    def thing(self, p: Post) -> dict:
        rid = b36(100000 + p.seq)
        gone = p.seq in self.deleted
        common = {"id": rid, "author": "[deleted]" if gone else p.author, "created_utc": p.at.timestamp(),
                  "subreddit": "acme", "subreddit_name_prefixed": "r/acme", "score": 1, "ups": 1}
        if not gone:
            common["author_fullname"] = f"t2_{b36(5000 + len(p.author))}"
        if p.seq % 2 == 0:
            return {"kind": "t3", "data": {**common, "name": f"t3_{rid}", "title": p.text[:80],
                                            "selftext": "[deleted]" if gone else p.text, "is_self": True,
                                            "permalink": f"/r/acme/comments/{rid}/post_{p.seq}/",
                                            "url": f"https://www.reddit.com/r/acme/comments/{rid}/", "num_comments": 1}}
        link = f"t3_{b36(100000 + p.seq - 1)}"
        return {"kind": "t1", "data": {**common, "name": f"t1_{rid}", "body": "[deleted]" if gone else p.text,
                                        "link_id": link, "parent_id": link, "link_title": "Acme thread",
                                        "permalink": f"/r/acme/comments/{link[3:]}/post/{rid}/"}}

    def listing(self, req: Request, things: list[dict]) -> Reply:
        limit = int(req.query.get("limit", 25))
        if "after" in req.query:
            names = [t["data"]["name"] for t in things]
            things = things[names.index(req.query["after"]) + 1:] if req.query["after"] in names else []
        chunk = things[:limit]
        after = chunk[-1]["data"]["name"] if len(things) > limit else None
        return Reply(200, {"kind": "Listing", "data": {"after": after, "before": None, "dist": len(chunk),
                                                       "modhash": "", "children": chunk}})

    def handle(self, req: Request) -> Reply:
        if req.path == "/api/v1/access_token":
            if req.headers.get("authorization") != "Basic " + base64.b64encode(b"reddit-id:reddit-secret").decode():
                return Reply(401, {"message": "Unauthorized", "error": 401})
            return Reply(200, {"access_token": "tok", "token_type": "bearer", "expires_in": 3600, "scope": "*"})
        posts = self.newest_first()
        if req.path.rstrip("/") == "/r/acme/new":
            return self.listing(req, [self.thing(p) for p in posts if p.seq % 2 == 0])
        if req.path.rstrip("/") == "/r/acme/comments":
            return self.listing(req, [self.thing(p) for p in posts if p.seq % 2 == 1])
        if req.path.rstrip("/") == "/r/acme/search":
            return self.listing(req, [self.thing(p) for p in posts if p.seq % 2 == 0 and _matches(p, req.query["q"])])
        if req.path.rstrip("/") == "/api/info":
            by_name = {self.thing(p)["data"]["name"]: p for p in self.all_posts}
            things = [self.thing(by_name[n]) for n in req.query["id"].split(",") if n in by_name]
            return Reply(200, {"kind": "Listing", "data": {"after": None, "children": things}})
        return Reply(404, {"message": "Not Found", "error": 404})

    def rate_limit_headers(self) -> dict[str, str]:
        return {"x-ratelimit-remaining": "0", "x-ratelimit-used": "600", "x-ratelimit-reset": "1"}

    def unauthorized_body(self):
        return {"message": "Unauthorized", "error": 401}

    def empty(self) -> Reply:
        return Reply(200, {"kind": "Listing", "data": {"after": None, "before": None, "children": []}})


APIS = {cls.kind: cls for cls in (RssApi, DiscourseApi, HackerNewsApi, MastodonApi, BlueskyApi, XApi, RedditApi)}
