"""The arc's maths on constructed histories: steady, one bad day, slow slide, slide and recovery, two platforms."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from monitor.arcs import ArcParams, compute_arc, ewma_level, mann_kendall_z, risk, tenure_days, theil_sen
from monitor.types import ArcPoint

TODAY = date(2024, 6, 30)


def day(n: int) -> date:
    """n days before TODAY."""
    return TODAY - timedelta(days=n)


def history(mean_of, *, days: int = 90, seed: int = 1, noise: float = 0.25, per_day=(1, 3),
            negative_below: float = -0.05, skip: float = 0.0) -> list[ArcPoint]:
    """Daily points for days-1 .. 0 days ago; each mention scores mean_of(days_ago) plus uniform noise."""
    rng = random.Random(seed)
    points = []
    for ago in range(days - 1, -1, -1):
        if rng.random() < skip:
            continue
        scores = [max(-1.0, min(1.0, mean_of(ago) + rng.uniform(-noise, noise)))
                  for _ in range(rng.randint(*per_day))]
        points.append(ArcPoint(day=day(ago), total=sum(scores), count=len(scores),
                               negatives=sum(s <= negative_below for s in scores)))
    return points


def join(*series: list[ArcPoint]) -> list[ArcPoint]:
    """Several handles' daily points summed per day, as a customer's arc sees them."""
    by_day: dict[date, ArcPoint] = {}
    for p in (p for s in series for p in s):
        q = by_day.get(p.day)
        by_day[p.day] = p if q is None else ArcPoint(day=p.day, total=p.total + q.total, count=p.count + q.count,
                                                     negatives=p.negatives + q.negatives)
    return sorted(by_day.values(), key=lambda p: p.day)


def with_day(points: list[ArcPoint], ago: int, scores: list[float]) -> list[ArcPoint]:
    """Replace one day by these scores."""
    rest = [p for p in points if p.day != day(ago)]
    return sorted(rest + [ArcPoint(day=day(ago), total=sum(scores), count=len(scores),
                                   negatives=sum(s < -0.05 for s in scores))], key=lambda p: p.day)


def test_steady_history_is_stable_without_change_point():
    arc = compute_arc(history(lambda ago: 0.4), today=TODAY)
    assert arc.trend == "stable"
    assert arc.change_point is None
    assert arc.slope == pytest.approx(0.0, abs=0.003)
    assert arc.level == pytest.approx(0.4, abs=0.1)
    assert arc.mean_30d == pytest.approx(0.4, abs=0.1) and arc.mean_prior == pytest.approx(0.4, abs=0.1)


def test_noisy_steady_histories_are_rarely_called_declining():
    """Across many noisy flat histories (sparse and dense), false declines stay rare."""
    trends = [compute_arc(history(lambda ago: 0.2, seed=s, noise=0.7, per_day=(1, 2), skip=skip),
                          today=TODAY).trend
              for s in range(150) for skip in (0.0, 0.6, 0.85)]
    assert trends.count("declining") / len(trends) <= 0.02


@pytest.mark.parametrize("ago", [0, 3, 45])
def test_one_harsh_post_among_many_good_ones_is_not_a_decline(ago):
    points = with_day(history(lambda a: 0.5), ago, [-0.9])
    arc = compute_arc(points, today=TODAY)
    assert arc.trend == "stable"
    assert arc.change_point is None
    assert arc.negative_30d == (1 if ago < 30 else 0)


def test_one_bad_day_of_several_harsh_posts_is_not_a_decline():
    points = with_day(history(lambda a: 0.5), 1, [-0.9, -0.8, -0.95])
    arc = compute_arc(points, today=TODAY)
    assert arc.trend == "stable"
    assert arc.negative_7d == 3


def test_slow_slide_is_declining():
    arc = compute_arc(history(lambda ago: -0.4 + ago / 90.0), today=TODAY)
    assert arc.trend == "declining"
    assert arc.slope == pytest.approx(-1 / 90, abs=0.004)
    assert arc.mean_30d < arc.mean_prior - 0.3


def test_sparse_slow_slide_is_declining():
    """A customer who posts about twice a week still shows the slide."""
    arc = compute_arc(history(lambda ago: -0.5 + 1.2 * ago / 90.0, skip=0.7, seed=7), today=TODAY)
    assert arc.trend == "declining"


def test_fresh_slide_in_the_last_month_is_declining():
    arc = compute_arc(history(lambda ago: 0.5 if ago >= 30 else -0.5 + ago / 30.0), today=TODAY)
    assert arc.trend == "declining"


def test_slide_and_recovery_is_not_declining():
    def curve(ago: int) -> float:
        if ago >= 60:
            return 0.5
        if ago >= 30:
            return 0.5 - (60 - ago) / 30.0  # down to -0.5
        return -0.5 + (30 - ago) / 30.0 * 0.8  # back up to 0.3

    arc = compute_arc(history(curve), today=TODAY)
    assert arc.trend == "improving"
    # the same history seen at its bottom was a decline
    bottom = compute_arc(history(curve), today=TODAY - timedelta(days=30))
    assert bottom.trend == "declining"


def test_step_recovery_is_not_declining():
    """Bad for a month, then back to normal for three weeks: not declining."""
    arc = compute_arc(history(lambda ago: 0.5 if ago >= 50 or ago < 21 else -0.5), today=TODAY)
    assert arc.trend in ("improving", "stable")


def test_two_platforms_show_a_slide_only_when_joined():
    """Happy on X until six weeks ago, then only unhappy posts on Reddit."""
    x = history(lambda ago: 0.5, seed=3, days=90)
    x = [p for p in x if p.day <= day(46)]
    reddit = [p for p in history(lambda ago: -0.35, seed=4, days=46)]
    alone = [compute_arc(x, today=TODAY), compute_arc(reddit, today=TODAY)]
    assert [a.trend for a in alone] == ["stable", "stable"]
    assert all(a.change_point is None for a in alone)
    joined = compute_arc(join(x, reddit), today=TODAY)
    assert joined.trend == "declining"
    assert joined.change_point == day(45)
    assert joined.mean_30d < 0 < joined.mean_prior


def test_step_up_is_improving_with_its_change_point():
    arc = compute_arc(history(lambda ago: -0.4 if ago >= 20 else 0.5), today=TODAY)
    assert arc.trend == "improving"
    assert arc.change_point == day(19)


def test_too_few_days_is_stable():
    points = [ArcPoint(day=day(80), total=0.8, count=1), ArcPoint(day=day(40), total=0.5, count=1),
              ArcPoint(day=day(1), total=-0.9, count=1, negatives=1)]
    arc = compute_arc(points, today=TODAY)
    assert arc.trend == "stable" and arc.slope is None


def test_level_is_weighted_by_time_not_by_count():
    """Half-life 14 days: a mention 14 days older than the newest weighs half as much."""
    points = [ArcPoint(day=day(14), total=1.0, count=1), ArcPoint(day=day(0), total=0.0, count=1)]
    assert ewma_level(points, 14.0) == pytest.approx(1 / 3)
    # ten mentions on one day weigh ten times one mention on that day
    points = [ArcPoint(day=day(0), total=10.0, count=10), ArcPoint(day=day(0) , total=0.0, count=0),
              ArcPoint(day=day(1), total=-1.0, count=1)]
    w = 0.5 ** (1 / 14)
    assert ewma_level(points, 14.0) == pytest.approx((10 - w) / (10 + w))


def test_windows_count_whole_days_up_to_today():
    points = [ArcPoint(day=day(n), total=-0.5, count=1, negatives=1) for n in (0, 6, 7, 29, 30, 89, 90)]
    points.append(ArcPoint(day=TODAY + timedelta(days=1), total=-1.0, count=5, negatives=5))  # not yet
    arc = compute_arc(points, today=TODAY)
    assert arc.negative_7d == 2 and arc.negative_30d == 4 and arc.negative_days_30d == 4
    assert arc.mentions_30d == 4
    assert arc.mean_prior == pytest.approx(-0.5)
    assert arc.refresh_on == TODAY + timedelta(days=1)  # the future-dated day arrives


def test_refresh_date_is_when_a_window_boundary_passes():
    arc = compute_arc([ArcPoint(day=day(0), total=-0.5, count=1, negatives=1)], today=TODAY)
    assert arc.refresh_on == TODAY + timedelta(days=7)
    later = compute_arc([ArcPoint(day=day(0), total=-0.5, count=1, negatives=1)], today=TODAY + timedelta(days=7))
    assert later.negative_7d == 0 and later.negative_30d == 1
    assert later.refresh_on == TODAY + timedelta(days=30)
    gone = compute_arc([ArcPoint(day=day(400), total=-0.5, count=1)], today=TODAY)
    assert gone.refresh_on is None and gone.level is None and gone.trend == "stable"


def test_theil_sen_ignores_an_outlier_and_mann_kendall_sees_direction():
    points = [ArcPoint(day=day(n), total=0.01 * (30 - n), count=1) for n in range(29, -1, -1)]
    assert theil_sen(points) == pytest.approx(0.01)
    spiked = points[:-1] + [ArcPoint(day=day(0), total=-5.0, count=1)]
    assert theil_sen(spiked) == pytest.approx(0.01)
    assert mann_kendall_z(points) > 5 and mann_kendall_z(spiked) > 5
    falling = [ArcPoint(day=p.day, total=-p.total, count=1) for p in points]
    assert mann_kendall_z(falling) < -5


def test_params_change_the_verdict():
    """A gentle slide is declining only for a sensitive threshold."""
    points = history(lambda ago: ago * 0.003, noise=0.05)
    assert compute_arc(points, today=TODAY).trend == "stable"
    sensitive = ArcParams(decline_slope=-0.002)
    assert compute_arc(points, today=TODAY, params=sensitive).trend == "declining"


def test_tenure_from_roster_first_seen_and_claims():
    assert tenure_days(today=TODAY, customer_since=date(2020, 6, 30), first_seen=date(2024, 1, 1)) == 1461
    assert tenure_days(today=TODAY, first_seen=date(2024, 6, 1)) == 29
    assert tenure_days(today=TODAY, first_seen=date(2024, 6, 1), claimed_years=10) == 3652
    assert tenure_days(today=TODAY, first_seen=date(2010, 1, 1), claimed_years=1) == (TODAY - date(2010, 1, 1)).days
    assert tenure_days(today=TODAY) is None


def test_risk_ranks_declining_negative_long_time_customers_first():
    calm = risk(trend="stable", level=0.3, mean_30d=0.3, negative_30d=0, tenure_days=3000)
    angry = risk(trend="declining", level=-0.4, mean_30d=-0.5, negative_30d=6, tenure_days=3000)
    new_angry = risk(trend="declining", level=-0.4, mean_30d=-0.5, negative_30d=6, tenure_days=10)
    assert angry > new_angry > calm


def test_mann_kendall_from_slopes_equals_the_textbook_count():
    rng = random.Random(5)
    for n in (4, 7, 20, 60):
        points = [ArcPoint(day=day(90 - 2 * i), total=round(rng.uniform(-1, 1), 1), count=1) for i in range(n)]
        ys = [p.mean for p in points]
        s = sum((ys[j] > ys[i]) - (ys[j] < ys[i]) for i in range(n) for j in range(i + 1, n))
        sd = (n * (n - 1) * (2 * n + 5) / 18) ** 0.5
        expected = (s - 1) / sd if s > 0 else (s + 1) / sd if s < 0 else 0.0
        assert mann_kendall_z(points) == pytest.approx(expected)


def test_a_weekly_poster_who_turns_negative_is_declining():
    """Too few posts for any significance test, yet plainly a turn for the worse (from the demo's data)."""
    scores = {88: 0.6, 78: 0.6, 48: -0.22, 29: 0.0, 28: -0.64, 27: -0.74, 25: -0.74, 21: -0.36, 16: -0.25,
              3: -0.25, 2: -0.76}
    points = [ArcPoint(day=day(ago), total=s, count=1, negatives=int(s <= -0.05)) for ago, s in scores.items()]
    assert compute_arc(points, today=TODAY).trend == "declining"
    # the same person with only one bad day lately is not
    one_bad = {ago: (s if ago > 30 or ago == 2 else 0.5) for ago, s in scores.items()}
    points = [ArcPoint(day=day(ago), total=s, count=1, negatives=int(s <= -0.05)) for ago, s in one_bad.items()]
    assert compute_arc(points, today=TODAY).trend == "stable"


def test_sparse_noisy_steady_posters_are_rarely_called_declining():
    trends = [compute_arc(history(lambda ago: m, seed=s, noise=0.7, per_day=(1, 1), skip=0.9), today=TODAY).trend
              for s in range(300) for m in (0.3, 0.0, -0.2)]
    assert trends.count("declining") / len(trends) <= 0.03
