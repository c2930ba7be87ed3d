"""The arc writer thread: a first job, then parts written in order, and a failure raised in the evaluating thread,
never a hang; and a held-back write that runs once."""
from __future__ import annotations

import threading

import pytest

from monitor._arcwriter import BackgroundWriter, PendingWrite


def test_parts_are_written_in_order_by_another_thread():
    written, threads = [], set()

    def write(rows):
        threads.add(threading.get_ident())
        written.append(rows)

    with BackgroundWriter(write) as writer:
        for part in range(20):
            writer.put([(part, i) for i in range(3)])
    assert written == [[(part, i) for i in range(3)] for part in range(20)]
    assert threads and threading.get_ident() not in threads


def test_a_failed_write_is_raised_by_the_next_put_or_at_the_end_and_nothing_after_it_is_written():
    written = []

    def write(rows):
        if rows == ["bad"]:
            raise ValueError("the server refused")
        written.append(rows)

    with pytest.raises(ValueError, match="the server refused"):
        with BackgroundWriter(write) as writer:
            writer.put(["good"])
            writer.put(["bad"])
            for _ in range(50):  # the queue holds two parts: this would block for good if the writer stopped
                writer.put(["later"])
    assert written == [["good"]]


def test_an_error_of_the_evaluating_thread_wins_and_the_writer_is_stopped():
    started = threading.Event()

    def write(rows):
        started.set()

    with pytest.raises(KeyError):
        with BackgroundWriter(write) as writer:
            writer.put([1])
            started.wait(5)
            raise KeyError("computing failed")
    assert not any(t.name == "arc-writer" for t in threading.enumerate())


def test_the_first_job_runs_in_the_writer_before_any_part():
    order, threads = [], set()

    def first():
        threads.add(threading.get_ident())
        order.append("first")

    with BackgroundWriter(lambda rows: order.append(rows), first=first) as writer:
        writer.put(["a"])
        writer.put(["b"])
    assert order == ["first", ["a"], ["b"]]
    assert threads and threading.get_ident() not in threads


def test_a_failed_first_job_is_raised_and_no_part_is_written():
    written = []

    def first():
        raise RuntimeError("ArcDaily refused the new days")

    with pytest.raises(RuntimeError, match="refused the new days"):
        with BackgroundWriter(written.append, first=first) as writer:
            for _ in range(50):
                writer.put(["part"])
    assert written == []


def test_a_pending_write_runs_once_however_often_it_is_asked():
    runs = []
    pending = PendingWrite(lambda: runs.append(1))
    pending.run()
    pending.run()
    assert runs == [1]
