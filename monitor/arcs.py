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
from operator import truediv
from typing import Any, Sequence

from monitor import _arcstats as stats
from monitor._arctrend import trend, trends
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
    """compute_fields of each series, with all their trends computed in one batch (monitor._arctrend)."""
    plan = _plan(params)
    windows = [_window(s, today.toordinal(), params, plan) for s in series]
    jobs = [job for w in windows for job in w.jobs]
    found = iter(trends(jobs))
    return [_fields(w, [next(found) for _ in w.jobs], today, params) for w in windows]


@dataclass
class _Window:
    """One series cut into the arc's windows, before its trends are computed."""

    s: Series
    end: int  # index of the first day after today
    look: int  # first day of the level's lookback
    recent: int  # first day of the last 30 days
    prior: int  # first day of the prior window
    xs: list[int]  # the trend window's days
    ys: list[float]  # and their means
    r_ys: list[float]  # the last 30 days' means
    prior_ys: list[float]  # the prior window's means
    enough: bool  # enough days in the trend window for a trend
    cp: tuple[int, float] | None  # change point: (index in xs, shift)
    refresh: int | None
    jobs: list[tuple]  # the trend window's, then the last 30 days', if each has enough days


def _window(s: Series, t: int, params: ArcParams, plan: tuple) -> _Window:
    lookback, window, recent_days, prior_start, offsets, recent_min = plan
    ords, totals, counts = s.ords, s.totals, s.counts
    end = bisect_right(ords, t)  # days after today do not count yet
    look, first = bisect_left(ords, t - lookback + 1, 0, end), bisect_left(ords, t - window + 1, 0, end)
    recent, prior = bisect_left(ords, t - recent_days + 1, 0, end), bisect_left(ords, t - prior_start + 1, 0, end)
    xs, day_counts = ords[first:end], counts[first:end]
    ys = list(map(truediv, totals[first:end], day_counts))
    r_ys = ys[recent - first:] if recent >= first else list(map(truediv, totals[recent:end], counts[recent:end]))
    prior_ys = ys[:recent - first] if prior == first <= recent else list(
        map(truediv, totals[prior:recent], counts[prior:recent]))
    enough = len(xs) >= params.min_days
    cp = _change_point(ys, params) if enough else None
    refresh = stats.refresh_day(ords, end, t, offsets)
    if cp and xs[cp[0]] + params.cp_recent_days > t:
        refresh = min(x for x in (refresh, xs[cp[0]] + params.cp_recent_days) if x is not None)
    jobs = [(xs, ys, day_counts)] if enough else []
    if end - recent >= recent_min:
        jobs.append((ords[recent:end], r_ys, counts[recent:end]))
    return _Window(s, end, look, recent, prior, xs, ys, r_ys, prior_ys, enough, cp, refresh, jobs)


def _fields(w: _Window, found: list[tuple], today: date, params: ArcParams) -> dict[str, Any]:
    """The fields of a cut series, given its jobs' (slope, z)."""
    t, (ords, totals, counts, negs) = today.toordinal(), (w.s.ords, w.s.totals, w.s.counts, w.s.negatives)
    end, recent, prior = w.end, w.recent, w.prior
    slope, slope_z = found[0] if w.enough else (None, None)
    recent_slope, recent_z = found[-1] if len(w.jobs) > w.enough else (None, None)
    mentions_30d, prior_count, recent_negs = sum(counts[recent:end]), sum(counts[prior:recent]), negs[recent:end]
    cp_day = w.xs[w.cp[0]] if w.cp else None
    fields = {
        "as_of": today, "level": stats.ewma(ords[w.look:end], totals[w.look:end], counts[w.look:end],
                                            params.half_life_days),
        "mean_30d": sum(totals[recent:end]) / mentions_30d if mentions_30d else None,
        "mean_prior": sum(totals[prior:recent]) / prior_count if prior_count else None,
        "slope": slope, "slope_z": slope_z, "recent_slope": recent_slope, "recent_z": recent_z,
        "negative_7d": sum(negs[bisect_left(ords, t - 6, 0, end):end]), "negative_30d": sum(recent_negs),
        "negative_days_30d": len(recent_negs) - recent_negs.count(0), "mentions_30d": mentions_30d,
        "active_days": len(w.xs), "change_point": date.fromordinal(cp_day) if cp_day else None,
        "shift": w.cp[1] if w.cp else None, "drop_t": stats.drop_t(w.prior_ys, w.r_ys, params.std_floor),
        "refresh_on": date.fromordinal(w.refresh) if w.refresh is not None else None}
    fields["trend"] = classify(fields, today=today, params=params) if w.enough else "stable"
    return fields


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
