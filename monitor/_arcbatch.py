"""The arc's windows and statistics for many series at once, on numpy (the body of monitor.arcs.compute_many).

An evaluation computes tens of thousands of arcs of a dozen days each. Cut and summed one series at a
time in Python, they cost ~45 us each, most of it per-arc overhead; here the series are laid end to end
in flat arrays, each window is a mask on the day (the evaluation day is the same for every arc), and each
per-arc sum is one `np.bincount`.

Every figure is the same function of a series' own days whatever batch it is in, so an incremental
evaluation and a full one agree: `np.bincount` adds each arc's elements one after another in day order
(a sequential sum, as a Python loop adds them), the change point's prefix sums are row-wise `np.cumsum`
over series of one length, and no sum runs across two series. The trends are monitor/_arctrend.py's.

numpy is imported here and in monitor/_arctrend.py only.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any, Sequence

import numpy as np

from monitor import _arcstats as stats
from monitor._arctrend import window_trends


@dataclass
class _Flat:
    """Series laid end to end: their days, and for every day the index of its series."""

    n: int  # series
    start: np.ndarray  # index of each series' first day
    arc: np.ndarray  # series index of each day
    ords: np.ndarray
    totals: np.ndarray
    counts: np.ndarray
    negatives: np.ndarray

    @classmethod
    def of(cls, series: Sequence) -> _Flat:
        lens = np.fromiter(map(len, (s.ords for s in series)), np.int64, len(series))
        size = int(lens.sum())
        start = np.zeros(len(series), np.int64)
        np.cumsum(lens[:-1], out=start[1:])

        def flat(name: str, dtype) -> np.ndarray:
            return np.fromiter(chain.from_iterable(getattr(s, name) for s in series), dtype, size)

        return cls(len(series), start, np.repeat(np.arange(len(series)), lens), flat("ords", np.int64),
                   flat("totals", np.float64), flat("counts", np.int64), flat("negatives", np.int64))

    def per_arc(self, mask: np.ndarray, values: np.ndarray | None = None) -> np.ndarray:
        """Each series' sum of `values` (default: 1) over its days in `mask`, added in day order."""
        return np.bincount(self.arc[mask], None if values is None else values[mask], minlength=self.n)


def window_columns(series: Sequence, today: int, params: Any, plan: tuple) -> dict[str, list]:
    """compute_many's figures of each series as of ordinal `today`, by name, as lists (None where undefined);
    the change point as 'cp_day' (an ordinal, meaningful where 'shift' is not None), the refresh day as
    'refresh' (an ordinal or None), and 'enough' (days enough in the trend window for a trend)."""
    lookback, window, recent_days, prior_start, offsets, recent_min = plan
    f, t = _Flat.of(series), today
    ords = f.ords
    valid = ords <= t  # days after today do not count yet; a series' valid days are its first ones
    end = f.start + f.per_arc(valid)
    with np.errstate(divide="ignore", invalid="ignore"):
        ys = f.totals / f.counts
        recent = valid & (ords > t - recent_days)
        prior = valid & (ords > t - prior_start) & ~recent
        out = _sums(f, valid & (ords > t - lookback), recent, prior, valid & (ords > t - 7), end, params)
        active = f.per_arc(valid & (ords > t - window))
        n_recent = f.per_arc(recent)
        enough = active >= params.min_days
        out["drop_t"] = _drop_t(f, ys, prior, recent, params.std_floor)
        split, out["shift"] = _change_points(ys, end - active, np.where(enough, active, 0), params)
    cp_day = np.where(split >= 0, _at(ords, end - active + split), 0)
    out["slope"], out["slope_z"] = window_trends(ords, ys, f.counts, end - active, np.where(enough, active, 0))
    out["recent_slope"], out["recent_z"] = window_trends(ords, ys, f.counts, end - n_recent,
                                                         np.where(n_recent >= recent_min, n_recent, 0))
    # a change point counts for the trend only while it is recent: the arc changes when it stops counting
    cp_ends = np.where((split >= 0) & (cp_day + params.cp_recent_days > t), cp_day + params.cp_recent_days, _NEVER)
    out.update(active_days=active.tolist(), enough=enough.tolist(), cp_day=cp_day.tolist(),
               refresh=_refresh(f, end, t, offsets, cp_ends))
    return out


_NEVER = np.iinfo(np.int64).max


def _at(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """values[index], the index clipped into range: for series whose answer is then masked out."""
    if not len(values):
        return np.zeros(len(index), values.dtype)
    return values[np.clip(index, 0, len(values) - 1)]


def _or_none(values: np.ndarray, defined: np.ndarray) -> list:
    return [v if ok else None for v, ok in zip(values.tolist(), defined.tolist())]


def _sums(f: _Flat, look, recent, prior, week, end, params) -> dict[str, list]:
    """The level, the means and the counts of each series."""
    newest = _at(f.ords, end - 1)  # the newest day up to today, where the series has one
    decay = np.array(stats.decay(params.half_life_days, params.lookback_days))
    weight = np.zeros(len(f.ords))
    weight[look] = decay[newest[f.arc[look]] - f.ords[look]]
    num, den = f.per_arc(look, weight * f.totals), f.per_arc(look, weight * f.counts)
    mentions, prior_count = f.per_arc(recent, f.counts), f.per_arc(prior, f.counts)
    return {"level": _or_none(num / den, den != 0),
            "mean_30d": _or_none(f.per_arc(recent, f.totals) / mentions, mentions != 0),
            "mean_prior": _or_none(f.per_arc(prior, f.totals) / prior_count, prior_count != 0),
            "mentions_30d": mentions.astype(np.int64).tolist(),
            "negative_7d": f.per_arc(week, f.negatives).astype(np.int64).tolist(),
            "negative_30d": f.per_arc(recent, f.negatives).astype(np.int64).tolist(),
            "negative_days_30d": f.per_arc(recent & (f.negatives != 0)).astype(np.int64).tolist()}


def _drop_t(f: _Flat, ys: np.ndarray, before, after, floor: float) -> list:
    """Each series' pooled two-sample t of its prior window's daily means against its last 30 days'
    (None unless both have two days or more): how clearly the series turned down."""
    n1, n2 = f.per_arc(before), f.per_arc(after)
    s1, s2 = f.per_arc(before, ys), f.per_arc(after, ys)
    squares = ys * ys
    m1, m2 = s1 / n1, s2 / n2
    ss = f.per_arc(before, squares) - s1 * m1 + f.per_arc(after, squares) - s2 * m2
    sd = np.maximum(np.sqrt(np.maximum(ss, 0.0) / (n1 + n2 - 2)), floor)
    return _or_none((m1 - m2) / (sd * np.sqrt(1 / n1 + 1 / n2)), (n1 >= 2) & (n2 >= 2))


def _change_points(ys: np.ndarray, first: np.ndarray, n: np.ndarray, params) -> tuple[np.ndarray, list]:
    """stats.change_point of each series' trend window (`n` days from index `first`): the split index
    (-1 for none) and the shift (None for none). Series of one length are one matrix."""
    k = params.cp_min_days
    split, shift = np.full(len(n), -1, np.int64), [None] * len(n)
    for size in np.unique(n[n >= 2 * k]).tolist():
        rows = np.flatnonzero(n == size)
        y = ys[first[rows, None] + np.arange(size)]
        found, moved = _best_splits(y, size, k, params)
        for row, at, by, values in zip(rows.tolist(), found.tolist(), moved.tolist(), y.tolist()):
            # a segment made by one outlier day is no change: the medians must differ by min_shift too
            if at >= 0 and abs(stats.median(values[at:]) - stats.median(values[:at])) >= params.min_shift:
                split[row], shift[row] = at, by
    return split, shift


def _best_splits(y: np.ndarray, n: int, k: int, params) -> tuple[np.ndarray, np.ndarray]:
    """Per row of y (n days each): the split k..n-k with the largest qualifying t (the first of equals), or
    -1; and its shift (right mean minus left mean)."""
    prefix, prefix_sq = np.cumsum(y, axis=1), np.cumsum(y * y, axis=1)
    splits = np.arange(k, n - k + 1)
    left_n, right_n = splits.astype(np.float64), (n - splits).astype(np.float64)
    at_split, sq_at = prefix[:, splits - 1], prefix_sq[:, splits - 1]
    whole, whole_sq = prefix[:, -1:], prefix_sq[:, -1:]
    left_mean, right_mean = at_split / left_n, (whole - at_split) / right_n
    shift = right_mean - left_mean
    ss = sq_at - left_n * left_mean ** 2 + whole_sq - sq_at - right_n * right_mean ** 2
    sd = np.maximum(np.sqrt(np.maximum(ss, 0.0) / (n - 2)), params.std_floor)
    t = np.abs(shift) / (sd * np.sqrt(1 / left_n + 1 / right_n))
    t = np.where((np.abs(shift) >= params.min_shift) & (t >= params.cp_t), t, -np.inf)
    best = np.argmax(t, axis=1)
    rows = np.arange(len(y))
    found = np.where(np.isfinite(t[rows, best]), splits[best], -1)
    return found, shift[rows, best]


def _refresh(f: _Flat, end: np.ndarray, t: int, offsets: Sequence[int], cp_refresh: np.ndarray) -> list:
    """Each series' next day after today on which a window of one of these lengths loses a day, or a day
    arrives; or the day its change point stops counting, if sooner. None if never."""
    last = f.start + np.bincount(f.arc, minlength=f.n)
    soonest = cp_refresh.copy()
    later = end < last  # a day after today: the arc changes when it arrives
    soonest[later] = np.minimum(soonest[later], f.ords[end[later]])
    for offset in offsets:
        oldest = f.start + f.per_arc(f.ords <= t - offset)  # the oldest day still inside that window
        inside = oldest < end
        soonest[inside] = np.minimum(soonest[inside], f.ords[oldest[inside]] + offset)
    return _or_none(soonest, soonest != _NEVER)
