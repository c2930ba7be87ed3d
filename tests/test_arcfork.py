"""Arcs computed on several processes (monitor/_arcfork.py) are the arcs computed in one."""
from __future__ import annotations

import os
import random
import time
from datetime import timedelta

import pytest

from monitor import _arcfork
from monitor._arcfork import split_map
from monitor.arcupdate import update_arcs
from tests.arcdata import NOW, add, add_customer
from tests.test_arc_properties import HANDLES, PARAMS, _pull, _score, assert_arcs_equal, oracle, stored

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forked arc workers need os.fork (POSIX)")


def _squares_and_pids(items):
    return [(x * x, os.getpid()) for x in items]


def test_parts_are_computed_by_child_processes_and_come_back_in_order():
    found = split_map(_squares_and_pids, list(range(10)), workers=3, min_per_worker=3)
    assert [value for value, _ in found] == [x * x for x in range(10)]
    pids = [pid for _, pid in found]
    assert pids[:4] == [os.getpid()] * 4  # the first part here, the other two in two children
    assert len(set(pids[4:])) == 2 and os.getpid() not in pids[4:]


def test_small_batches_stay_in_the_process():
    found = split_map(_squares_and_pids, list(range(10)), workers=2, min_per_worker=6)
    assert {pid for _, pid in found} == {os.getpid()}


def test_a_child_that_dies_costs_time_not_results(caplog):
    parent = os.getpid()

    def dies_in_a_child(items):
        if os.getpid() != parent:
            os._exit(3)
        return [x + 1 for x in items]

    assert split_map(dies_in_a_child, list(range(8)), workers=2, min_per_worker=2) == list(range(1, 9))
    assert "failed" in caplog.text


def test_a_child_that_hangs_is_stopped_and_its_part_computed_here(caplog, monkeypatch):
    # as a child would that inherited a lock held by another thread of the scheduler at the fork
    parent, pids, real_fork = os.getpid(), [], _arcfork._fork
    monkeypatch.setattr(_arcfork, "_fork", lambda fn, part: (lambda c: pids.append(c[0]) or c)(real_fork(fn, part)))

    def hangs_in_a_child(items):
        if os.getpid() != parent:
            time.sleep(3600)
        return [(x + 1, os.getpid()) for x in items]

    found = split_map(hangs_in_a_child, list(range(8)), workers=2, min_per_worker=2, deadline_floor=0.5)
    assert found == [(x + 1, parent) for x in range(8)]
    assert "no answer in time" in caplog.text
    assert len(pids) == 1 and not os.path.exists(f"/proc/{pids[0]}"), "the hung child was left running or unreaped"


def test_an_error_in_the_work_is_raised_here():
    def fails(items):
        raise ValueError("bad window")

    with pytest.raises(ValueError, match="bad window"):
        split_map(fails, list(range(8)), workers=2, min_per_worker=2)


def test_an_error_in_the_parents_own_part_leaves_no_child_behind(monkeypatch):
    parent, pids, real_fork = os.getpid(), [], _arcfork._fork
    monkeypatch.setattr(_arcfork, "_fork", lambda fn, part: (lambda c: pids.append(c[0]) or c)(real_fork(fn, part)))

    def fails_here(items):
        if os.getpid() == parent:
            raise ValueError("bad window")
        return list(items)

    with pytest.raises(ValueError, match="bad window"):
        split_map(fails_here, list(range(9)), workers=3, min_per_worker=3)
    assert len(pids) == 2
    for pid in pids:  # already reaped: no zombie, no process still running
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_arcs_computed_on_two_processes_equal_arcs_from_the_mentions(engine, monkeypatch):
    monkeypatch.setattr(_arcfork, "MIN_PER_WORKER", 2)  # the histories here have a dozen subjects
    forks, real_fork = [], _arcfork._fork
    monkeypatch.setattr(_arcfork, "_fork", lambda fn, part: forks.append(len(part)) or real_fork(fn, part))
    rng = random.Random(7)
    add_customer(engine, "C1", NOW.date() - timedelta(days=3000), [("twitter", "ann"), ("reddit", "ann_r")])
    add(engine, [(p, h, NOW - timedelta(days=rng.uniform(0, 120)), _score(rng)) for p, h in HANDLES
                 for _ in range(rng.randint(3, 20))])
    first = update_arcs(engine, PARAMS, now=NOW, workers=2)
    assert first.full and first.updated >= 8 and forks  # a child computed part of them
    assert_arcs_equal(stored(engine), oracle(engine, NOW.date()))
    now = NOW + timedelta(days=2)
    add(engine, _pull(rng, now) + _pull(rng, now))
    forks.clear()
    summary = update_arcs(engine, PARAMS, now=now, workers=2)
    assert not summary.full and summary.updated >= 4 and forks
    assert_arcs_equal(stored(engine), oracle(engine, now.date()))
