"""The arc's maths, on a subject's daily totals: no database, and `today` is always a parameter.

Windows are whole UTC days ending on `today` (inclusive): the last 7 and 30 days, the prior window (the
days of the trend window before the last 30), the trend window (default 90 days) and the level's lookback.
Days after `today` are ignored, so an arc "as of" a past date is the arc that was true then.

Trend, in short (see `classify`): an arc is `declining` only when the fall is both large enough and
statistically clear (Theil-Sen slope at or below `decline_slope` with a significant Mann-Kendall test and a
30-day mean below the prior mean; or a recent significant step down; or a clear slide within the last 30
days; or, for people who post too rarely for any test, a sustained turn negative: a falling slope, a
30-day mean that is negative and at least `min_shift` below the prior mean with t >= 2, and negative
posts on two or more days) and the last 30 days are not clearly rising again. One harsh post among many good ones moves
neither a median of slopes nor a rank test nor the 30-day mean, and is one day, so it is not a decline; a
decline that has since recovered is rising now, or its 30-day mean is back up, so it is `improving` (or
`stable`), never `declining`.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Sequence

from monitor import _arcstats as stats
from monitor._arcbatch import window_columns
from monitor._arctrend import trend
from monitor.types import ArcPoint

TRENDS = ("declining", "stable", "improving")


@dataclass(frozen=True, kw_only=True)
class ArcParams:
    """Tuning of the arc; the first three come from [arcs] in the configuration."""

    half_life_days: float = 14.0
    trend_window_days: int = 90
    decline_slope: float = -0.004  # score per day; its mirror image means improving
    recent_days: int = 30
    min_days: int = 4  # fewer active days in the trend window: too little to call a trend
    z_crit: float = 2.58  # Mann-Kendall |z| for a significant trend (two-sided p < 0.01)
    min_shift: float = 0.25  # smallest change of mean that counts as a change point
    cp_t: float = 4.0  # t statistic a change point must reach
    cp_min_days: int = 4  # active days each side of a change point
    cp_recent_days: int = 60  # a step counts for the trend while it is this recent
    std_floor: float = 0.1  # spread assumed at least, so clean constructed data cannot give infinite t
    negative_mean: float = 0.05  # a 30-day mean at or below minus this is negative (VADER's label bound)
    drop_t: float = 2.0  # t a sustained turn negative must reach (prior days against the last 30)

    @property
    def lookback_days(self) -> int:
        """Days of history the arc reads: the trend window, or more for a long half-life."""
        return max(self.trend_window_days, self.recent_days + 30, math.ceil(8 * self.half_life_days))

    @property
    def prior_start(self) -> int:
        """How many days back the prior window starts (it ends where the last 30 days begin)."""
        return max(self.trend_window_days, 2 * self.recent_days)


@dataclass(frozen=True, kw_only=True)
class ArcFigures:
    """Everything the arc derives from the daily series, as of `as_of`."""

    as_of: date
    trend: str
    level: float | None
    mean_30d: float | None
    mean_prior: float | None
    slope: float | None
    slope_z: float | None
    recent_slope: float | None
    recent_z: float | None
    negative_7d: int
    negative_30d: int
    negative_days_30d: int
    mentions_30d: int
    active_days: int  # in the trend window
    change_point: date | None
    shift: float | None  # mean after the change point minus mean before
    drop_t: float | None  # t statistic: the prior window's daily means over the last 30 days
    refresh_on: date | None  # the next day this arc changes with no new mention; None if never


@dataclass(frozen=True)
class Series:
    """A subject's days as parallel lists sorted by day: ordinals, score sums, counts, negatives."""

    ords: list[int]
    totals: list[float]
    counts: list[int]
    negatives: list[int]

    @classmethod
    def of(cls, points: Sequence[ArcPoint]) -> Series:
        """The series of these points (any order; days without mentions dropped)."""
        by_day: dict[int, list] = {}
        for p in points:
            if p.count > 0:
                cell = by_day.setdefault(p.day.toordinal(), [0.0, 0, 0])
                cell[0] += p.total
                cell[1] += p.count
                cell[2] += p.negatives
        days = sorted(by_day)
        return cls(days, [by_day[d][0] for d in days], [by_day[d][1] for d in days], [by_day[d][2] for d in days])

    def span(self, today: int, days: int, end_days_ago: int = 0) -> tuple[int, int]:
        """Index range of the `days` days ending `end_days_ago` days before today (inclusive)."""
        last = today - end_days_ago
        return bisect_left(self.ords, last - days + 1), bisect_right(self.ords, last)

    def means(self, i: int, j: int) -> list[float]:
        """Daily mean scores of the days in index range [i, j)."""
        return [t / c for t, c in zip(self.totals[i:j], self.counts[i:j])]


def ewma_level(points: Sequence[ArcPoint], half_life_days: float) -> float | None:
    """Mean score with each mention weighted 2^(-age/half-life), age in days from the newest day."""
    s = Series.of(points)
    return stats.ewma(s.ords, s.totals, s.counts, half_life_days)


def theil_sen(points: Sequence[ArcPoint]) -> float | None:
    """Weighted median of pairwise slopes of daily means (score per day).

    A pair weighs sqrt(n_i * n_j) * gap: days with more mentions count more (with diminishing
    returns, so one flood day cannot dominate) and slopes over one-day gaps, the noisiest, count least."""
    s = Series.of(points)
    return trend(s.ords, s.means(0, len(s.ords)), s.counts)[0]


def mann_kendall_z(points: Sequence[ArcPoint]) -> float | None:
    """Mann-Kendall z of the daily means in day order (positive: rising); None with fewer than 4 days."""
    s = Series.of(points)
    return trend(s.ords, s.means(0, len(s.ords)), s.counts)[1]


def _change_point(ys: Sequence[float], params: ArcParams) -> tuple[int, float] | None:
    return stats.change_point(ys, min_days=params.cp_min_days, min_shift=params.min_shift, min_t=params.cp_t,
                              std_floor=params.std_floor)


def change_point(points: Sequence[ArcPoint], params: ArcParams) -> tuple[date, float] | None:
    """The split of daily means with the largest significant t statistic: (first day after it, shift)."""
    s = Series.of(points)
    found = _change_point(s.means(0, len(s.ords)), params)
    return (date.fromordinal(s.ords[found[0]]), found[1]) if found else None


def compute_arc(points: Sequence[ArcPoint], *, today: date, params: ArcParams = ArcParams()) -> ArcFigures:
    """Derive the arc from daily points (any order, any span) as of `today`."""
    return compute_series(Series.of(points), today=today, params=params)


def compute_series(s: Series, *, today: date, params: ArcParams = ArcParams()) -> ArcFigures:
    """compute_arc on a Series (the bulk path: no ArcPoint per day)."""
    return ArcFigures(**compute_fields(s, today=today, params=params))


@lru_cache(maxsize=16)
def _plan(params: ArcParams) -> tuple:
    """The window lengths of this tuning, worked out once rather than per arc."""
    offsets = tuple(sorted({7, params.recent_days, params.prior_start, params.trend_window_days,
                            params.lookback_days}))
    return (params.lookback_days, params.trend_window_days, params.recent_days, params.prior_start, offsets,
            max(params.min_days, 5))


def compute_fields(s: Series, *, today: date, params: ArcParams = ArcParams()) -> dict[str, Any]:
    """ArcFigures' fields by name: compute_series without building the dataclass, for the bulk path."""
    return compute_many([s], today=today, params=params)[0]


def compute_many(series: Sequence[Series], *, today: date, params: ArcParams = ArcParams()) -> list[dict[str, Any]]:
    """compute_fields of each series, all computed together on arrays (monitor/_arcbatch.py)."""
    c = window_columns(series, today.toordinal(), params, _plan(params))
    out = []
    for (level, mean_30d, mean_prior, slope, slope_z, recent_slope, recent_z, negative_7d, negative_30d,
         negative_days_30d, mentions_30d, active_days, cp_day, shift, drop_t, refresh, enough) in zip(
            c["level"], c["mean_30d"], c["mean_prior"], c["slope"], c["slope_z"], c["recent_slope"], c["recent_z"],
            c["negative_7d"], c["negative_30d"], c["negative_days_30d"], c["mentions_30d"], c["active_days"],
            c["cp_day"], c["shift"], c["drop_t"], c["refresh"], c["enough"]):
        fields = {
            "as_of": today, "level": level, "mean_30d": mean_30d, "mean_prior": mean_prior, "slope": slope,
            "slope_z": slope_z, "recent_slope": recent_slope, "recent_z": recent_z, "negative_7d": negative_7d,
            "negative_30d": negative_30d, "negative_days_30d": negative_days_30d, "mentions_30d": mentions_30d,
            "active_days": active_days, "change_point": date.fromordinal(cp_day) if shift is not None else None,
            "shift": shift, "drop_t": drop_t, "refresh_on": date.fromordinal(refresh) if refresh is not None else None}
        fields["trend"] = classify(fields, today=today, params=params) if enough else "stable"
        out.append(fields)
    return out


def classify(f: dict, *, today: date, params: ArcParams) -> str:
    """declining, stable or improving, from the figures of `compute_arc` (see the module docstring)."""
    d, z = params.decline_slope, params.z_crit
    means = f["mean_30d"] is not None and f["mean_prior"] is not None
    long_down = (f["slope"] is not None and f["slope"] <= d and (f["slope_z"] or 0) <= -z
                 and (not means or f["mean_30d"] < f["mean_prior"]))
    long_up = (f["slope"] is not None and f["slope"] >= -d and (f["slope_z"] or 0) >= z
               and (not means or f["mean_30d"] > f["mean_prior"]))
    step = f["shift"] if (f["change_point"] is not None
                          and f["change_point"] > today - timedelta(days=params.cp_recent_days)) else None
    falling_now = f["recent_slope"] is not None and f["recent_slope"] <= d and (f["recent_z"] or 0) <= -z
    rising_now = f["recent_slope"] is not None and f["recent_slope"] >= -d and (f["recent_z"] or 0) >= z
    fresh_slide = falling_now and means and f["mean_30d"] <= f["mean_prior"] - params.min_shift / 2
    # customers who post weekly never reach significance: a sustained turn negative must do for them
    turned_negative = (means and f["slope"] is not None and f["slope"] <= d
                       and f["mean_30d"] <= min(f["mean_prior"] - params.min_shift, -params.negative_mean)
                       and f["negative_days_30d"] >= 2 and (f["drop_t"] or 0) >= params.drop_t)
    if (long_down or (step is not None and step < 0) or fresh_slide or turned_negative) and not rising_now:
        return "declining"
    if (long_up or (step is not None and step > 0) or rising_now) and not falling_now:
        return "improving"
    return "stable"


def risk(*, trend: str, level: float | None, mean_30d: float | None, negative_30d: int,
         tenure_days: int | None) -> float:
    """A 0-100 ranking score for `customers list`: declining, negative lately, many complaints, long tenure."""
    recent = mean_30d if mean_30d is not None else level if level is not None else 0.0
    score = 40.0 * (trend == "declining") + 30.0 * min(max(-recent, 0.0), 1.0)
    score += 20.0 * min(negative_30d, 5) / 5 + 10.0 * min((tenure_days or 0) / 365.0, 5.0) / 5
    return round(score, 1)


def tenure_days(*, today: date, customer_since: date | None = None, first_seen: date | None = None,
                claimed_years: float | None = None) -> int | None:
    """Days a customer: from customer_since if rostered, else from the earliest of first seen and a claim."""
    if customer_since is not None:
        return max((today - customer_since).days, 0)
    starts = [d for d in (first_seen,) if d is not None]
    if claimed_years:
        starts.append(today - timedelta(days=round(claimed_years * 365.25)))
    return max((today - min(starts)).days, 0) if starts else None
