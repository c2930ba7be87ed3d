"""Value types that cross layers: what connectors emit and what the scorer returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, TypeVar

T = TypeVar("T")
LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, kw_only=True, slots=True)
class Mention:
    """One normalised post, comment or reply from any platform."""

    platform: str
    external_id: str
    author: str
    created_at: datetime  # always tz-aware UTC
    text: str
    author_id: str | None = None
    url: str | None = None
    parent_id: str | None = None
    thread_id: str | None = None
    title: str | None = None
    lang: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False  # upstream reported it deleted: the store blanks it


@dataclass(frozen=True, kw_only=True, slots=True)
class Page:
    """One batch a connector yields: mentions, plus the cursor to store once they are committed.

    cursor None leaves the stored cursor as it is (newest-first pagination advances it on the last
    page only, so a crash part-way never skips the items in between)."""

    mentions: tuple[Mention, ...]
    cursor: dict | None = None
    deleted_ids: tuple[str, ...] = ()  # external ids the platform reports deleted


def _call_once(fn: Callable[[], T], what: str) -> T:
    return fn()


@dataclass(frozen=True, kw_only=True, slots=True)
class HttpPolicy:
    """How a connector makes network calls: the timeout, and the core's retry wrapper to call through."""

    timeout: float = 20.0
    retry: Callable[[Callable[[], Any], str], Any] = _call_once  # retry(fn, "what it does") -> fn()
    user_agent: str = "arcwatch (social listening monitor)"


@dataclass(frozen=True, kw_only=True, slots=True)
class Score:
    """Sentiment of one text: VADER's parts, the final score and why."""

    compound: float
    pos: float
    neu: float
    neg: float
    score: float
    label: str
    cues: tuple[str, ...] = ()
    tenure_claim_years: float | None = None  # "customer for 10 years" -> 10.0


def label_for(score: float, threshold: float = 0.05) -> str:
    """Return VADER's standard label for a score: +-0.05 bounds neutral."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"
