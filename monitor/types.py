"""Value types that cross layers: what connectors emit and what the scorer returns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass(frozen=True, kw_only=True, slots=True)
class ArcPoint:
    """One UTC day of a subject's arc: the sum and count of its mentions' scores, and the negatives."""

    day: date
    total: float
    count: int
    negatives: int = 0

    @property
    def mean(self) -> float:
        """The day's mean score (0.0 for a day without mentions)."""
        return self.total / self.count if self.count else 0.0


@dataclass(frozen=True, kw_only=True, slots=True)
class Arc:
    """A subject's sentiment arc as of `as_of` (subject 'c:<customer_id>' or 'a:<author_id>')."""

    subject: str
    trend: str  # declining, stable, improving
    level: float | None  # exponentially weighted mean score (half-life in days)
    mean_30d: float | None
    mean_prior: float | None  # mean of the window before the last 30 days
    slope: float | None  # Theil-Sen slope of daily means, score per day
    negative_7d: int
    negative_30d: int
    negative_days_30d: int
    mentions_30d: int
    mentions: int  # ever
    change_point: date | None
    first_seen: datetime | None
    last_mention_at: datetime | None
    as_of: date | None
    updated_at: datetime | None


def label_for(score: float, threshold: float = 0.05) -> str:
    """Return VADER's standard label for a score: +-0.05 bounds neutral."""
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"
