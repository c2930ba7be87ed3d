"""Streaming import of mention files: read, validate, score in parallel, write in batches."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy.engine import Engine

from monitor.importer import Rejection, RowRules, read_rows, row_to_mention
from monitor.models import utcnow
from monitor.scoring import BatchScorer, PendingScores
from monitor.sentiment import ScorerSpec
from monitor.store import AuthorCache, ensure_authors, existing_keys, insert_mentions, mention_row, \
    normalise_handle, record_tenure_claims
from monitor.types import Mention


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
    mentions: list[Mention]
    pending: PendingScores | None = None


def _valid_mentions(paths: list[Path], rules: RowRules, summary: ImportSummary,
                    advance: Callable[[int], None]) -> Iterator[Mention]:
    for path in paths:
        try:
            rows = read_rows(path)
            summary.files += 1
            for line, row, error, size in rows:
                advance(size)
                summary.read += 1
                if error is None:
                    try:
                        yield row_to_mention(row, rules)
                        continue
                    except ValueError as exc:
                        error = str(exc)
                summary.rejected.append(Rejection(file=str(path), line=line, reason=error))
        except OSError as exc:
            summary.unreadable.append(f"{path}: {exc.strerror or exc}")


def _batches(mentions: Iterator[Mention], size: int) -> Iterator[list[Mention]]:
    batch: list[Mention] = []
    for m in mentions:
        batch.append(m)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Writes scored batches, one transaction each, so a crash keeps whole batches only."""

    def __init__(self, engine: Engine, summary: ImportSummary, source: str):
        self.engine, self.summary, self.source = engine, summary, source
        self.authors = AuthorCache()

    def new_only(self, batch: list[Mention]) -> list[Mention]:
        """Drop rows repeated in the batch or already stored, counting them as duplicates."""
        seen: set[tuple[str, str]] = set()
        unique = [m for m in batch if (m.platform, m.external_id) not in seen
                  and not seen.add((m.platform, m.external_id))]
        with self.engine.connect() as conn:
            stored = existing_keys(conn, ((m.platform, m.external_id) for m in unique))
        fresh = [m for m in unique if (m.platform, m.external_id) not in stored]
        self.summary.duplicates += len(batch) - len(fresh)
        return fresh

    def write(self, batch: _Batch) -> None:
        scores = batch.pending.result()
        now = utcnow()
        with self.engine.begin() as conn:
            ids = ensure_authors(conn, batch.mentions, self.authors)
            rows, claims = [], {}
            for m in batch.mentions:
                author_id = ids[(m.platform, normalise_handle(m.author))]
                score = scores[m.text]
                rows.append(mention_row(m, score, author_id, self.source, now))
                if score.tenure_claim_years:
                    claims[author_id] = max(claims.get(author_id, 0.0), score.tenure_claim_years)
            inserted = insert_mentions(conn, rows)
            record_tenure_claims(conn, claims)
        self.summary.imported += inserted
        self.summary.duplicates += len(rows) - inserted  # raced in by another writer or earlier batch


def import_files(engine: Engine, paths: list[str | Path], *, rules: RowRules, spec: ScorerSpec,
                 batch_size: int = 5000, workers: int = 0, parallel_min_bytes: int = 2_000_000,
                 progress: bool | None = None) -> ImportSummary:
    """Import mention files; each batch is scored (in a pool for large inputs) while the previous is written."""
    paths = [Path(p) for p in paths]
    summary = ImportSummary()
    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar = _progress_bar(total, progress)
    writer = _Writer(engine, summary, "import")
    with BatchScorer(spec, workers=workers) as scorer:
        if total >= parallel_min_bytes:
            scorer.start_pool()
        previous: _Batch | None = None
        for batch in _batches(_valid_mentions(paths, rules, summary, bar.update), batch_size):
            current = _Batch(writer.new_only(batch))
            current.pending = scorer.submit([m.text for m in current.mentions])
            if previous is not None:
                writer.write(previous)  # overlaps with the pool scoring `current`
            previous = current
        if previous is not None:
            writer.write(previous)
    bar.close()
    return summary


def _progress_bar(total: int, progress: bool | None):
    from tqdm import tqdm

    enabled = sys.stderr.isatty() if progress is None else progress
    return tqdm(total=total, unit="B", unit_scale=True, desc="importing", disable=not enabled,
                file=sys.stderr, leave=False)
