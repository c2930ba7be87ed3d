"""A real HTTP server on 127.0.0.1 for connector tests, with switchable faults.

An `api` object answers requests (`handle(req) -> Reply`); `fault` turns every answer into a failure:
"500", "429" (with Retry-After and the platform's reset header), "hang" (never answers), "malformed",
"empty" (a valid reply with nothing in it) or "badauth" (401). A closed port stands in for "refused".
"""
from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAULTS = ("timeout", "refused", "500", "429", "malformed", "empty", "badauth")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("latin-1")).items()}


@dataclass
class Reply:
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


class FakeServer:
    """Serves one fake API; records every request it receives."""

    def __init__(self, api: Any):
        self.api = api
        self.fault: str | None = None
        self.requests: list[Request] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body leave in one write: no Nagle/delayed-ACK stalls
            disable_nagle_algorithm = True

            def do_GET(self):
                server._serve(self, "GET")

            def do_POST(self):
                server._serve(self, "POST")

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "FakeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.release.is_set():
            return
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        req = Request(method, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                      {k.lower(): v for k, v in handler.headers.items()}, handler.rfile.read(length))
        self.requests.append(req)
        hang_here = getattr(self.api, "hangs", lambda r: False)(req)  # an API may hang on chosen requests
        if hang_here or (self.fault == "hang" and not self.api.exempt(req, self.fault)):
            self.release.wait(60)
            handler.close_connection = True
            return
        faulty = self.fault and not self.api.exempt(req, self.fault)
        reply = self._fault_reply() if faulty else self.api.handle(req)
        body = reply.payload()
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(body)))
        if req.headers.get("connection", "").lower() == "close":  # say so, as real servers do
            handler.send_header("Connection", "close")
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        if method != "HEAD" and reply.status != 304:
            handler.wfile.write(body)

    def _fault_reply(self) -> Reply:
        if self.fault == "500":
            return Reply(500, {"error": "internal server error"})
        if self.fault == "429":
            return Reply(429, {"error": "Too Many Requests"}, {"Retry-After": "1", **self.api.rate_limit_headers()})
        if self.fault == "badauth":
            return Reply(401, self.api.unauthorized_body())
        if self.fault == "malformed":
            return self.api.malformed()
        if self.fault == "empty":
            return self.api.empty()
        raise AssertionError(f"unknown fault {self.fault!r}")


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
