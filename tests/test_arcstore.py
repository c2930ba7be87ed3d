"""The incremental arc update on SQLite and PostgreSQL: equal to a full recompute, crash-safe, edit-aware."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from monitor import arcupdate
from monitor.arcs import ArcParams
from monitor.arcstore import get_arc, mark_subjects_dirty, recent_mentions
from monitor.arcupdate import read_watermark, update_arcs
from monitor.identity import link_handle, unlink_handle
from monitor.models import ArcState, Mention, utcnow
from monitor.store import insert_mentions, mark_deleted, mention_row
from monitor.types import Mention as MentionValue, Score
from tests.arcdata import NOW, add, add_customer, at, dailies, series, states, wobble

PARAMS = ArcParams()


def evaluate(engine, now=NOW, **kw):
    return update_arcs(engine, PARAMS, now=now, **kw)


def assert_same(left: dict, right: dict) -> None:
    """Equal keys and values; floats equal up to summation order."""
    assert left.keys() == right.keys()
    for key in left:
        a, b = left[key], right[key]
        if isinstance(a, dict):
            assert_same(a, b)
        elif isinstance(a, tuple):  # an ArcDaily row: total, count, negatives, first_at, last_at
            assert a[0] == pytest.approx(b[0], rel=1e-9, abs=1e-9), key
            assert a[1:] == b[1:], key
        elif isinstance(a, float):
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), key
        else:
            assert a == b, (key, a, b)


def _history(engine) -> None:
    add_customer(engine, "C1", NOW.date() - timedelta(days=3000), [("twitter", "jane"), ("reddit", "jane_r")])
    add_customer(engine, "C2", NOW.date() - timedelta(days=400), [("twitter", "zed")])


def _batches():
    """Mentions arriving in four pulls, each with created_at before the pull."""
    everything = (series("twitter", "@Jane", lambda ago: wobble(0.5 - (90 - ago) / 90, ago))
                  + series("reddit", "jane_r", lambda ago: wobble(-0.2, ago), every=3)
                  + series("twitter", "zed", lambda ago: wobble(0.3, ago), every=2)
                  + series("twitter", "bob", lambda ago: wobble(0.1, ago), every=4)
                  + series("mastodon", "carol", lambda ago: wobble(-0.3, ago), every=5, days=60))
    cuts = [45, 30, 10, -1]
    done = []
    for cut in cuts:
        batch = [m for m in everything if m not in done and m[2] < at(cut, hour=23)]
        done += batch
        yield at(cut, hour=23) if cut >= 0 else NOW, batch


def test_incremental_arcs_equal_a_full_recompute(engine):
    _history(engine)
    for step, (when, batch) in enumerate(_batches()):
        add(engine, batch)
        if step == 1:
            link_handle(engine, "C2", "twitter", "bob", actor="alice")
        if step == 2:
            with engine.begin() as conn:
                ids = conn.execute(select(Mention.__table__.c.external_id).order_by(Mention.__table__.c.id)
                                   .limit(3)).scalars().all()
                mark_deleted(conn, "twitter", ids)
            unlink_handle(engine, "C1", "reddit", "jane_r", actor="alice")
        summary = evaluate(engine, now=when)
        assert summary.full == (step == 0)
        assert_matches_oracle(engine, when.date())
    incremental_states, incremental_days = states(engine), dailies(engine)
    full = evaluate(engine, rebuild=True)
    assert full.full
    assert_same(incremental_days, dailies(engine))
    assert_same(incremental_states, states(engine))
    assert {"c:C1", "c:C2"} <= incremental_states.keys()
    assert incremental_states["c:C1"]["trend"] == "declining"


def oracle(engine, today) -> dict[str, dict]:
    """Arcs computed straight from the live mentions and active links, without ArcDaily."""
    from collections import defaultdict

    from monitor.arcs import compute_arc
    from monitor.models import Author, AuthorLink
    from monitor.types import ArcPoint

    m, a, link = Mention.__table__, Author.__table__, AuthorLink.__table__
    days: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: [0.0, 0, 0]))
    with engine.connect() as conn:
        links = defaultdict(list)
        for r in conn.execute(select(link).where(link.c.active.is_(True))):
            links[(r.platform, r.handle_norm)].append(r.customer_id)
        for r in conn.execute(select(m.c.score, m.c.label, m.c.created_at, m.c.author_id, a.c.platform,
                                     a.c.handle_norm).select_from(m.join(a, a.c.id == m.c.author_id))
                              .where(m.c.deleted.is_(False))):
            for subject in [f"a:{r.author_id}"] + [f"c:{c}" for c in links[(r.platform, r.handle_norm)]]:
                cell = days[subject][r.created_at.date()]
                cell[0] += r.score
                cell[1] += 1
                cell[2] += r.label == "negative"
    out = {}
    for subject, by_day in days.items():
        points = [ArcPoint(day=d, total=t, count=n, negatives=g) for d, (t, n, g) in by_day.items()]
        f = compute_arc(points, today=today, params=PARAMS)
        out[subject] = {"trend": f.trend, "level": f.level, "mean_30d": f.mean_30d, "slope": f.slope,
                        "negative_30d": f.negative_30d, "change_point": f.change_point,
                        "mentions": sum(p.count for p in points)}
    return out


def assert_matches_oracle(engine, today) -> None:
    stored = {s: {k: v[k] for k in ("trend", "level", "mean_30d", "slope", "negative_30d", "change_point",
                                    "mentions")} for s, v in states(engine).items()}
    assert_same(stored, oracle(engine, today))


def test_rerunning_adds_nothing_and_counts_each_mention_once(engine):
    _history(engine)
    for _, batch in _batches():
        add(engine, batch)
    first = evaluate(engine)
    again = evaluate(engine)
    assert again.new_mentions == 0 and again.updated == 0
    with engine.connect() as conn:
        live = conn.execute(select(func.count()).select_from(Mention.__table__)).scalar_one()
    per_author = sum(v[1] for (s, _), v in dailies(engine).items() if s.startswith("a:"))
    assert first.new_mentions == live == per_author


def test_a_crash_keeps_the_previous_state_and_the_rerun_counts_once(engine, monkeypatch):
    _history(engine)
    batches = list(_batches())
    add(engine, batches[0][1])
    evaluate(engine, now=batches[0][0])
    before_days, before_mark = dailies(engine), None
    with engine.connect() as conn:
        before_mark = read_watermark(conn)
    add(engine, batches[1][1])

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(arcupdate, "recompute", crash)
    with pytest.raises(RuntimeError):
        evaluate(engine, now=batches[1][0])
    with engine.connect() as conn:
        assert read_watermark(conn) == before_mark
    assert dailies(engine) == before_days
    monkeypatch.undo()
    evaluate(engine, now=batches[1][0])
    counted = sum(v[1] for (s, _), v in dailies(engine).items() if s.startswith("a:"))
    assert counted == len(batches[0][1]) + len(batches[1][1])


def test_deleted_mentions_stop_counting(engine):
    _history(engine)
    add(engine, series("twitter", "jane", lambda ago: -0.6, days=10))
    evaluate(engine)
    assert get_arc_count(engine, "c:C1") == 10
    with engine.begin() as conn:
        ids = conn.execute(select(Mention.__table__.c.external_id).limit(4)).scalars().all()
        assert mark_deleted(conn, "twitter", ids) == 4
    summary = evaluate(engine)
    assert summary.rebuilt == 2  # the author and its customer
    assert get_arc_count(engine, "c:C1") == 6
    with engine.connect() as conn:
        assert len(recent_mentions(conn, "c:C1")) == 6


def get_arc_count(engine, subject: str) -> int:
    with engine.connect() as conn:
        arc = get_arc(conn, subject)
    return arc.mentions if arc else 0


def test_an_edited_mention_is_rescored_in_the_arc(engine):
    add(engine, series("twitter", "ann", lambda ago: 0.5, days=5))
    evaluate(engine)
    with engine.connect() as conn:
        row = conn.execute(select(Mention.__table__).order_by(Mention.__table__.c.created_at.desc())).first()
    edited = MentionValue(platform="twitter", external_id=row.external_id, author="ann", created_at=row.created_at,
                          text="edited: this is broken again")
    with engine.begin() as conn:
        new = mention_row(edited, Score(compound=-0.9, pos=0, neu=0, neg=1, score=-0.9, label="negative"),
                          row.author_id, "test", utcnow())
        assert insert_mentions(conn, [new], update_changed=True) == 1
    summary = evaluate(engine)
    assert summary.rebuilt == 1
    with engine.connect() as conn:
        arc = get_arc(conn, f"a:{row.author_id}")
    assert arc.negative_7d == 1 and arc.mentions == 5
    assert arc.mean_30d == pytest.approx((4 * 0.5 - 0.9) / 5)


def test_windows_move_on_without_new_mentions(engine):
    add(engine, [("twitter", "ann", at(1), -0.7), ("twitter", "ann", at(2), -0.5)])
    evaluate(engine)
    assert get_negatives(engine) == (2, 2)
    later = evaluate(engine, now=NOW + timedelta(days=8))
    assert later.new_mentions == 0 and later.refreshed == 1
    assert get_negatives(engine) == (0, 2)
    quiet = evaluate(engine, now=NOW + timedelta(days=9))
    assert quiet.updated == 0  # nothing crosses a boundary on day 9
    back = evaluate(engine, now=NOW)  # an earlier `now` takes every arc back to that day
    assert back.updated == 1 and get_negatives(engine) == (2, 2)


def test_the_days_first_evaluation_moves_the_windows_and_later_ones_that_day_stay_exact(engine):
    _history(engine)
    for _, batch in _batches():
        add(engine, batch)
    evaluate(engine)
    for day in range(1, 12):
        morning = NOW + timedelta(days=day, hours=-9)
        first = evaluate(engine, now=morning)
        assert first.new_mentions == 0
        add(engine, [("twitter", "zed", morning + timedelta(hours=1), -0.6 if day % 2 else 0.4)])
        later = evaluate(engine, now=morning + timedelta(hours=2))
        assert later.new_mentions == 1 and later.refreshed == 0
        assert_matches_oracle(engine, morning.date())
        with engine.connect() as conn:  # nothing is left due: no arc waits for the next day's scan
            due = conn.execute(select(func.count()).where(ArcState.__table__.c.refresh_on <= morning.date()))
            assert due.scalar_one() == 0


def get_negatives(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        arc = get_arc(conn, "a:1")
    return arc.negative_7d, arc.negative_30d


def test_only_subjects_with_new_mentions_are_recomputed(engine):
    _history(engine)
    for _, batch in _batches():
        add(engine, batch)
    evaluate(engine)
    add(engine, [("reddit", "jane_r", at(0, hour=20), -0.8)])
    summary = evaluate(engine)
    assert summary.new_mentions == 1
    assert summary.subjects == tuple(sorted([f"a:{author_of(engine, 'jane_r')}", "c:C1"]))


def author_of(engine, handle: str) -> int:
    from monitor.models import Author

    with engine.connect() as conn:
        return conn.execute(select(Author.__table__.c.id).where(Author.__table__.c.handle_norm == handle)).scalar_one()


def _raw_rows(engine, ids: list[int]) -> None:
    """Mentions with explicit ids, as a concurrent writer's late commit leaves them."""
    with engine.begin() as conn:
        from monitor.store import AuthorCache, ensure_authors

        ms = [MentionValue(platform="twitter", external_id=f"g{i}", author="gap", created_at=at(1), text="x")
              for i in ids]
        author = ensure_authors(conn, ms, AuthorCache())[("twitter", "gap")]
        rows = [dict(mention_row(m, Score(compound=-0.5, pos=0, neu=0, neg=1, score=-0.5, label="negative"),
                                 author, "test", utcnow()), id=i) for m, i in zip(ms, ids)]
        conn.execute(Mention.__table__.insert(), rows)


def test_ids_committed_late_below_the_watermark_are_still_counted(engine):
    _raw_rows(engine, [1, 2, 3, 7, 8])
    first = evaluate(engine)
    assert first.new_mentions == 5
    with engine.connect() as conn:
        assert [g[:2] for g in read_watermark(conn)["gaps"]] == [[4, 6]]
    _raw_rows(engine, [5, 9])
    second = evaluate(engine)
    assert second.new_mentions == 2
    with engine.connect() as conn:
        assert [g[:2] for g in read_watermark(conn)["gaps"]] == [[4, 4], [6, 6]]
        assert get_arc(conn, "a:1").mentions == 7


def test_marked_subjects_are_rebuilt(engine):
    add(engine, series("twitter", "ann", lambda ago: 0.2, days=3))
    evaluate(engine)
    with engine.begin() as conn:
        mark_subjects_dirty(conn, ["a:1"])
    summary = evaluate(engine)
    assert summary.rebuilt == 1 and summary.subjects == ("a:1",)
    assert evaluate(engine).rebuilt == 0


def test_an_evaluation_gathers_the_planner_statistics_its_source_tables_lack(engine):
    """PostgreSQL plans by table statistics, which a bulk import leaves missing or stale until autovacuum runs
    (never, where it is off): the evaluation gathers them first, by autovacuum's rule, and only when due."""
    from monitor._arcsql import refresh_stale_statistics

    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite plans its small index lookups without gathered statistics")
    _history(engine)
    for _, batch in _batches():
        add(engine, batch)
    tables = ("author", "authorlink", "mention")

    def estimates():
        with engine.connect() as conn:
            return {t: conn.exec_driver_sql(f"SELECT reltuples FROM pg_class WHERE oid = '{t}'::regclass").scalar()
                    for t in tables}

    assert set(estimates().values()) == {-1}  # never analyzed: the planner guesses
    evaluate(engine)
    with engine.begin() as conn:
        counts = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}
        assert refresh_stale_statistics(conn) == []  # gathered by the evaluation, nothing due now
    assert min(counts.values()) > 0
    assert estimates() == counts
