"""The batched arc (monitor._arcbatch, behind arcs.compute_many) against the plain definition, one arc at a time.

`definition` is the arc written out for one series in plain Python: slices of the window, sequential sums,
and the change point, level and trend of monitor._arcstats / monitor._arctrend. The batch must give the
same figures to the last bit, whatever else is in the batch, or an incremental evaluation (a few arcs)
would not equal a full one (all of them).
"""
from __future__ import annotations

import math
import random
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

import pytest

from monitor import _arcstats as stats
from monitor._arctrend import trend
from monitor.arcs import ArcParams, Series, classify, compute_many

TODAY = date(2025, 3, 31)


def _drop_t(before, after, floor):
    n1, n2 = len(before), len(after)
    if n1 < 2 or n2 < 2:
        return None
    s1, s2 = sum(before), sum(after)
    m1, m2 = s1 / n1, s2 / n2
    ss = sum(b * b for b in before) - s1 * m1 + sum(a * a for a in after) - s2 * m2
    sd = max(math.sqrt(max(ss, 0.0) / (n1 + n2 - 2)), floor)
    return (m1 - m2) / (sd * math.sqrt(1 / n1 + 1 / n2))


def _refresh(ords, end, t, offsets):
    candidates = [ords[end]] if end < len(ords) else []
    for offset in offsets:
        oldest = bisect_right(ords, t - offset, 0, end)
        if oldest < end:
            candidates.append(ords[oldest] + offset)
    return min(candidates) if candidates else None


def definition(s: Series, today: date, p: ArcParams) -> dict:
    """The arc of one series as of `today`, computed plainly."""
    t, ords = today.toordinal(), s.ords
    end = bisect_right(ords, t)

    def start(days):
        return bisect_left(ords, t - days + 1, 0, end)

    def means(i, j):
        return [s.totals[k] / s.counts[k] for k in range(i, j)]

    look, first, recent, prior = start(p.lookback_days), start(p.trend_window_days), start(p.recent_days), \
        start(p.prior_start)
    xs, ys = ords[first:end], means(first, end)
    enough = len(xs) >= p.min_days
    cp = stats.change_point(ys, min_days=p.cp_min_days, min_shift=p.min_shift, min_t=p.cp_t,
                            std_floor=p.std_floor) if enough else None
    offsets = sorted({7, p.recent_days, p.prior_start, p.trend_window_days, p.lookback_days})
    refresh = _refresh(ords, end, t, offsets)
    if cp and xs[cp[0]] + p.cp_recent_days > t:
        refresh = min(x for x in (refresh, xs[cp[0]] + p.cp_recent_days) if x is not None)
    slope, slope_z = trend(xs, ys, s.counts[first:end]) if enough else (None, None)
    recent_slope, recent_z = (trend(ords[recent:end], means(recent, end), s.counts[recent:end])
                              if end - recent >= max(p.min_days, 5) else (None, None))
    mentions, prior_count = sum(s.counts[recent:end]), sum(s.counts[prior:recent])
    negs = s.negatives[recent:end]
    f = {"as_of": today,
         "level": stats.ewma(ords[look:end], s.totals[look:end], s.counts[look:end], p.half_life_days),
         "mean_30d": sum(s.totals[recent:end]) / mentions if mentions else None,
         "mean_prior": sum(s.totals[prior:recent]) / prior_count if prior_count else None,
         "slope": slope, "slope_z": slope_z, "recent_slope": recent_slope, "recent_z": recent_z,
         "negative_7d": sum(s.negatives[bisect_left(ords, t - 6, 0, end):end]), "negative_30d": sum(negs),
         "negative_days_30d": sum(1 for n in negs if n), "mentions_30d": mentions, "active_days": len(xs),
         "change_point": date.fromordinal(xs[cp[0]]) if cp else None, "shift": cp[1] if cp else None,
         "drop_t": _drop_t(means(prior, recent), means(recent, end), p.std_floor),
         "refresh_on": date.fromordinal(refresh) if refresh is not None else None}
    f["trend"] = classify(f, today=today, params=p) if enough else "stable"
    return f


def random_series(rng: random.Random) -> Series:
    """Days over the last ~200 days and a few after today; coarse scores make ties; some long, some empty."""
    n = rng.choice([0, 1, 3, 6, 12, 25, 60, rng.randint(0, 150)])
    t = TODAY.toordinal()
    ords = sorted(rng.sample(range(t - 200, t + 15), n))
    shape = rng.choice([lambda k: 0.3, lambda k: 0.5 - k / max(n, 1), lambda k: -0.5 + k / max(n, 1),
                        lambda k: 0.6 if k < n / 2 else -0.4, lambda k: -0.4 if k < n / 2 else 0.6])
    counts = [rng.choice([1, 1, 2, 3, 9]) for _ in ords]
    totals = [c * max(-1.0, min(1.0, shape(k) + rng.choice([0.0, 0.25, rng.uniform(-0.5, 0.5)])))
              for k, c in enumerate(counts)]
    negatives = [rng.randint(0, c) for c in counts]
    return Series(ords, totals, counts, negatives)


@pytest.mark.parametrize("params", [ArcParams(), ArcParams(half_life_days=40, trend_window_days=60, min_days=3),
                                    ArcParams(recent_days=14, cp_min_days=2, min_shift=0.1, cp_t=2.0)])
def test_batched_arcs_equal_the_definition_whatever_the_batch(params):
    rng = random.Random(11)
    series = [random_series(rng) for _ in range(700)]
    for today in (TODAY, TODAY - timedelta(days=45), TODAY + timedelta(days=9)):
        batched = compute_many(series, today=today, params=params)
        expected = [definition(s, today, params) for s in series]
        assert batched == expected
        assert {f["trend"] for f in expected} == {"declining", "stable", "improving"}  # the cases are varied
        assert any(f["change_point"] for f in expected) and any(f["level"] is None for f in expected)
        picked = rng.sample(range(len(series)), 40)
        assert compute_many([series[k] for k in picked], today=today, params=params) == [batched[k] for k in picked]


def test_an_empty_batch_and_empty_series():
    assert compute_many([], today=TODAY) == []
    empty = Series([], [], [], [])
    assert compute_many([empty, empty], today=TODAY) == [definition(empty, TODAY, ArcParams())] * 2
