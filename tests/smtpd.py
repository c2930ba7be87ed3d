"""A real local SMTP server (aiosmtpd) for tests: it keeps what it receives and can be told to fail.

Use the `smtp_server` fixture (import it into a test module) or `LocalSmtp` directly.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, server: "LocalSmtp"):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        code = self.server.refuse.get(address.lower())
        if code:
            return f"{code} refused by test"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        if self.server.hold & {r.lower() for r in envelope.rcpt_tos}:
            self.server.holding.set()  # the client now waits for our answer: a test may kill it here
            while not self.server.release.is_set():
                await asyncio.sleep(0.05)
            return "421 held message dropped by test"
        with self.server.lock:
            if self.server.fail_next:
                code = self.server.fail_next.pop(0)
                return f"{code} test failure"
            msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
            self.server.received.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class LocalSmtp:
    """An aiosmtpd Controller on 127.0.0.1 and a free port, recording (recipients, message) pairs."""

    def __init__(self, **smtp_kwargs):
        self.port = free_port()
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.fail_next: list[int] = []  # SMTP codes DATA answers with, one per message, before accepting
        self.refuse: dict[str, int] = {}  # recipient -> SMTP code RCPT answers with
        self.hold: set[str] = set()  # recipients whose DATA is left unanswered until `release` is set
        self.holding, self.release = threading.Event(), threading.Event()
        self.lock = threading.Lock()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **smtp_kwargs)

    def __enter__(self) -> "LocalSmtp":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        """The messages delivered to one recipient."""
        return [m for rcpts, m in self.received if address in rcpts]

    def config_data(self, **smtp) -> dict:
        """Config data (as load_config(data=...) takes it) pointing [smtp] at this server."""
        return {"smtp": {"host": "127.0.0.1", "port": self.port, "sender": "Arcwatch <arcwatch@example.com>",
                         "timeout_seconds": 10.0, **smtp}}


@pytest.fixture
def smtp_server():
    """A running local SMTP server."""
    with LocalSmtp() as server:
        yield server
