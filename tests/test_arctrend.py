"""The batched trend (monitor._arctrend) against the plain definitions, computed pair by pair here."""
from __future__ import annotations

import math
import random

from monitor._arctrend import trend, trends


def definition(xs, ys, counts):
    """Weighted Theil-Sen and Mann-Kendall z written out: every pair, a stable sort, a running sum."""
    pairs = [((ys[j] - ys[i]) / (xs[j] - xs[i]), math.sqrt(counts[i]) * math.sqrt(counts[j]) * (xs[j] - xs[i]))
             for i in range(len(xs)) for j in range(i + 1, len(xs))]
    if not pairs:
        return None, None
    half, running = sum(w for _, w in pairs) / 2, 0.0
    for slope, weight in sorted(pairs, key=lambda p: p[0]):
        running += weight
        if running >= half:
            break
    n = len(xs)
    if n < 4:
        return slope, None
    s = sum((p > 0) - (p < 0) for p, _ in pairs)
    sd = math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
    return slope, (s - 1) / sd if s > 0 else (s + 1) / sd if s < 0 else 0.0


def random_series(rng: random.Random, n: int):
    xs = sorted(rng.sample(range(1, 200), n))
    # coarse scores make equal slopes (ties) common; counts above one weigh days unequally
    ys = [rng.choice([-0.5, 0.0, 0.25, 0.5, rng.uniform(-1, 1)]) for _ in xs]
    counts = [rng.choice([1, 1, 1, 2, 5]) for _ in xs]
    return xs, ys, counts


def test_batched_trends_equal_the_definition_whatever_the_batch():
    rng = random.Random(4)
    jobs = [random_series(rng, rng.randint(0, 40)) for _ in range(600)]
    batched = trends(jobs)
    for job, found in zip(jobs, batched):
        assert found == definition(*job)
        assert trend(*job) == found  # alone, in a batch of one, the same


def test_a_steady_rise_has_its_slope_and_a_significant_z():
    xs = list(range(10, 40, 3))
    slope, z = trend(xs, [0.01 * x for x in xs], [1] * len(xs))
    assert math.isclose(slope, 0.01) and z > 2.58


def test_fewer_than_two_days_have_no_trend_and_fewer_than_four_no_z():
    assert trend([], [], []) == (None, None)
    assert trend([5], [0.3], [1]) == (None, None)
    slope, z = trend([1, 2, 4], [0.0, 0.5, 0.0], [1, 1, 1])
    assert slope is not None and z is None
