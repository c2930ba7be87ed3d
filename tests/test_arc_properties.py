"""Incremental arcs equal arcs computed straight from the mentions, on randomised histories (both backends).

Each history arrives in pulls that mix new, back-dated and future-dated mentions with deletions, edits
and links made, removed and remade, while the evaluation day moves on by hours, days or weeks (so
windows slide with no new mentions). After every evaluation each stored arc, and the window it keeps,
must equal the arc computed from the live mentions and active links; at the end a rebuild from scratch
must change nothing.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from monitor import _arcdays
from monitor._arcwindow import unpack
from monitor.arcs import ArcParams, compute_arc
from monitor.arcupdate import update_arcs
from monitor.identity import link_handle, unlink_handle
from monitor.models import ArcState, Author, AuthorLink, Mention, utcnow
from monitor.store import insert_mentions, mark_deleted, mention_row
from monitor.types import ArcPoint, Mention as MentionValue, Score, label_for
from tests.arcdata import NOW, add, add_customer, dailies

PARAMS = ArcParams()
HANDLES = [("twitter", "ann"), ("twitter", "bo"), ("reddit", "ann_r"), ("reddit", "cy"), ("mastodon", "di"),
           ("mastodon", "ed"), ("twitter", "fay")]
FIGURES = ("trend", "level", "mean_30d", "mean_prior", "slope", "negative_7d", "negative_30d", "negative_days_30d",
           "mentions_30d", "change_point", "refresh_on")
STATE = ("slope_z", "recent_slope", "recent_z", "shift", "drop_t", "active_days")
STEPS = (timedelta(0), timedelta(hours=2), timedelta(hours=20), timedelta(days=3), timedelta(days=9),
         timedelta(days=40))


def _score(rng: random.Random) -> float:
    return 0.0 if rng.random() < 0.1 else rng.uniform(-1, 1)  # some exact ties, as neutral posts make


def _pull(rng: random.Random, now) -> list[tuple]:
    """New mentions: mostly of the last three days, some back-dated past every window, some ahead of now."""
    items = []
    for _ in range(rng.randint(0, 25)):
        platform, handle = rng.choice(HANDLES)
        roll = rng.random()
        ago = rng.uniform(3, 200) if roll < 0.15 else -rng.uniform(0, 1.5) if roll < 0.2 else rng.uniform(0, 3)
        items.append((platform, handle, now - timedelta(days=ago), _score(rng)))
    return items


def _delete_some(engine, rng: random.Random) -> None:
    with engine.begin() as conn:
        live = conn.execute(select(Mention.__table__.c.platform, Mention.__table__.c.external_id)
                            .where(Mention.__table__.c.deleted.is_(False))).all()
        for platform, external_id in rng.sample(live, min(len(live), rng.randint(1, 3))):
            mark_deleted(conn, platform, [external_id])


def _edit_one(engine, rng: random.Random) -> None:
    m, a = Mention.__table__, Author.__table__
    with engine.begin() as conn:
        live = conn.execute(select(m, a.c.handle).join_from(m, a, a.c.id == m.c.author_id)
                            .where(m.c.deleted.is_(False))).all()
        if not live:
            return
        row = rng.choice(live)
        value = MentionValue(platform=row.platform, external_id=row.external_id, author=row.handle,
                             created_at=row.created_at, text=f"edited {rng.random()}")
        score = _score(rng)
        insert_mentions(conn, [mention_row(value, Score(compound=score, pos=0, neu=1, neg=0, score=score,
                                                        label=label_for(score)), row.author_id, "test", utcnow())],
                        update_changed=True)


def _relink(engine, rng: random.Random) -> None:
    platform, handle = rng.choice(HANDLES)
    customer = rng.choice(["C1", "C2", "C3"])
    with engine.connect() as conn:
        active = conn.execute(select(AuthorLink.__table__.c.id).where(
            AuthorLink.__table__.c.customer_id == customer, AuthorLink.__table__.c.platform == platform,
            AuthorLink.__table__.c.handle_norm == handle, AuthorLink.__table__.c.active.is_(True))).first()
    (unlink_handle if active else link_handle)(engine, customer, platform, handle, actor="prop")


def oracle(engine, today: date) -> dict[str, dict]:
    """Every arc as computed from the live mentions and the active links alone."""
    m, a, link = Mention.__table__, Author.__table__, AuthorLink.__table__
    days: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0.0, 0, 0]))
    seen: dict[str, list] = defaultdict(list)
    with engine.connect() as conn:
        links = defaultdict(list)
        for r in conn.execute(select(link).where(link.c.active.is_(True))):
            links[(r.platform, r.handle_norm)].append(r.customer_id)
        for r in conn.execute(select(m.c.score, m.c.label, m.c.created_at, m.c.author_id, a.c.platform, a.c.handle_norm)
                              .join_from(m, a, a.c.id == m.c.author_id).where(m.c.deleted.is_(False))):
            for subject in [f"a:{r.author_id}"] + [f"c:{c}" for c in links[(r.platform, r.handle_norm)]]:
                cell = days[subject][r.created_at.date()]
                cell[0], cell[1], cell[2] = cell[0] + r.score, cell[1] + 1, cell[2] + (r.label == "negative")
                seen[subject].append(r.created_at)
    start = today - timedelta(days=PARAMS.lookback_days - 1)
    out = {}
    for subject, by_day in days.items():
        points = [ArcPoint(day=d, total=t, count=n, negatives=g) for d, (t, n, g) in by_day.items()]
        f = compute_arc(points, today=today, params=PARAMS)
        out[subject] = {**{k: getattr(f, k) for k in FIGURES + STATE}, "mentions": len(seen[subject]),
                        "first_seen": min(seen[subject]), "last_mention_at": max(seen[subject]),
                        "window": {d.toordinal(): tuple(v) for d, v in by_day.items() if d >= start}}
    return out


def stored(engine) -> dict[str, dict]:
    """Every ArcState row in the oracle's shape, its packed window decoded."""
    with engine.connect() as conn:
        rows = conn.execute(select(ArcState.__table__)).all()
    out = {}
    for r in rows:
        w = unpack(r.window_days) if r.window_days is not None else None  # None: not recomputed since 0005
        out[r.subject] = {**{k: getattr(r, k) for k in FIGURES}, **{k: getattr(r, k) for k in STATE},
                          "mentions": r.mentions, "first_seen": r.first_seen, "last_mention_at": r.last_mention_at,
                          "window": w and {o: (t, c, g) for o, t, c, g in zip(w.ords, w.totals, w.counts, w.negatives)}}
    return out


def assert_arcs_equal(left: dict, right: dict) -> None:
    """Same subjects and values; floats equal up to the order they were summed in."""
    assert left.keys() == right.keys()
    for subject in left:
        for key, a in left[subject].items():
            b = right[subject][key]
            if key == "window" and a is None:
                continue
            if key == "window":
                assert a.keys() == b.keys(), subject
                for day in a:
                    assert a[day][0] == pytest.approx(b[day][0], rel=1e-9, abs=1e-12), (subject, day)
                    assert a[day][1:] == b[day][1:], (subject, day)
            elif isinstance(a, float):
                assert a == pytest.approx(b, rel=1e-9, abs=1e-12), (subject, key)
            else:
                assert a == b, (subject, key, a, b)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_arcs_equal_arcs_from_the_mentions_on_random_histories(engine, seed):
    _random_history(engine, seed)


@pytest.mark.parametrize("seed", range(3))
def test_arcs_stay_exact_when_a_subjects_daily_rows_are_found_by_a_pass_over_the_table(engine, seed, monkeypatch):
    """Rebuilds (edits, deletions, relinks) find a subject's daily rows by naming its days, or, past
    PROBES_AT_MOST key lookups, by one pass over ArcDaily: forced here, the arcs must be the same."""
    monkeypatch.setattr(_arcdays, "PROBES_AT_MOST", 0)
    _random_history(engine, seed)


@pytest.mark.parametrize("seed", range(3))
def test_arcs_stay_exact_when_written_part_by_part_beside_their_computation(engine, seed, monkeypatch):
    """A large recompute is computed part by part while a writer thread writes the part before
    (monitor/arcstate.py, _write): forced here with parts of two arcs, the arcs must be the same."""
    from monitor import arcstate
    from monitor._arcwriter import BackgroundWriter

    parts = []

    class Counting(BackgroundWriter):
        def put(self, rows):
            parts.append(len(rows))
            super().put(rows)

    monkeypatch.setattr(arcstate, "OVERLAP_PART", 2)
    monkeypatch.setattr(arcstate, "BackgroundWriter", Counting)
    _random_history(engine, seed)
    assert len(parts) > 10, parts  # the path taken, in many parts


def _random_history(engine, seed: int) -> None:
    rng = random.Random(seed)
    add_customer(engine, "C1", date(2015, 1, 1), [("twitter", "ann"), ("reddit", "ann_r")])
    add_customer(engine, "C2", date(2022, 6, 1), [("twitter", "bo")])
    add_customer(engine, "C3", date(2024, 1, 1))
    add(engine, [(p, h, NOW - timedelta(days=rng.uniform(0, 120)), _score(rng)) for p, h in HANDLES
                 for _ in range(rng.randint(3, 20))])
    now = NOW
    update_arcs(engine, PARAMS, now=now)
    for _ in range(7):
        now += rng.choice(STEPS)
        add(engine, _pull(rng, now))
        if rng.random() < 0.25:
            _delete_some(engine, rng)
        if rng.random() < 0.2:
            _edit_one(engine, rng)
        if rng.random() < 0.3:
            _relink(engine, rng)
        summary = update_arcs(engine, PARAMS, now=now)
        assert not summary.full
        assert_arcs_equal(stored(engine), oracle(engine, now.date()))
    incremental, incremental_days = stored(engine), dailies(engine)
    assert update_arcs(engine, PARAMS, now=now, rebuild=True).full
    assert_arcs_equal(incremental, stored(engine))
    assert incremental_days.keys() == dailies(engine).keys()


@pytest.mark.parametrize("found_by", ["their days", "a pass over the table"])
def test_arcs_without_a_stored_window_are_read_from_the_daily_rows(engine, found_by, monkeypatch):
    """Arcs stored before migration 0005 have no window: the next evaluation reads ArcDaily for them,
    naming each subject's days, or past PROBES_AT_MOST key lookups in one pass over the table."""
    if found_by != "their days":
        monkeypatch.setattr(_arcdays, "PROBES_AT_MOST", 0)
    rng = random.Random(99)
    add(engine, [(p, h, NOW - timedelta(days=rng.uniform(0, 100)), _score(rng)) for p, h in HANDLES
                 for _ in range(10)])
    update_arcs(engine, PARAMS, now=NOW)
    with engine.begin() as conn:
        conn.execute(ArcState.__table__.update().values(window_days=None, window_from=None))
    add(engine, _pull(rng, NOW + timedelta(hours=3)))
    later = NOW + timedelta(days=35)  # past every 7- and 30-day window: arcs not touched are due
    summary = update_arcs(engine, PARAMS, now=later)
    assert summary.new_mentions > 0 and summary.refreshed > 0  # touched arcs and arcs whose windows moved
    found = stored(engine)
    assert_arcs_equal(found, oracle(engine, later.date()))
    assert {s for s, arc in found.items() if arc["window"] is not None} >= set(summary.subjects)


def test_changing_the_tuning_recomputes_every_arc(engine):
    add(engine, [("twitter", "ann", NOW - timedelta(days=d), 0.5 - d / 60) for d in range(0, 90, 2)])
    update_arcs(engine, PARAMS, now=NOW)
    slower = ArcParams(half_life_days=40.0)
    summary = update_arcs(engine, slower, now=NOW)
    assert summary.updated == 1 and not summary.full
    with engine.connect() as conn:
        level = conn.execute(select(ArcState.__table__.c.level)).scalar_one()
    points = [ArcPoint(day=(NOW - timedelta(days=d)).date(), total=0.5 - d / 60, count=1) for d in range(0, 90, 2)]
    assert level == pytest.approx(compute_arc(points, today=NOW.date(), params=slower).level)
