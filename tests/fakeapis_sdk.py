"""Stand-ins for Bluesky's, X's and Reddit's APIs (see tests/fakeapis.py for the shared posts and rules)."""
from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import timedelta

from tests.fakeapis import TWEPOCH_MS, FakeApi, Post, _matches, iso
from tests.fakeserver import Reply, Request


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

