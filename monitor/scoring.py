"""Scoring many texts: each distinct text once, across both cores when the work is large."""
from __future__ import annotations

import json
import logging
import os
from collections import OrderedDict
from functools import partial
from typing import Callable, Sequence

from monitor._importwork import init_worker, score_texts
from monitor._procpool import ProcessPool, WorkerDied
from monitor.sentiment import ScorerSpec, build_scorer
from monitor.types import Score

# A score in stored form, as monitor._importwork.score_texts makes it: (SCORE_COLUMNS values, tenure claim).
StoredScore = tuple[tuple, float | None]
log = logging.getLogger(__name__)


class BatchScorer:
    """Scores batches of texts with a bounded text cache, and runs other work, in a process pool when asked to."""

    def __init__(self, spec: ScorerSpec, *, workers: int = 1, cache_size: int = 100_000):
        self.spec = spec
        self._local = build_scorer(spec)
        self._cache: OrderedDict[str, StoredScore] = OrderedDict()
        self._cache_size = cache_size
        self._workers = workers if workers > 0 else (os.cpu_count() or 1)
        self._pool = None
        self._inflight: dict[str, PendingScores] = {}  # texts submitted whose scores are not back yet
        self.scored = 0  # texts actually run through the scorer

    def __enter__(self) -> "BatchScorer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start_pool(self) -> None:
        """Start worker processes (forked: they inherit the loaded lexicon and never touch the database).
        If one dies (the OOM killer, a kill -9), its jobs and the rest of the run are computed here
        (Pending.result), so a lost process costs time, never a row (monitor/_procpool.py)."""
        if self._pool is None and self._workers > 1 and hasattr(os, "fork"):
            self._pool = ProcessPool(self._workers, init_worker, (self.spec,))

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close()

    def pool_failed(self, exc: BaseException) -> None:
        """A worker process died: the rest of this run is computed in this process."""
        if self._pool is not None:
            log.warning("a worker process died (%s); the rest runs in this process", exc)
            self.close()

    @property
    def parallel(self) -> int:
        """How many processes share the work (1 without a pool)."""
        return self._workers if self._pool is not None else 1

    def run(self, fn: Callable, jobs: list, local: Callable | None = None) -> "Pending":
        """Run fn over jobs, in the pool when there is one; result() gives the results in order.
        `local` is fn as this process runs it, where it differs (a worker's scorer is its own global)."""
        local = local or fn
        if self._pool is not None:
            try:
                pool = self._pool
                return Pending(tickets=[pool.submit(fn, j) for j in jobs], jobs=jobs, local=local, pool=pool,
                               owner=self)
            except WorkerDied as exc:
                self.pool_failed(exc)
        return Pending(ready=[local(j) for j in jobs])

    def submit(self, texts: Sequence[str]) -> "PendingScores":
        """Start scoring the texts not scored yet; result() maps every text to its StoredScore.

        A text still being scored for an earlier batch is not scored again: this batch takes it from there."""
        known: dict[str, StoredScore] = {}
        todo: dict[str, None] = {}
        borrowed: dict[str, PendingScores] = {}
        cache, inflight = self._cache, self._inflight
        for text in texts:
            if text in known or text in todo or text in borrowed:
                continue
            hit = cache.get(text)
            if hit is not None:
                known[text] = hit
            elif text in inflight:
                borrowed[text] = inflight[text]
            else:
                todo[text] = None
        todo_list = list(todo)
        self.scored += len(todo_list)
        if self._pool is None or len(todo_list) < 2 * self._workers:
            work = Pending(ready=[score_texts(todo_list, self._local)])
        else:
            size = -(-len(todo_list) // self._workers)
            work = self.run(score_texts, [todo_list[i:i + size] for i in range(0, len(todo_list), size)],
                            local=partial(score_texts, scorer=self._local))
        pending = PendingScores(self, known, todo_list, work, borrowed)
        inflight.update(dict.fromkeys(todo_list, pending))
        return pending

    def score_all(self, texts: Sequence[str]) -> list[Score]:
        """Scores for these texts, in order."""
        found = self.submit(texts).result()
        return [_as_score(found[t]) for t in texts]

    def _remember(self, text: str, score: StoredScore) -> None:
        self._cache[text] = score
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _as_score(stored: StoredScore) -> Score:
    (compound, pos, neu, neg, score, label, cues), claim = stored
    return Score(compound=compound, pos=pos, neu=neu, neg=neg, score=score, label=label,
                 cues=tuple(json.loads(cues)) if cues else (), tenure_claim_years=claim)


class Pending:
    """Results of BatchScorer.run, possibly still being computed in other processes.

    A job whose worker died is computed again here; an error raised by the job itself is raised here."""

    def __init__(self, *, ready: list | None = None, tickets: list[int] | None = None, jobs: list | None = None,
                 local: Callable | None = None, pool: ProcessPool | None = None, owner: BatchScorer | None = None):
        self._ready, self._tickets, self._jobs, self._local = ready, tickets, jobs, local
        self._pool, self._owner = pool, owner

    def result(self) -> list:
        if self._ready is None:
            out = []
            for ticket, job in zip(self._tickets, self._jobs):
                try:  # a closed pool (after a death) answers WorkerDied too
                    out.append(self._pool.result(ticket))
                except WorkerDied as exc:
                    self._owner.pool_failed(exc)
                    out.append(self._local(job))
            self._ready, self._tickets, self._jobs = out, None, None
        return self._ready


class PendingScores:
    """Scores being computed; result() returns {text: StoredScore} for every submitted text."""

    def __init__(self, owner: BatchScorer, known: dict[str, StoredScore], todo: list[str], work: Pending,
                 borrowed: dict[str, "PendingScores"]):
        self._owner, self._known, self._todo, self._work, self._borrowed = owner, known, todo, work, borrowed

    def result(self) -> dict[str, StoredScore]:
        if self._todo:
            owner, inflight = self._owner, self._owner._inflight
            scores = (s for part in self._work.result() for s in part)
            for text, score in zip(self._todo, scores):
                owner._remember(text, score)
                self._known[text] = score
                if inflight.get(text) is self:
                    del inflight[text]
            self._todo = []
        for text, earlier in self._borrowed.items():
            self._known[text] = earlier.result()[text]
        self._borrowed = {}
        return self._known
