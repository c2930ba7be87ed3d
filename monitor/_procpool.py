"""A pool of forked worker processes, each with pipes of its own, so that a worker's death is noticed.

multiprocessing.Pool and concurrent.futures.ProcessPoolExecutor send every worker's results through one
shared pipe. A worker killed while it writes there (the OOM killer, a kill -9) leaves half a message,
and the reader waits for the rest for ever: measured here, an import whose scoring worker was killed
hung for good with either. Here each worker reads jobs from its own pipe and writes results to its own
pipe, whose only write end it holds, so its death reads as end-of-file: `result` raises WorkerDied and
the caller computes that job itself (monitor/scoring.py). Results of one worker come back in the order
its jobs went out. A sender thread writes the jobs, so a caller never blocks on a busy worker's full pipe,
and a reader thread per worker takes its results as they come, so a worker never waits for the caller
to ask before it starts its next job (a result is often larger than a pipe holds).

A worker that hangs instead (alive, but no result) is killed once it owes a result for DEADLINE_FACTOR
times the longest job seen, and at least `deadline_floor` seconds: its death then reads as above. An
unattended scheduler would otherwise wait on it for good.
"""
from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import struct
import threading
import time
from collections import deque
from typing import Any, Callable

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")
DEADLINE_FACTOR = 20  # jobs are alike in size: one 20 times the longest yet is not coming
DEADLINE_FLOOR = 300.0  # seconds: no merely busy machine scores half a batch this slowly


class WorkerDied(Exception):
    """The worker that had this job exited before returning its result, or the pool was closed."""


class _Worker:
    def __init__(self, pid: int, jobs: Any, results: Any):
        self.pid, self.jobs, self.results = pid, jobs, results
        self.queued: deque[int] = deque()  # tickets sent to it whose results have not come back
        self.done: dict[int, tuple] = {}  # results back, not yet asked for
        self.dead = ""  # how it ended, once its result pipe has ended
        self.since = 0.0  # monotonic time from which it owes the result of queued[0]
        self.stopped = False  # killed here for owing a result too long


class ProcessPool:
    """`workers` forked processes, each running `initializer(*initargs)` once, then jobs fn(arg)."""

    def __init__(self, workers: int, initializer: Callable, initargs: tuple = (),
                 deadline_floor: float = DEADLINE_FLOOR):
        self._deadline_floor, self._longest = deadline_floor, 0.0  # the longest job seen, in seconds
        self._workers: list[_Worker] = []
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._owner: dict[int, _Worker] = {}  # ticket -> worker
        self._tickets = 0
        self._changed = threading.Condition()
        self._closing = False
        self._threads: list[threading.Thread] = []
        try:
            for _ in range(workers):
                self._workers.append(self._fork(initializer, initargs))
        except BaseException:
            self.close()
            raise
        # started after every fork: a child never inherits a running thread
        self._threads = [threading.Thread(target=self._send, name="arcwatch-pool-sender", daemon=True)]
        self._threads += [threading.Thread(target=self._receive, args=(w,), name=f"arcwatch-pool-reader-{w.pid}",
                                           daemon=True) for w in self._workers]
        for thread in self._threads:
            thread.start()

    def _fork(self, initializer: Callable, initargs: tuple) -> _Worker:
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its own two pipe ends only, then serve until its job pipe closes
            status = 1
            try:
                for w in self._workers:
                    os.close(w.jobs.fileno())
                    os.close(w.results.fileno())
                os.close(job_w)
                os.close(res_r)
                _serve(job_r, res_w, initializer, initargs)
                status = 0
            finally:
                os._exit(status)
        os.close(job_r)
        os.close(res_w)
        return _Worker(pid, os.fdopen(job_w, "wb"), os.fdopen(res_r, "rb"))

    def submit(self, fn: Callable, arg: Any) -> int:
        """Send fn(arg) to the next live worker; returns the ticket to ask `result` for."""
        with self._changed:
            live = [w for w in self._workers if not w.dead]
            if not live:
                raise WorkerDied("no worker process is left")
            self._tickets += 1
            ticket, worker = self._tickets, live[self._tickets % len(live)]
            if not worker.queued:
                worker.since = time.monotonic()
            worker.queued.append(ticket)
            self._owner[ticket] = worker
        self._outbox.put((worker, fn, arg))
        return ticket

    def result(self, ticket: int) -> Any:
        """The value of the ticket's job (its exception raised here), or WorkerDied."""
        with self._changed:
            worker = self._owner.get(ticket)
            if worker is None:
                raise WorkerDied("the pool was closed")
            while ticket not in worker.done:
                if worker.dead:
                    raise WorkerDied(f"worker process {worker.pid} exited before returning a result ({worker.dead})")
                self._changed.wait(self._stop_if_hung(worker))
            del self._owner[ticket]
            ok, value = worker.done.pop(ticket)
        if ok:
            return value
        raise value

    def _stop_if_hung(self, worker: _Worker) -> float | None:
        """Kill the worker if it has owed a result past the deadline; else the seconds left to it (None:
        it owes nothing). Called holding the lock, before the reader has reaped it: the pid is its own."""
        if not worker.queued or worker.stopped:
            return None
        limit = max(self._deadline_floor, DEADLINE_FACTOR * self._longest)
        left = worker.since + limit - time.monotonic()
        if left > 0:
            return left
        worker.stopped = True
        log.warning("worker process %s gave no result for %.0f s and was stopped", worker.pid, limit)
        os.kill(worker.pid, signal.SIGKILL)
        return None

    def _receive(self, worker: _Worker) -> None:
        """Take the worker's results as they come, until its pipe ends; then reap it."""
        while (message := _read(worker.results)) is not None:
            with self._changed:
                worker.done[worker.queued.popleft()] = message
                now = time.monotonic()
                self._longest, worker.since = max(self._longest, now - worker.since), now
                self._changed.notify_all()
        with self._changed:  # reaped and marked at once: close() never signals a pid that may be reused
            _, status = os.waitpid(worker.pid, 0)
            worker.dead = f"killed by signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else \
                f"wait status {status}"
            self._changed.notify_all()
            if not self._closing:
                left = sum(not w.dead for w in self._workers)
                log.warning("worker process %s died (%s); %d of %d left", worker.pid, worker.dead, left,
                            len(self._workers))

    def _send(self) -> None:
        while True:
            item = self._outbox.get()
            if item is None:
                return
            worker, fn, arg = item
            try:
                data = pickle.dumps((fn, arg), protocol=pickle.HIGHEST_PROTOCOL)
                worker.jobs.write(_LENGTH.pack(len(data)) + data)
                worker.jobs.flush()
            except (OSError, ValueError):  # the worker is gone, or the pool closing: result() will tell
                continue

    def close(self) -> None:
        """Stop every worker now (they hold nothing that needs cleaning up); the readers reap them."""
        self._outbox.put(None)
        with self._changed:
            self._closing = True
            for worker in self._workers:
                if not worker.dead:
                    os.kill(worker.pid, signal.SIGKILL)
        if not self._threads:  # failed while forking: nobody reads, so reap here
            for worker in self._workers:
                os.waitpid(worker.pid, 0)
        for thread in self._threads:
            thread.join()
        for worker in self._workers:
            for pipe in (worker.jobs, worker.results):
                try:
                    pipe.close()
                except OSError:
                    pass
        with self._changed:
            self._owner.clear()
            self._changed.notify_all()


def _serve(job_fd: int, result_fd: int, initializer: Callable, initargs: tuple) -> None:
    initializer(*initargs)
    with os.fdopen(job_fd, "rb") as jobs, os.fdopen(result_fd, "wb") as results:
        while (message := _read(jobs)) is not None:
            fn, arg = message
            try:
                out = (True, fn(arg))
            except Exception as exc:  # the caller raises it, as if the job had run there
                out = (False, exc)
            try:
                data = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                data = pickle.dumps((False, RuntimeError(f"unpicklable result: {exc!r}")))
            results.write(_LENGTH.pack(len(data)) + data)
            results.flush()


def _read(pipe: Any) -> Any:
    """The next message on the pipe, or None at end-of-file (also inside a message: its writer died)."""
    head = pipe.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = pipe.read(size)
    return pickle.loads(data) if len(data) == size else None
