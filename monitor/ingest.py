"""Streaming import of mention files: read, validate, score in parallel, write in batches."""
from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.engine import Connection, Engine

from monitor._bulk import copy_insert, execute_many, insert_sql, sqlite_time
from monitor._importwork import AUTHOR_AT, ROW_COLUMNS, SCORE_COLUMNS, Chunk, prepare
from monitor.db import bulk_write_pragmas
from monitor.importer import Rejection, RowRules, read_csv, sniff_format
from monitor.models import utcnow
from monitor.scoring import BatchScorer, Pending, PendingScores
from monitor.sentiment import ScorerSpec
from monitor.store import AuthorCache, existing_keys, record_tenure_claims, resolve_authors

_BOM = b"\xef\xbb\xbf"


@dataclass
class ImportSummary:
    """What an import did: rows read, imported, skipped as duplicates, and rejected with reasons."""

    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    files: int = 0
    unreadable: list[str] = field(default_factory=list)
    scored: int = 0  # distinct new texts run through the scorer

    def as_json(self) -> dict:
        return {"read": self.read, "imported": self.imported, "duplicates": self.duplicates,
                "rejected": [{"file": r.file, "line": r.line, "reason": r.reason} for r in self.rejected]}


# The insert's columns: the parent's three, a prepared row's mention columns, the score's, then constants.
_INSERT_COLUMNS = ("author_id", "source", "fetched_at") + ROW_COLUMNS + SCORE_COLUMNS + ("deleted",)
_TAIL = (False,)
_from_iso = datetime.fromisoformat
_KEY = ("platform", "external_id")
_NORM_AT = AUTHOR_AT + 1
_SAMPLE = 64  # rows of each batch looked up before the whole batch is


@dataclass
class _Batch:
    rows: list[tuple]  # prepared rows not stored yet (monitor._importwork)
    pending: PendingScores | None = None


def _raw_chunks(paths: list[Path], summary: ImportSummary, advance: Callable[[int], None],
                size: int) -> Iterator[Chunk]:
    """Chunks of at most `size` raw records, never spanning two files."""
    for path in paths:
        try:
            if sniff_format(path) == "jsonl":
                yield from _jsonl_chunks(path, advance, size)
            else:
                yield from _csv_chunks(path, advance, size)
            summary.files += 1
        except OSError as exc:
            summary.unreadable.append(f"{path}: {exc.strerror or exc}")


def _jsonl_chunks(path: Path, advance: Callable[[int], None], size: int) -> Iterator[Chunk]:
    # The parent only cuts the file into lines (in C); workers decode, parse and validate them.
    with open(path, "rb") as fh:
        first = 1
        while lines := list(islice(fh, size)):
            if first == 1:
                lines[0] = lines[0].removeprefix(_BOM)
            advance(sum(map(len, lines)))
            yield Chunk(str(path), True, first, lines)
            first += len(lines)


def _csv_chunks(path: Path, advance: Callable[[int], None], size: int) -> Iterator[Chunk]:
    # CSV is split here: a quoted field may hold line breaks, so records cannot be cut by line.
    items: list = []
    for line, row, error, nbytes in read_csv(path):
        advance(nbytes)
        items.append((line, row, error))
        if len(items) >= size:
            yield Chunk(str(path), False, 0, items)
            items = []
    if items:
        yield Chunk(str(path), False, 0, items)


class _Writer:
    """Writes scored batches, one transaction each, so a crash keeps whole batches only."""

    def __init__(self, engine: Engine, summary: ImportSummary, source: str):
        self.engine, self.summary, self.source = engine, summary, source
        self.sqlite = engine.dialect.name == "sqlite"
        self.authors = AuthorCache()
        self.conn: Connection | None = None
        self._restore: list[str] = []

    def __enter__(self) -> "_Writer":
        self.conn = self.engine.connect()
        if self.sqlite:
            self._restore = bulk_write_pragmas(self.conn)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._restore and self.conn.in_transaction():
                self.conn.rollback()
            for pragma in self._restore:  # the connection goes back to the pool as it came
                self.conn.exec_driver_sql(pragma)
        finally:
            self.conn.close()

    def new_only(self, rows: list[tuple]) -> list[tuple]:
        """Drop rows already stored, counting them as duplicates, so that a re-import scores nothing.

        A sample of the batch is looked up first: when none of it is stored, the whole batch goes on and
        ON CONFLICT catches any stored row the sample missed (it is counted as a duplicate then, and only
        its scoring is wasted). Repeats inside the batch are caught the same way."""
        if not rows:
            return rows
        with self.conn.begin():
            if not existing_keys(self.conn, {(r[0], r[1]) for r in rows[::max(1, len(rows) // _SAMPLE)]}):
                return rows
            seen: set[tuple[str, str]] = set()
            unique = [r for r in rows if (r[0], r[1]) not in seen and not seen.add((r[0], r[1]))]
            stored = existing_keys(self.conn, seen)
        fresh = [r for r in unique if (r[0], r[1]) not in stored]
        self.summary.duplicates += len(rows) - len(fresh)
        return fresh

    def write(self, rows: list[tuple], scores: dict) -> None:
        conn = self.conn
        with conn.begin():
            ids = resolve_authors(conn, _wanted_authors(rows), self.authors)
            params, claims = self._params(rows, ids, scores)
            if self.sqlite:
                inserted = execute_many(conn, insert_sql(conn, "mention", _INSERT_COLUMNS, _KEY), params)
            else:  # COPY measured ~8 us/row cheaper than executemany in this process, and no slower overall
                inserted = copy_insert(conn, "mention", _INSERT_COLUMNS, _KEY, params)
            record_tenure_claims(conn, claims)
        self.summary.imported += inserted
        self.summary.duplicates += len(params) - inserted  # raced in by another writer or an earlier batch

    def _params(self, rows: list[tuple], ids: dict, scores: dict) -> tuple[list[tuple], dict[int, float]]:
        """Row tuples in _INSERT_COLUMNS order (the import's hot loop)."""
        now = utcnow()
        head_rest = (self.source, sqlite_time(now) if self.sqlite else now)
        params, claims = [], {}
        for r in rows:
            author_id = ids[(r[0], r[_NORM_AT])]
            score, claim = scores[r[3]]
            if self.sqlite:
                params.append((author_id, *head_rest, *r[:AUTHOR_AT], *score, *_TAIL))
            else:  # binary COPY takes a datetime (the workers send text: it pickles several times faster)
                params.append((author_id, *head_rest, r[0], r[1], _from_iso(r[2]), *r[3:AUTHOR_AT], *score, *_TAIL))
            if claim and claim > claims.get(author_id, 0.0):
                claims[author_id] = claim
        return params, claims


def _wanted_authors(rows: list[tuple]) -> dict[tuple[str, str], tuple]:
    """{(platform, handle_norm): (handle, platform id, created_at)} for the first row of each author."""
    wanted: dict[tuple[str, str], tuple] = {}
    for r in rows:
        key = (r[0], r[_NORM_AT])
        if key not in wanted:
            wanted[key] = (r[AUTHOR_AT], r[_NORM_AT + 1], r[2])
    return wanted


def import_files(engine: Engine, paths: list[str | Path], *, rules: RowRules, spec: ScorerSpec,
                 batch_size: int = 5000, workers: int = 0, parallel_min_bytes: int = 2_000_000,
                 progress: bool | None = None) -> ImportSummary:
    """Import mention files in batches; on large inputs every stage overlaps with the others."""
    paths = [Path(p) for p in paths]
    summary = ImportSummary()
    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar = _progress_bar(total, progress)
    # The pool prepares chunk N+2 and scores the new texts of N+1 while this process stores batch N.
    # One write at a time keeps every batch its own transaction, in file order.
    with BatchScorer(spec, workers=workers) as scorer, _Writer(engine, summary, "import") as writer:
        if total >= parallel_min_bytes:
            scorer.start_pool()
        flow = _Flow(scorer, writer, summary)
        preparing: deque[Pending] = deque()
        for chunk in _raw_chunks(paths, summary, bar.update, batch_size):
            preparing.append(scorer.run(prepare, _split(chunk, rules, writer.sqlite, scorer.parallel)))
            if len(preparing) > 1:
                flow.step(preparing.popleft())
        while preparing:
            flow.step(preparing.popleft())
        flow.finish()
        summary.scored = scorer.scored
    bar.close()
    return summary


def _split(chunk: Chunk, rules: RowRules, sqlite: bool, parts: int) -> list[tuple[Chunk, RowRules, bool]]:
    step = max(1, -(-len(chunk.items) // parts))
    return [(Chunk(chunk.path, chunk.jsonl, chunk.first_line + i, chunk.items[i:i + step]), rules, sqlite)
            for i in range(0, len(chunk.items), step)]


class _Flow:
    """Moves prepared chunks through dedupe, scoring and writing, one batch behind the other.

    This thread writes; the pool meanwhile prepares the next chunks and scores the next batch. A separate
    writer thread was tried and measured: it lost more to GIL hand-offs than the overlap gained."""

    def __init__(self, scorer: BatchScorer, writer: _Writer, summary: ImportSummary):
        self.scorer, self.writer, self.summary = scorer, writer, summary
        self.previous: _Batch | None = None

    def step(self, work: Pending) -> None:
        """Take one prepared chunk: record rejections, drop stored rows, start scoring, write the last one."""
        rows = []
        for part in work.result():
            rows.extend(part.rows)
            self.summary.rejected.extend(part.rejected)
            self.summary.read += part.records
        current = _Batch(self.writer.new_only(rows))
        current.pending = self.scorer.submit([r[3] for r in current.rows])
        if self.previous is not None:
            self._write(self.previous)
        self.previous = current

    def finish(self) -> None:
        """Write the last batch."""
        if self.previous is not None:
            self._write(self.previous)
            self.previous = None

    def _write(self, batch: _Batch) -> None:
        if batch.rows:
            self.writer.write(batch.rows, batch.pending.result())


def _progress_bar(total: int, progress: bool | None):
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, unit="B", unit_scale=True, desc="importing", disable=not enabled,
                file=sys.stderr, leave=False)
