"""Scoring many texts: each distinct text once, across both cores when the work is large."""
from __future__ import annotations

import multiprocessing
import os
from collections import OrderedDict, namedtuple
from typing import Sequence

from monitor.sentiment import Scorer, ScorerSpec, build_scorer
from monitor.types import Score

_worker_scorer: Scorer | None = None

# A Score as a plain tuple: these cross the process boundary by the hundred thousand, and a tuple
# unpickles several times faster than a dataclass. Same field names, so readers need not care.
ScoreRow = namedtuple("ScoreRow", "compound pos neu neg score label cues tenure_claim_years")


def _row(score: Score) -> ScoreRow:
    return ScoreRow(score.compound, score.pos, score.neu, score.neg, score.score, score.label, score.cues,
                    score.tenure_claim_years)


def _init_worker(spec: ScorerSpec) -> None:
    global _worker_scorer
    _worker_scorer = build_scorer(spec)


def _score_chunk(texts: Sequence[str]) -> list[ScoreRow]:
    return [_row(_worker_scorer.score(t)) for t in texts]


class BatchScorer:
    """Scores batches of texts with a bounded text cache, in a process pool when asked to."""

    def __init__(self, spec: ScorerSpec, *, workers: int = 1, cache_size: int = 100_000):
        self.spec = spec
        self._local = build_scorer(spec)
        self._cache: OrderedDict[str, Score] = OrderedDict()
        self._cache_size = cache_size
        self._workers = workers if workers > 0 else (os.cpu_count() or 1)
        self._pool = None
        self.scored = 0  # texts actually run through the scorer

    def __enter__(self) -> "BatchScorer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start_pool(self) -> None:
        """Start worker processes (fork: they inherit the loaded lexicon and never touch the database)."""
        if self._pool is None and self._workers > 1:
            ctx = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
            self._pool = ctx.Pool(self._workers, initializer=_init_worker, initargs=(self.spec,))

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def run(self, fn, chunks: list) -> "PendingWork":
        """Run fn over chunks, in the pool when there is one; result() gives the results in order."""
        if self._pool is None:
            return PendingWork(ready=[fn(c) for c in chunks])
        return PendingWork(future=self._pool.map_async(fn, chunks))

    @property
    def parallel(self) -> int:
        """How many processes share the work (1 without a pool)."""
        return self._workers if self._pool is not None else 1

    def submit(self, texts: Sequence[str]) -> "PendingScores":
        """Start scoring; returns a handle whose result() maps each text to its ScoreRow."""
        known: dict[str, Score] = {}
        todo: dict[str, None] = {}
        for text in texts:
            hit = self._cache.get(text)
            if hit is not None:
                known[text] = hit
            elif text not in known:
                todo[text] = None
        todo_list = list(todo)
        self.scored += len(todo_list)
        if self._pool is None or len(todo_list) < 2 * self._workers:
            return PendingScores(self, known, todo_list, ready=[_row(self._local.score(t)) for t in todo_list])
        size = -(-len(todo_list) // self._workers)
        chunks = [todo_list[i:i + size] for i in range(0, len(todo_list), size)]
        return PendingScores(self, known, todo_list, future=self._pool.map_async(_score_chunk, chunks))

    def score_all(self, texts: Sequence[str]) -> list[Score]:
        """Scores for these texts, in order."""
        found = self.submit(texts).result()
        return [Score(**found[t]._asdict()) for t in texts]

    def _remember(self, text: str, score: Score) -> None:
        self._cache[text] = score
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


class PendingScores:
    """Scores that are being computed, possibly in other processes."""

    def __init__(self, owner: BatchScorer, known: dict[str, Score], todo: list[str], *, ready=None, future=None):
        self._owner, self._known, self._todo, self._ready, self._future = owner, known, todo, ready, future

    def result(self) -> dict[str, Score]:
        """Wait for the scores; returns {text: Score} covering every submitted text."""
        if self._ready is None:
            self._ready = [s for chunk in self._future.get() for s in chunk]
        for text, score in zip(self._todo, self._ready):
            self._owner._remember(text, score)
            self._known[text] = score
        return self._known


class PendingWork:
    """Results of BatchScorer.run, possibly still being computed."""

    def __init__(self, *, ready=None, future=None):
        self._ready, self._future = ready, future

    def result(self) -> list:
        if self._ready is None:
            self._ready = self._future.get()
        return self._ready
