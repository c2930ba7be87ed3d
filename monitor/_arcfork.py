"""A large batch of arcs computed on several cores: forked children each compute a part.

Forked, not spawned or pooled: a child inherits the windows already in memory, so only its results cross
a pipe, as one pickle; it never touches the database connection it inherits and leaves by os._exit, so
no cleanup of the parent's runs twice. Each arc is a function of its own window alone (the batched trends
give the same figures in any batch: monitor/_arctrend.py), so the split never changes a result.

A child that fails, or a fork the system refuses, costs only time: that part is computed again here,
where an error in `fn` is raised as usual. So does a child that hangs: the fork copies only the thread
that forks, and a lock another thread held at that moment (the scheduler runs jobs in threads) would
never be released in the child. A child that has not answered DEADLINE_FACTOR times as long as the
parent took for its own part, and at least DEADLINE_FLOOR seconds, is killed; a hung evaluation would
otherwise hold the store's evaluation lock for good.
"""
from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import time
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger(__name__)
MIN_PER_WORKER = 1000  # below this a fork costs about what it saves (~25 us per arc against a few ms)
DEADLINE_FACTOR = 20  # parts are equal in size, so a child needs about as long as the parent
DEADLINE_FLOOR = 60.0  # seconds: no machine that is merely busy takes this long for a part


def workers_for(setting: int) -> int:
    """The [arcs] workers setting as a count: 0 means one per CPU core."""
    return setting if setting > 0 else (os.cpu_count() or 1)


def split_map(fn: Callable[[Sequence[T]], list[R]], items: Sequence[T], workers: int,
              min_per_worker: int | None = None, deadline_floor: float = DEADLINE_FLOOR) -> list[R]:
    """fn(items), with items split into up to `workers` contiguous parts of at least `min_per_worker` items
    (default MIN_PER_WORKER), all but the first computed by forked children, concatenated in order.
    A child still silent past the deadline (see the module docstring) is killed and its part done here."""
    least = max(MIN_PER_WORKER if min_per_worker is None else min_per_worker, 1)
    parts = min(workers, len(items) // least) if hasattr(os, "fork") else 1
    if parts <= 1:
        return fn(items)
    size = -(-len(items) // parts)
    slices = [items[at:at + size] for at in range(0, len(items), size)]
    children = [_fork(fn, part) for part in slices[1:]]
    try:
        started = time.monotonic()
        out = fn(slices[0])
        deadline = time.monotonic() + max(deadline_floor, DEADLINE_FACTOR * (time.monotonic() - started))
        for at, part in enumerate(slices[1:]):
            found, children[at] = _collect(children[at], deadline), None
            out.extend(fn(part) if found is None else found)
    finally:
        for child in children:  # only after an error here: no child is left running or unreaped
            _discard(child)
    return out


def _fork(fn: Callable, part: Sequence) -> tuple[int, int] | None:
    """(pid, read end of its pipe) of a child computing fn(part); None if the system refused the fork."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(read)
        os.close(write)
        log.warning("arcs computed in one process: fork failed (%s)", exc)
        return None
    if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                out.write(pickle.dumps(fn(part), protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    return pid, read


def _collect(child: tuple[int, int] | None, deadline: float) -> list | None:
    """The child's results, or None when it failed or missed the deadline (the caller then computes its part)."""
    if child is None:
        return None
    pid, read = child
    data, late = bytearray(), False
    with os.fdopen(read, "rb", buffering=0) as source:
        while True:
            ready, _, _ = select.select([source], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                late = True
                os.kill(pid, signal.SIGKILL)
                break
            block = source.read(1 << 20)
            if not block:
                break
            data += block
    _, status = os.waitpid(pid, 0)
    if late:
        log.warning("an arc worker process gave no answer in time and was stopped; its part is computed again")
        return None
    if status != 0 or not data:
        log.warning("an arc worker process failed (wait status %s); its part is computed again", status)
        return None
    return pickle.loads(data)


def _discard(child: tuple[int, int] | None) -> None:
    """Stop waiting for a child: close its pipe (a child still writing gets EPIPE and exits), then reap it."""
    if child is not None:
        os.close(child[1])
        os.waitpid(child[0], 0)
