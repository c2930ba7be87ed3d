"""The arc's statistics on plain lists of days, written for speed (the body of monitor.arcs).

An evaluation computes tens of thousands of arcs of a dozen days each, so per-arc overhead, not
asymptotics, is what costs; each function was timed against its alternatives on the benchmark's arcs.
The trend (Theil-Sen and Mann-Kendall) is batched on numpy in monitor/_arctrend.py.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from itertools import accumulate
from operator import mul
from typing import Iterable, Sequence

_DECAY: dict[tuple[float, int], list[float]] = {}


def _decay(half_life: float, span: int) -> list[float]:
    """0.5 ** (age / half_life) for ages 0 .. span - 1 days, built once per half-life and span."""
    found = _DECAY.get((half_life, span))
    if found is None:
        found = _DECAY[(half_life, span)] = [0.5 ** (age / half_life) for age in range(span)]
    return found


def ewma(xs: Sequence[int], totals: Sequence[float], counts: Sequence[int], half_life: float) -> float | None:
    """Mean score with each day's sum and count weighted 2^(-age/half_life), age from the newest of xs
    (days ascending)."""
    if not xs:
        return None
    newest = xs[-1]
    decay, num, den = _decay(half_life, newest - xs[0] + 1), 0.0, 0.0
    for x, total, count in zip(xs, totals, counts):
        weight = decay[newest - x]
        num += weight * total
        den += weight * count
    return num / den if den else None


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def change_point(ys: Sequence[float], *, min_days: int, min_shift: float, min_t: float,
                 std_floor: float) -> tuple[int, float] | None:
    """(index of the first day after the split, shift) of the most significant change of mean, or None.

    A split needs min_days days each side, a shift of at least min_shift, a t statistic of at least
    min_t, and medians that differ by min_shift too, so a segment made by one outlier day is not one."""
    n, k = len(ys), min_days
    if n < 2 * k:
        return None
    prefix = list(accumulate(ys, initial=0.0))
    prefix_sq = list(accumulate(map(mul, ys, ys), initial=0.0))
    whole, whole_sq = prefix[n], prefix_sq[n]
    best: tuple[float, int, float] | None = None
    for split in range(k, n - k + 1):
        left_n, right_n = split, n - split
        left_mean = prefix[split] / left_n
        right_mean = (whole - prefix[split]) / right_n
        shift = right_mean - left_mean
        if abs(shift) < min_shift:
            continue  # cannot qualify, whatever its t
        ss = (prefix_sq[split] - left_n * left_mean ** 2 + whole_sq - prefix_sq[split] - right_n * right_mean ** 2)
        sd = max(math.sqrt(max(ss, 0.0) / (n - 2)), std_floor)
        t = abs(shift) / (sd * math.sqrt(1 / left_n + 1 / right_n))
        if t >= min_t and (best is None or t > best[0]):
            best = (t, split, shift)
    if best is None or abs(median(ys[best[1]:]) - median(ys[:best[1]])) < min_shift:
        return None
    return best[1], best[2]


def drop_t(before: Sequence[float], after: Sequence[float], floor: float) -> float | None:
    """Pooled two-sample t of mean(before) - mean(after); None unless both have two days or more."""
    n1, n2 = len(before), len(after)
    if n1 < 2 or n2 < 2:
        return None
    s1, s2 = sum(before), sum(after)
    m1, m2 = s1 / n1, s2 / n2
    # sums of squares about the means, from sums of squares: scores lie in [-1, 1], so nothing cancels badly
    ss = sum(map(mul, before, before)) - s1 * m1 + sum(map(mul, after, after)) - s2 * m2
    sd = max(math.sqrt(max(ss, 0.0) / (n1 + n2 - 2)), floor)
    return (m1 - m2) / (sd * math.sqrt(1 / n1 + 1 / n2))


def refresh_day(ords: Sequence[int], end: int, today: int, offsets: Iterable[int]) -> int | None:
    """The next ordinal after today on which a window of one of these lengths loses a day, or a day arrives.

    `end` is the index of the first day after today."""
    candidates = [ords[end]] if end < len(ords) else []
    for offset in offsets:
        oldest = bisect_right(ords, today - offset, 0, end)  # the oldest day still inside that window
        if oldest < end:
            candidates.append(ords[oldest] + offset)
    return min(candidates) if candidates else None
