"""The arc's statistics on plain lists of days, written for speed (the body of monitor.arcs).

An evaluation computes tens of thousands of arcs of a dozen days each, so per-arc overhead, not
asymptotics, is what costs; each function was timed against its alternatives on the benchmark's arcs.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from itertools import accumulate
from operator import itemgetter, mul
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


def trend(xs: Sequence[int], ys: Sequence[float], counts: Sequence[int]) -> tuple[float | None, float | None]:
    """(weighted Theil-Sen slope, Mann-Kendall z) of daily means at strictly increasing days xs."""
    if len(xs) < 2:
        return None, None
    return trend_of_pairs(*pairs(xs, ys, counts), len(xs))


def trend_of_pairs(slopes: list[float], weights: list[float], n: int) -> tuple[float | None, float | None]:
    """(weighted Theil-Sen slope, Mann-Kendall z) from the `pairs` of n days.

    A pair weighs sqrt(n_i * n_j) * gap. The slope is the weighted median of the pair slopes: the
    smallest at which the sorted pairs' cumulative weight reaches half the total. Mann-Kendall's S is
    rising pairs minus falling ones, read off the same sorted slopes."""
    if len(slopes) < 2:
        return (slopes[0] if slopes else None), None
    in_order = itemgetter(*sorted(range(len(slopes)), key=slopes.__getitem__))  # one C call per list
    ordered, cumulative = in_order(slopes), list(accumulate(in_order(weights)))
    slope = ordered[min(bisect_left(cumulative, sum(weights) / 2), len(ordered) - 1)]
    if n < 4:
        return slope, None
    s = (len(ordered) - bisect_right(ordered, 0.0)) - bisect_left(ordered, 0.0)
    sd = math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    return slope, (s - 1) / sd if s > 0 else (s + 1) / sd if s < 0 else 0.0


def pair_offset(n: int, first: int) -> int:
    """Index in `pairs` of n days where the pairs among days first .. n - 1 begin (they run to the end)."""
    return first * (2 * n - first - 1) // 2


def pairs(xs: Sequence[int], ys: Sequence[float], counts: Sequence[int]) -> tuple[list[float], list[float]]:
    """Slopes and weights of every pair i < j, i-major. Plain indexed loops: faster than map/zip
    pipelines on the dozen days of most arcs; days of one mention each (most) weigh just their gap."""
    n, slopes, weights = len(xs), [], []
    add_slope, add_weight = slopes.append, weights.append
    if max(counts) == 1:
        for i in range(n - 1):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, n):
                gap = xs[j] - xi
                add_slope((ys[j] - yi) / gap)
                add_weight(gap)
        return slopes, weights
    roots = [math.sqrt(c) for c in counts]
    for i in range(n - 1):
        xi, yi, wi = xs[i], ys[i], roots[i]
        for j in range(i + 1, n):
            gap = xs[j] - xi
            add_slope((ys[j] - yi) / gap)
            add_weight(wi * roots[j] * gap)
    return slopes, weights


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
