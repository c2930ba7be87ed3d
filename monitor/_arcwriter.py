"""Arcs written while the next ones are computed, so computing and writing share the two cores.

An incremental evaluation computed its arcs, then waited for them to be written (the database server's work
on PostgreSQL; SQLite's on SQLite), with a core idle either way. Here a writer thread writes each part's rows
while the evaluating thread computes the next part: psycopg lets go of the GIL while it waits for the
server, and sqlite3 while SQLite steps through a statement. Measured on 11,167 arcs after 10,000 new
mentions in a store of 1,000,000, on copies of one store, alternating runs: 0.689 s median before, 0.618 s
with parts of 2,500 arcs (PostgreSQL, 8 runs each); 0.686 s before, 0.613 s after (SQLite, 6 runs each).

A first job, given to the writer, runs before the first part: the evaluation's held-back write of its new
days into ArcDaily (monitor/_arcsql.py, read_new_days), so that it, too, runs beside the first part's
computation. `PendingWrite` holds such a write and runs it once, wherever it is needed first.

The connection belongs to the writer until the end of the `with` block: the evaluating thread must not use
it there. Rows wait in a queue of at most two parts, so memory stays bounded. An error in the writer stops
the next `put` and is raised at the end of the block; the caller's transaction then rolls back.
"""
from __future__ import annotations

import queue
import threading
from typing import Callable

_DONE = object()


class BackgroundWriter:
    """Runs `first()`, if given, then `write(rows)` for each part put, in order, in a thread of its own."""

    def __init__(self, write: Callable[[list[tuple]], None], first: Callable[[], None] | None = None):
        self._write, self._first = write, first
        self._parts: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="arc-writer", daemon=True)

    def __enter__(self) -> "BackgroundWriter":
        self._thread.start()
        return self

    def put(self, rows: list[tuple]) -> None:
        """Queue a part (waits while two are queued); raises the writer's error if it has failed."""
        self._raise_failure()
        self._parts.put(rows)

    def __exit__(self, exc_type, exc, tb) -> None:
        self._parts.put(_DONE)
        self._thread.join()
        if exc_type is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        if self._first is not None:
            self._guarded(self._first)
        while (rows := self._parts.get()) is not _DONE:
            self._guarded(lambda: self._write(rows))

    def _guarded(self, job: Callable[[], None]) -> None:
        if self._error is None:  # after a failure, parts are only drained, so no put waits for ever
            try:
                job()
            except BaseException as exc:  # handed to the evaluating thread, raised there
                self._error = exc


class PendingWrite:
    """A write held back to run later, once: `run` does it the first time and nothing after."""

    def __init__(self, write: Callable[[], None]):
        self._write: Callable[[], None] | None = write

    def run(self) -> None:
        write, self._write = self._write, None
        if write is not None:
            write()
