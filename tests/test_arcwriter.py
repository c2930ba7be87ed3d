"""The arc writer thread: parts written in order, and a failure raised in the evaluating thread, never a hang."""
from __future__ import annotations

import threading

import pytest

from monitor._arcwriter import BackgroundWriter


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
