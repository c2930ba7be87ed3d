"""Streaming import of mention files: read, validate, score in parallel, write in batches."""
from __future__ import annotations

import json
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from collections import deque, namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.engine import Engine

from monitor._bulk import MENTION_COLUMNS, execute_many, insert_sql, sqlite_time
from monitor.importer import Rejection, RowRules, jsonl_lines, parse_json_line, read_rows, row_to_mention, \
    sniff_format
from monitor.models import utcnow
from monitor.scoring import BatchScorer, PendingScores, PendingWork
from monitor.sentiment import ScorerSpec
from monitor.store import AuthorCache, ensure_authors, existing_keys, normalise_handle, record_tenure_claims


@dataclass
class ImportSummary:
    """What an import did: rows read, imported, skipped as duplicates, and rejected with reasons."""

    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    files: int = 0
    unreadable: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"read": self.read, "imported": self.imported, "duplicates": self.duplicates,
                "rejected": [{"file": r.file, "line": r.line, "reason": r.reason} for r in self.rejected]}


@dataclass
class _Batch:
    mentions: list[tuple[ImportRow, str]]  # with the row's JSON text, as it will be stored
    pending: PendingScores | None = None


@dataclass(frozen=True)
class _Chunk:
    """Raw records of one file, read by the parent and validated by a worker."""

    path: str
    jsonl: bool
    items: list  # JSON Lines: (line, raw bytes); CSV: (line, row, error)


# A validated row as it crosses back from a worker: a tuple unpickles far faster than a Mention, and
# the fields the store reads keep their names.
ImportRow = namedtuple("ImportRow", "platform external_id author author_id created_at text title url parent_id "
                                    "thread_id lang deleted")


@dataclass(frozen=True)
class _Prepared:
    mentions: list[tuple[ImportRow, str]]  # with the row as JSON text, as it will be stored
    rejected: list[Rejection]


def _prepare(job: tuple[_Chunk, RowRules]) -> _Prepared:
    """Parse and validate a chunk (runs in a worker process on large imports)."""
    chunk, rules = job
    mentions, rejected = [], []
    for item in chunk.items:
        if chunk.jsonl:
            line, raw = item
            row, error, as_json = parse_json_line(raw)
        else:
            (line, row, error), as_json = item, None
        if error is None:
            try:
                m = row_to_mention(row, rules)
            except ValueError as exc:
                error = str(exc)
            else:
                text = as_json if as_json is not None else json.dumps(m.raw, ensure_ascii=False)
                mentions.append((ImportRow(m.platform, m.external_id, m.author, m.author_id, m.created_at, m.text,
                                           m.title, m.url, m.parent_id, m.thread_id, m.lang, m.deleted), text))
                continue
        rejected.append(Rejection(file=chunk.path, line=line, reason=error))
    return _Prepared(mentions, rejected)


def _raw_chunks(paths: list[Path], summary: ImportSummary, advance: Callable[[int], None],
                size: int) -> Iterator[_Chunk]:
    """Chunks of at most `size` raw records, never spanning two files."""
    for path in paths:
        try:
            jsonl = sniff_format(path) == "jsonl"
            records = (((line, raw), n) for line, raw, n in jsonl_lines(path)) if jsonl else \
                (((line, row, error), n) for line, row, error, n, _ in read_rows(path, "csv"))
            summary.files += 1
            items: list = []
            for item, nbytes in records:
                advance(nbytes)
                summary.read += 1
                items.append(item)
                if len(items) >= size:
                    yield _Chunk(str(path), jsonl, items)
                    items = []
            if items:
                yield _Chunk(str(path), jsonl, items)
        except OSError as exc:
            summary.unreadable.append(f"{path}: {exc.strerror or exc}")


class _Writer:
    """Writes scored batches, one transaction each, so a crash keeps whole batches only."""

    def __init__(self, engine: Engine, summary: ImportSummary, source: str):
        self.engine, self.summary, self.source = engine, summary, source
        self.authors = AuthorCache()

    def new_only(self, batch: list[tuple[ImportRow, str]]) -> list[tuple[ImportRow, str]]:
        """Drop rows repeated in the batch or already stored, counting them as duplicates."""
        seen: set[tuple[str, str]] = set()
        unique = [item for item in batch if (item[0].platform, item[0].external_id) not in seen
                  and not seen.add((item[0].platform, item[0].external_id))]
        with self.engine.connect() as conn:
            stored = existing_keys(conn, seen)
        fresh = [item for item in unique if (item[0].platform, item[0].external_id) not in stored]
        self.summary.duplicates += len(batch) - len(fresh)
        return fresh

    def write(self, batch: _Batch, scores: dict) -> None:
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                # Checkpoint every ~40 MB rather than every 4 MB: each checkpoint syncs, and an fsync is
                # costly here. Durability is unchanged (WAL, synchronous=NORMAL); it lasts for this connection.
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint=10000")
            mentions = [m for m, _ in batch.mentions]
            ids = ensure_authors(conn, mentions, self.authors)
            params, claims = self._params(conn.dialect.name == "sqlite", batch.mentions, ids, scores)
            inserted = execute_many(conn, insert_sql(conn, "mention", MENTION_COLUMNS,
                                                     ("platform", "external_id")), params)
            record_tenure_claims(conn, _largest(claims))
        self.summary.imported += inserted
        self.summary.duplicates += len(params) - inserted  # raced in by another writer or an earlier batch

    def _params(self, sqlite: bool, items, ids, scores) -> tuple[list[tuple], list[tuple[int, float]]]:
        """Row tuples in MENTION_COLUMNS order, encoded for the driver (the import's hot loop)."""
        now = utcnow()
        stamp = sqlite_time if sqlite else (lambda t: t)
        fetched, source, params, claims = stamp(now), self.source, [], []
        for m, as_json in items:
            author_id = ids[(m.platform, normalise_handle(m.author))]
            s = scores[m.text]
            params.append((m.platform, m.external_id, author_id, source, stamp(m.created_at), fetched, m.text,
                           m.title, m.url, m.parent_id, m.thread_id, m.lang,
                           as_json,
                           s.compound, s.pos, s.neu, s.neg, s.score, s.label,
                           json.dumps(list(s.cues)) if s.cues else None, m.deleted))
            if s.tenure_claim_years:
                claims.append((author_id, s.tenure_claim_years))
        return params, claims


def _largest(claims: list[tuple[int, float]]) -> dict[int, float]:
    largest: dict[int, float] = {}
    for author_id, years in claims:
        largest[author_id] = max(largest.get(author_id, 0.0), years)
    return largest


def import_files(engine: Engine, paths: list[str | Path], *, rules: RowRules, spec: ScorerSpec,
                 batch_size: int = 5000, workers: int = 0, parallel_min_bytes: int = 2_000_000,
                 progress: bool | None = None) -> ImportSummary:
    """Import mention files in batches; on large inputs every stage overlaps with the others."""
    paths = [Path(p) for p in paths]
    summary = ImportSummary()
    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar = _progress_bar(total, progress)
    writer = _Writer(engine, summary, "import")
    # The pool parses and validates chunk N+2 and scores the new texts of N+1, while this thread
    # dedupes and a writer thread stores batch N (the driver releases the GIL while it works).
    # One write at a time keeps every batch its own transaction, in file order.
    with BatchScorer(spec, workers=workers) as scorer, ThreadPoolExecutor(1, "arcwatch-writer") as io:
        if total >= parallel_min_bytes:
            scorer.start_pool()
        preparing: deque[PendingWork] = deque()
        previous: _Batch | None = None
        writing: Future | None = None
        for chunk in _raw_chunks(paths, summary, bar.update, batch_size):
            preparing.append(scorer.run(_prepare, _split(chunk, rules, scorer.parallel)))
            if len(preparing) > 1:
                previous, writing = _step(preparing.popleft(), scorer, writer, io, summary, previous, writing)
        while preparing:
            previous, writing = _step(preparing.popleft(), scorer, writer, io, summary, previous, writing)
        if previous is not None:
            writing = _hand_over(io, writer, previous, writing)
        if writing is not None:
            writing.result()
    bar.close()
    return summary


def _split(chunk: _Chunk, rules: RowRules, parts: int) -> list[tuple[_Chunk, RowRules]]:
    step = max(1, -(-len(chunk.items) // parts))
    return [(_Chunk(chunk.path, chunk.jsonl, chunk.items[i:i + step]), rules)
            for i in range(0, len(chunk.items), step)]


def _step(work: PendingWork, scorer: BatchScorer, writer: "_Writer", io: ThreadPoolExecutor,
          summary: ImportSummary, previous: "_Batch | None", writing: Future | None):
    """Take one validated chunk: record rejections, drop duplicates, start scoring, hand the last one on."""
    mentions = []
    for part in work.result():
        mentions.extend(part.mentions)
        summary.rejected.extend(part.rejected)
    current = _Batch(writer.new_only(mentions))
    current.pending = scorer.submit([m.text for m, _ in current.mentions])
    if previous is not None:
        writing = _hand_over(io, writer, previous, writing)
    return current, writing


def _hand_over(io: ThreadPoolExecutor, writer: _Writer, batch: _Batch, writing: Future | None) -> Future:
    """Wait for a batch's scores and for the previous write, then start writing the batch."""
    scores = batch.pending.result()  # resolved here, so the score cache is only touched by this thread
    if writing is not None:
        writing.result()  # raises the writer's error, if any, before more work is queued
    return io.submit(writer.write, batch, scores)


def _progress_bar(total: int, progress: bool | None):
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, unit="B", unit_scale=True, desc="importing", disable=not enabled,
                file=sys.stderr, leave=False)
