"""One base error for the project, with transient and terminal markers."""
from __future__ import annotations


class ArcwatchError(Exception):
    """Base of every error Arcwatch raises on purpose; its message says what to do."""


class TransientError(ArcwatchError):
    """Worth retrying later: rate limits, 5xx, timeouts, refused connections."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class TerminalError(ArcwatchError):
    """Retrying will not help: bad credentials, 4xx, malformed configuration."""


class ConfigError(TerminalError):
    """A configuration file or value is wrong; names the file, key and expectation."""

    def __init__(self, file: str, key: str, expected: str, got: object = None):
        self.file, self.key, self.expected, self.got = file, key, expected, got
        detail = f" (got {got!r})" if got is not None else ""
        super().__init__(f"{file}: {key}: expected {expected}{detail}")
