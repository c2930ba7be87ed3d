"""Weighted Theil-Sen slopes and Mann-Kendall z of many daily series at once, on numpy.

An evaluation computes tens of thousands of trends of a dozen days each; building and sorting each
one's pairs in Python cost half the evaluation. Series are grouped by their number of days, so a
group's pairs form one matrix (one row per series) and every step is one array operation per group.

The results are exactly those of the plain definition: each pair's slope is (y_j - y_i) / gap in
float64, the sort is stable (ties keep pair order i < j, i-major), and cumulative and total weights
are sequential sums, so no summation order depends on the batch a series happens to be in.

numpy is imported here and in monitor/_arcbatch.py only.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

Job = tuple  # (days ascending, daily means, mention counts per day)
_PAIRS: dict[int, tuple[np.ndarray, np.ndarray]] = {}
MAX_CELLS = 1 << 18  # pair cells per array operation: bounds memory for long, many-day series


def _pair_index(n: int) -> tuple[np.ndarray, np.ndarray]:
    found = _PAIRS.get(n)
    if found is None:
        found = _PAIRS[n] = np.triu_indices(n, 1)
    return found


def trends(jobs: Sequence[Job]) -> list[tuple[float | None, float | None]]:
    """(slope, z) of each job's days: the weighted median of the pair slopes, and Mann-Kendall's z.

    A pair i < j weighs sqrt(n_i * n_j) * gap, so days with more mentions count more (with diminishing
    returns) and slopes over one-day gaps, the noisiest, count least. The slope is the smallest pair
    slope at which the sorted pairs' cumulative weight reaches half the total (None below 2 days); z
    is None below 4 days."""
    n = np.fromiter((len(job[0]) for job in jobs), np.int64, len(jobs))
    first = np.zeros(len(jobs), np.int64)
    np.cumsum(n[:-1], out=first[1:])

    def flat(part: int, dtype) -> np.ndarray:
        return np.fromiter((v for job in jobs for v in job[part]), dtype, int(n.sum()))

    return list(zip(*window_trends(flat(0, np.int64), flat(1, np.float64), flat(2, np.int64), first, n)))


def window_trends(ords: np.ndarray, ys: np.ndarray, counts: np.ndarray, first: np.ndarray,
                  n: np.ndarray) -> tuple[list, list]:
    """trends() of windows of flat arrays (monitor/_arcbatch.py): window i is the n[i] days from index
    first[i]. Returns the slopes and the z values as two lists."""
    slopes, zs = [None] * len(n), [None] * len(n)
    for size in np.unique(n[n >= 2]).tolist():
        members = np.flatnonzero(n == size)
        step = max(1, MAX_CELLS // (size * (size - 1) // 2))
        for at in range(0, len(members), step):
            group = members[at:at + step]
            index = first[group, None] + np.arange(size)
            found = _group_trends(size, ords[index].astype(np.float64), ys[index],
                                  np.sqrt(counts[index].astype(np.float64)))
            for k, (slope, z) in zip(group.tolist(), found):
                slopes[k], zs[k] = slope, z
    return slopes, zs


def _group_trends(n: int, xs: np.ndarray, ys: np.ndarray, roots: np.ndarray) -> list[tuple[float, float | None]]:
    """trends() of series of n days each: their days, daily means and root counts as rows."""
    first, second = _pair_index(n)
    gaps = xs[:, second] - xs[:, first]
    slopes = (ys[:, second] - ys[:, first]) / gaps
    weights = roots[:, first] * roots[:, second] * gaps
    order = np.argsort(slopes, axis=1, kind="stable")
    ordered = np.take_along_axis(slopes, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=1), axis=1)
    half = np.cumsum(weights, axis=1)[:, -1] / 2
    at = np.minimum((cumulative < half[:, None]).sum(axis=1), slopes.shape[1] - 1)
    medians = ordered[np.arange(len(xs)), at].tolist()
    if n < 4:
        return [(m, None) for m in medians]
    s = ((slopes > 0).sum(axis=1) - (slopes < 0).sum(axis=1)).tolist()
    sd = math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    return [(m, (v - 1) / sd if v > 0 else (v + 1) / sd if v < 0 else 0.0) for m, v in zip(medians, s)]


def trend(xs: Sequence[int], ys: Sequence[float], counts: Sequence[int]) -> tuple[float | None, float | None]:
    """trends() of one series."""
    return trends([(xs, ys, counts)])[0]
