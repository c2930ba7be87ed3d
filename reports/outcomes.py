"""Did a customer's sentiment recover within 30 days of a moment (outreach, or the alert itself)?

One yardstick for contacted and not-contacted customers alike, from their daily arc (ArcDaily):
- before: the mean score over the 30 days before t0
- after: the mean score over the days after t0, up to 30 days (or up to today, while that is sooner)
- recovered: after >= -0.05 (no longer negative, VADER's neutral bound) and after > before (if any before)
- pending: not recovered yet, and fewer than 30 days have passed since t0
- not recovered: 30 days have passed without recovering; silent: 30 days passed with no mentions at all
An alert's own recorded outcome (monitor/_alertoutcome.py, the same rule measured on its mentions) wins
where present; this module fills in for alerts that have none, such as those never resolved.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Mapping

WINDOW_DAYS = 30
RECOVERED, NOT_RECOVERED, PENDING, SILENT = "recovered", "not recovered", "pending", "silent"
NEUTRAL_FLOOR = -0.05
OUTREACH = "reached out"  # the resolution reason that means a manager contacted the customer


def _mean(days: Mapping[date, tuple[float, int]], start: date, end: date) -> tuple[float | None, int]:
    total, count = 0.0, 0
    for d, (t, n) in days.items():
        if start <= d < end:
            total, count = total + t, count + n
    return (total / count if count else None), count


def recovery(days: Mapping[date, tuple[float, int]], t0: date, today: date) -> str:
    """recovered / not recovered / pending / silent for a subject's daily (total, count) around t0."""
    before, _ = _mean(days, t0 - timedelta(days=WINDOW_DAYS), t0)
    complete = today >= t0 + timedelta(days=WINDOW_DAYS)
    after, n_after = _mean(days, t0 + timedelta(days=1), min(today, t0 + timedelta(days=WINDOW_DAYS)) +
                           timedelta(days=1))
    if after is not None and after >= NEUTRAL_FLOOR and (before is None or after > before):
        return RECOVERED
    if not complete:
        return PENDING
    return SILENT if n_after == 0 else NOT_RECOVERED


def recorded(outcome: Mapping | None) -> str | None:
    """The alert lifecycle's own verdict (monitor/_alertoutcome.py), if it recorded one."""
    if not isinstance(outcome, Mapping) or "recovered" not in outcome:
        return None
    if outcome["recovered"] is True:
        return RECOVERED
    if outcome.get("status") != "final":
        return PENDING
    return NOT_RECOVERED if outcome["recovered"] is False else SILENT
