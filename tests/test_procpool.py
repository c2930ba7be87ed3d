"""The import's worker pool: results in order, errors raised where asked, and a dead worker costs no result."""
from __future__ import annotations

import os
import signal

import pytest

from monitor._procpool import ProcessPool, WorkerDied
from monitor.scoring import BatchScorer
from monitor.sentiment import ScorerSpec

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the pool forks its workers")
PARENT = os.getpid()


def _nothing() -> None:
    pass


def square_with_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


def die_in_a_worker(n: int) -> tuple[int, bool]:
    """n+1; a worker process given 3 kills itself first, as the OOM killer would."""
    if n == 3 and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return n + 1, os.getpid() != PARENT


def hang_in_a_worker(n: int) -> int:
    """n+1; a worker process given 3 hangs, as one stuck on a lock it inherited would."""
    if n == 3 and os.getpid() != PARENT:
        signal.pause()
    return n + 1


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _outcomes(pool: ProcessPool, fn, n: int) -> list:
    """fn(0) .. fn(n - 1) through the pool: each job's result, or the WorkerDied message in its place."""
    tickets, outcomes = [pool.submit(fn, k) for k in range(n)], []
    for ticket in tickets:
        try:
            outcomes.append(pool.result(ticket))
        except WorkerDied as exc:
            outcomes.append(str(exc))
    return outcomes


def test_results_come_back_in_order_from_every_worker_whatever_order_they_are_asked_for():
    pool = ProcessPool(2, _nothing)
    try:
        tickets = [pool.submit(square_with_pid, n) for n in range(40)]
        asked = list(reversed(tickets[20:])) + tickets[:20]  # later ones first: earlier ones are read ahead
        results = {t: pool.result(t) for t in asked}
    finally:
        pool.close()
    assert [results[t][0] for t in tickets] == [n * n for n in range(40)]
    pids = {pid for _, pid in results.values()}
    assert len(pids) == 2 and PARENT not in pids


def test_an_error_in_a_job_is_raised_to_the_caller_and_the_pool_goes_on():
    pool = ProcessPool(2, _nothing)
    try:
        tickets = [pool.submit(fail_on_seven, n) for n in (6, 7, 8)]
        assert pool.result(tickets[0]) == 6
        with pytest.raises(ValueError, match="seven is not allowed"):
            pool.result(tickets[1])
        assert pool.result(tickets[2]) == 8
    finally:
        pool.close()


def test_a_dead_worker_is_reported_and_close_reaps_every_worker():
    pool = ProcessPool(2, _nothing)
    pids = [w.pid for w in pool._workers]
    try:
        outcomes = [o[0] if isinstance(o, tuple) else o for o in _outcomes(pool, die_in_a_worker, 6)]
    finally:
        pool.close()
    assert "killed by signal 9" in outcomes[3]
    for n, outcome in enumerate(outcomes):  # a job's own result, or word that its worker is gone
        assert outcome == n + 1 or "exited before returning a result" in outcome
    assert [outcomes[n] for n in (0, 2, 4)] == [1, 3, 5]  # the other worker's jobs (tickets go round in turn)
    assert not any(_alive(pid) for pid in pids)


def test_the_scorer_computes_a_dead_workers_jobs_itself_and_loses_none(caplog):
    with BatchScorer(ScorerSpec("vader"), workers=2) as scorer:
        scorer.start_pool()
        results = scorer.run(die_in_a_worker, list(range(8))).result()
        assert scorer.parallel == 1  # the rest of the run goes on in this process
        again = scorer.run(die_in_a_worker, [3]).result()
    assert [value for value, _ in results] == [n + 1 for n in range(8)]
    assert any(in_worker for _, in_worker in results), "no job ran in a worker"
    assert not all(in_worker for _, in_worker in results), "no job was computed again here"
    assert again == [(4, False)]
    assert "a worker process died" in caplog.text


@pytest.mark.timeout(120)  # without the deadline the pool waits for the hung worker for good
def test_a_hung_worker_is_stopped_at_its_deadline_and_its_jobs_reported_lost(caplog):
    pool = ProcessPool(2, _nothing, deadline_floor=2.0)
    pids = [w.pid for w in pool._workers]
    try:
        outcomes = _outcomes(pool, hang_in_a_worker, 6)
    finally:
        pool.close()
    assert [outcomes[n] for n in (0, 2, 4)] == [1, 3, 5]  # the other worker's jobs
    assert outcomes[1] == 2  # the hung worker's job before the one it hung on
    assert all("killed by signal 9" in outcomes[n] for n in (3, 5))
    assert any("gave no result for 2 s and was stopped" in r.getMessage() for r in caplog.records)
    assert not any(_alive(pid) for pid in pids)
