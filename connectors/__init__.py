"""Connectors: one module and one class per source kind. They fetch and normalise; they never store.

A connector class is built from one `[[sources]]` table and the core's HttpPolicy, checks its keys at
construction (ConfigError naming the source and the key), and offers:

    fetch(cursor: dict | None) -> Iterator[Page]   # Page: mentions, cursor to store after them, deletes
    close() -> None

`KINDS` is the one table of built-in kinds. It names each class by import path, so that running one
source does not import every SDK. Third-party kinds arrive through the entry-point group
`arcwatch.connectors` (name = kind, value = "module:Class"); a built-in kind cannot be overridden.
"""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any, Iterator, Protocol

from monitor.errors import ConfigError
from monitor.types import HttpPolicy, Page

KINDS: dict[str, str] = {
    "x": "connectors.x:XConnector",
    "reddit": "connectors.reddit:RedditConnector",
    "discourse": "connectors.discourse:DiscourseConnector",
    "rss": "connectors.rss:RssConnector",
    "hackernews": "connectors.hackernews:HackerNewsConnector",
    "mastodon": "connectors.mastodon:MastodonConnector",
    "bluesky": "connectors.bluesky:BlueskyConnector",
}
ENTRY_POINT_GROUP = "arcwatch.connectors"


class Connector(Protocol):
    """What the core needs from a connector."""

    kind: str
    platform: str

    def __init__(self, source: dict[str, Any], *, http: HttpPolicy) -> None: ...

    def fetch(self, cursor: dict | None) -> Iterator[Page]: ...

    def close(self) -> None: ...


def available_kinds() -> dict[str, str]:
    """Every kind Arcwatch can run: the built-in table, then installed third-party connectors."""
    kinds = dict(KINDS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        kinds.setdefault(ep.name, ep.value)
    return kinds


def connector_class(kind: Any, *, where: str = "source") -> type[Connector]:
    """The class for a kind; ConfigError if the kind is unknown."""
    kinds = available_kinds()
    if kind not in kinds:
        raise ConfigError(where, "kind", f"one of {sorted(kinds)}", kind)
    module_name, _, class_name = kinds[kind].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
