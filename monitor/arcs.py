"""The arc's maths, on a subject's daily totals: no database, and `today` is always a parameter.

Windows are whole UTC days ending on `today` (inclusive): the last 7 and 30 days, the prior window (the
days of the trend window before the last 30), the trend window (default 90 days) and the level's lookback.
Days after `today` are ignored, so an arc "as of" a past date is the arc that was true then.

Trend, in short (see `classify`): an arc is `declining` only when the fall is both large enough and
statistically clear (Theil-Sen slope at or below `decline_slope` with a significant Mann-Kendall test and a
30-day mean below the prior mean; or a recent significant step down; or a clear slide within the last 30
days) and the last 30 days are not clearly rising again. One harsh post among many good ones moves
neither a median of slopes nor a rank test, so it is not a decline; a decline that has since recovered is
rising now, so it is `improving` (or `stable`), never `declining`.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

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
    refresh_on: date | None  # the next day this arc changes with no new mention; None if never


def _mean(points: Sequence[ArcPoint]) -> float | None:
    count = sum(p.count for p in points)
    return sum(p.total for p in points) / count if count else None


def ewma_level(points: Sequence[ArcPoint], half_life_days: float) -> float | None:
    """Mean score with each mention weighted 2^(-age/half-life), age in days from the newest day."""
    if not points:
        return None
    newest = max(p.day for p in points).toordinal()
    num = den = 0.0
    for p in points:
        weight = 0.5 ** ((newest - p.day.toordinal()) / half_life_days)
        num += weight * p.total
        den += weight * p.count
    return num / den if den else None


def theil_sen(points: Sequence[ArcPoint]) -> float | None:
    """Weighted median of pairwise slopes of daily means (score per day).

    A pair weighs sqrt(n_i * n_j) * gap: days with more mentions count more (with diminishing
    returns, so one flood day cannot dominate) and slopes over one-day gaps, the noisiest, count least."""
    xs = [p.day.toordinal() for p in points]
    ys = [p.mean for p in points]
    ws = [math.sqrt(p.count) for p in points]
    pairs = []
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            gap = xs[j] - xs[i]
            if gap > 0:
                pairs.append(((ys[j] - ys[i]) / gap, ws[i] * ws[j] * gap))
    if not pairs:
        return None
    pairs.sort()
    half = sum(w for _, w in pairs) / 2
    acc = 0.0
    for slope, weight in pairs:
        acc += weight
        if acc >= half:
            return slope
    return pairs[-1][0]


def mann_kendall_z(points: Sequence[ArcPoint]) -> float | None:
    """Mann-Kendall z of the daily means (positive: rising); None with fewer than 4 days."""
    n = len(points)
    if n < 4:
        return None
    ys = [p.mean for p in points]
    s = 0
    for i in range(n):
        yi = ys[i]
        for j in range(i + 1, n):
            s += (ys[j] > yi) - (ys[j] < yi)
    sd = math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    return (s - 1) / sd if s > 0 else (s + 1) / sd if s < 0 else 0.0


def change_point(points: Sequence[ArcPoint], params: ArcParams) -> tuple[date, float] | None:
    """The split of daily means with the largest significant t statistic: (first day after it, shift)."""
    n, k = len(points), params.cp_min_days
    if n < 2 * k:
        return None
    ys = [p.mean for p in points]
    prefix, prefix_sq = [0.0], [0.0]
    for y in ys:
        prefix.append(prefix[-1] + y)
        prefix_sq.append(prefix_sq[-1] + y * y)
    best: tuple[float, int, float] | None = None
    for split in range(k, n - k + 1):
        left_n, right_n = split, n - split
        left_mean = prefix[split] / left_n
        right_mean = (prefix[n] - prefix[split]) / right_n
        ss = (prefix_sq[split] - left_n * left_mean ** 2) + (prefix_sq[n] - prefix_sq[split] - right_n * right_mean ** 2)
        sd = max(math.sqrt(max(ss, 0.0) / (n - 2)), params.std_floor)
        shift = right_mean - left_mean
        t = abs(shift) / (sd * math.sqrt(1 / left_n + 1 / right_n))
        if abs(shift) >= params.min_shift and t >= params.cp_t and (best is None or t > best[0]):
            best = (t, split, shift)
    if best is None:
        return None
    split = best[1]
    # confirm with medians, so a segment made by one outlier day is not a change of level
    if abs(_median(ys[split:]) - _median(ys[:split])) < params.min_shift:
        return None
    return points[split].day, best[2]


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


class _Days:
    """Points sorted by day with their ordinals, so each window is two binary searches."""

    def __init__(self, points: Sequence[ArcPoint], today: date):
        pts = [p for p in points if p.count > 0]
        if any(pts[i].day > pts[i + 1].day for i in range(len(pts) - 1)):
            pts.sort(key=lambda p: p.day)
        self.points, self.ords, self.today = pts, [p.day.toordinal() for p in pts], today.toordinal()

    def window(self, days: int, end_days_ago: int = 0) -> list[ArcPoint]:
        """Points in the `days` days ending `end_days_ago` days before today (inclusive)."""
        last = self.today - end_days_ago
        return self.points[bisect_left(self.ords, last - days + 1):bisect_right(self.ords, last)]

    def refresh(self, offsets: Iterable[int]) -> int | None:
        """The next ordinal after today on which a window of one of these lengths loses a day, or a day arrives."""
        ords, today = self.ords, self.today
        after = bisect_right(ords, today)
        candidates = [ords[after]] if after < len(ords) else []
        for offset in offsets:
            first = bisect_right(ords, today - offset)  # the oldest day still inside that window
            if first < after:
                candidates.append(ords[first] + offset)
        return min(candidates) if candidates else None


def refresh_date(points: Sequence[ArcPoint], today: date, params: ArcParams, cp: date | None) -> date | None:
    """The next day on which a window boundary passes one of these days (or a future-dated day arrives)."""
    offsets = {7, params.recent_days, params.prior_start, params.trend_window_days, params.lookback_days}
    found = _Days(points, today).refresh(offsets)
    if cp is not None and cp.toordinal() + params.cp_recent_days > today.toordinal():
        found = min(x for x in (found, cp.toordinal() + params.cp_recent_days) if x is not None)
    return date.fromordinal(found) if found is not None else None


def compute_arc(points: Sequence[ArcPoint], *, today: date, params: ArcParams = ArcParams()) -> ArcFigures:
    """Derive the arc from daily points (any order, any span) as of `today`."""
    days = _Days(points, today)
    lookback = days.window(params.lookback_days)
    trend_pts = days.window(params.trend_window_days)
    recent = days.window(params.recent_days)
    prior = days.window(params.prior_start - params.recent_days, params.recent_days)
    week = days.window(7)
    cp = change_point(trend_pts, params)
    enough = len(trend_pts) >= params.min_days
    recent_ok = len(recent) >= max(params.min_days, 5)
    offsets = {7, params.recent_days, params.prior_start, params.trend_window_days, params.lookback_days}
    refresh = days.refresh(offsets)
    if cp is not None and cp[0].toordinal() + params.cp_recent_days > days.today:
        refresh = min(x for x in (refresh, cp[0].toordinal() + params.cp_recent_days) if x is not None)
    figures = dict(
        as_of=today, level=ewma_level(lookback, params.half_life_days), mean_30d=_mean(recent),
        mean_prior=_mean(prior), slope=theil_sen(trend_pts) if enough else None,
        slope_z=mann_kendall_z(trend_pts) if enough else None,
        recent_slope=theil_sen(recent) if recent_ok else None,
        recent_z=mann_kendall_z(recent) if recent_ok else None,
        negative_7d=sum(p.negatives for p in week), negative_30d=sum(p.negatives for p in recent),
        negative_days_30d=sum(1 for p in recent if p.negatives), mentions_30d=sum(p.count for p in recent),
        active_days=len(trend_pts), change_point=cp[0] if cp else None, shift=cp[1] if cp else None,
        refresh_on=date.fromordinal(refresh) if refresh is not None else None)
    figures["trend"] = classify(figures, today=today, params=params) if enough else "stable"
    return ArcFigures(**figures)


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
    if (long_down or (step is not None and step < 0) or fresh_slide) and not rising_now:
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
