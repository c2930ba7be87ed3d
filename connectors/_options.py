"""Reading one [[sources]] table: each connector states its keys, and a wrong one gets a clear error."""
from __future__ import annotations

import os
from typing import Any, Iterable

from monitor.errors import ConfigError

# Keys every source may have; the core reads them (schedule and time budget), connectors ignore them.
COMMON_KEYS = frozenset({"name", "kind", "every", "budget", "enabled"})


class Options:
    """Typed access to one source's keys; raises ConfigError naming the source and the key."""

    def __init__(self, source: dict[str, Any], allowed: Iterable[str]):
        self.source = source
        self.name = str(source.get("name") or "?")
        self.where = f"source {self.name!r}"
        allowed = set(allowed) | COMMON_KEYS
        for key in source:
            if key not in allowed:
                raise ConfigError(self.where, key, f"one of the keys {sorted(allowed)}", "an unknown key")

    def error(self, key: str, expected: str, got: Any = None) -> ConfigError:
        """A ConfigError about one of this source's keys."""
        return ConfigError(self.where, key, expected, got)

    def text(self, key: str, *, default: str | None = None, required: bool = False) -> str | None:
        """A non-empty string value."""
        value = self.source.get(key, default)
        if value is None:
            if required:
                raise self.error(key, "a non-empty string (required)")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "a non-empty string", value)
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings; a single string counts as a list of one."""
        value = self.source.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(key, "a list of non-empty strings", value)
        return tuple(v.strip() for v in value)

    def integer(self, key: str, default: int, *, low: int = 1, high: int | None = None) -> int:
        """An integer within [low, high]."""
        value = self.source.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low or (high and value > high):
            bound = f"{low}..{high}" if high else f">= {low}"
            raise self.error(key, f"an integer {bound}", value)
        return value

    def url(self, key: str, *, default: str | None = None, required: bool = False) -> str | None:
        """An http(s) URL without a trailing slash."""
        value = self.text(key, default=default, required=required)
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise self.error(key, "an http:// or https:// URL", value)
        return value.rstrip("/")

    def secret(self, key: str, *, required: bool, default_env: str | None = None) -> str | None:
        """The value of the environment variable that `key` names (never the secret itself)."""
        var = self.text(key, default=default_env)
        if var is None:
            if required:
                raise self.error(key, "the name of an environment variable holding the credential")
            return None
        value = os.environ.get(var)
        if required and not value:
            raise self.error(key, f"environment variable {var} to be set (it is empty or missing)")
        return value or None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        """One of a fixed set of strings."""
        value = self.source.get(key, default)
        if value not in choices:
            raise self.error(key, f"one of {list(choices)}", value)
        return value
