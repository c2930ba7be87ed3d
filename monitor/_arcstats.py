"""The arc's statistics on plain lists of one series' days: the level, the median, the change point.

monitor.arcs uses them for one series (ewma_level, change_point). A batch of arcs is computed on numpy in
monitor/_arcbatch.py, which takes `median` and the decay table from here, so both weigh days alike.
"""
from __future__ import annotations

import math
from itertools import accumulate
from operator import mul
from typing import Sequence

_DECAY: dict[tuple[float, int], list[float]] = {}


def decay(half_life: float, span: int) -> list[float]:
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
    weights, num, den = decay(half_life, newest - xs[0] + 1), 0.0, 0.0
    for x, total, count in zip(xs, totals, counts):
        weight = weights[newest - x]
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
