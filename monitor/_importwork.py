"""The import's work that runs in worker processes: raw records into database-ready rows, and texts into scores.

Everything that crosses a process boundary here is a plain tuple of str, float, bool and None. Such tuples
pickle several times faster than dataclasses or datetimes, and the parent, which also writes to the
database, is the import's bottleneck (PERFORMANCE.md: the ceiling is 2 cores over the CPU cost per row).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from monitor.importer import Rejection, RowRules, parse_json_line, validate_row
from monitor.sentiment import Scorer, ScorerSpec, build_scorer
from monitor.store import normalise_handle

# A prepared row: the mention's own columns (ROW_COLUMNS, timestamps already encoded for the driver),
# then the author's handle, normalised handle and platform id, which the parent turns into author_id.
ROW_COLUMNS = ("platform", "external_id", "created_at", "text", "title", "url", "parent_id", "lang", "raw")
AUTHOR_AT = len(ROW_COLUMNS)
# A score as stored: SCORE_COLUMNS values (cues as JSON text), plus a claimed tenure in years, or None.
SCORE_COLUMNS = ("compound", "pos", "neu", "neg", "score", "label", "cues")


@dataclass(frozen=True)
class Chunk:
    """Raw records of one file, read by the parent and prepared by a worker."""

    path: str
    jsonl: bool
    first_line: int  # JSON Lines: the file line of items[0]
    items: list  # JSON Lines: raw lines as read (line ends kept); CSV: (line, row, error) tuples


@dataclass(frozen=True)
class Prepared:
    """A chunk after validation: rows ready to store, rejections, and how many records it held."""

    rows: list[tuple]
    rejected: list[Rejection]
    records: int


def prepare(job: tuple[Chunk, RowRules, bool]) -> Prepared:
    """Parse and validate a chunk into prepared rows (sqlite: encode timestamps as SQLite text)."""
    chunk, rules, sqlite = job
    stamp = _sqlite_time if sqlite else _pg_time
    rows, rejected, records = [], [], 0
    for line, row, error, as_json in _records(chunk):
        records += 1
        if error is None:
            try:
                v = validate_row(row, rules)
            except ValueError as exc:
                error = str(exc)
            else:
                raw = as_json if as_json is not None else json.dumps(row, ensure_ascii=False)
                rows.append((v[0], v[1], stamp(v[4]), v[5], v[6], v[7], v[8], v[9], raw,
                             v[2], normalise_handle(v[2]), v[3]))
                continue
        rejected.append(Rejection(file=chunk.path, line=line, reason=error))
    return Prepared(rows, rejected, records)


def _records(chunk: Chunk):
    """(line, row, error, row as JSON text if verbatim) for each non-blank record of a chunk."""
    if not chunk.jsonl:
        for line, row, error in chunk.items:
            yield line, row, error, None
        return
    for offset, raw in enumerate(chunk.items):
        raw = raw.rstrip(b"\r\n")
        if raw and not raw.isspace():
            row, error, as_json = parse_json_line(raw)
            yield chunk.first_line + offset, row, error, as_json


def _sqlite_time(value: datetime) -> str:
    # validate_row's datetimes are always in timezone.utc: drop the "+00:00" rather than rebuild the datetime
    return value.isoformat(" ", "microseconds")[:-6]


def _pg_time(value: datetime) -> str:
    # text crosses the process boundary faster than a datetime; the parent parses it back for binary COPY
    return value.isoformat(" ")


_worker_scorer: Scorer | None = None


def init_worker(spec: ScorerSpec) -> None:
    """Build the scorer once per worker process."""
    global _worker_scorer
    _worker_scorer = build_scorer(spec)


def score_texts(texts: list[str], scorer: Scorer | None = None) -> list[tuple[tuple, float | None]]:
    """(stored score tuple, claimed tenure) for each text, in order."""
    scorer = scorer or _worker_scorer
    out = []
    for text in texts:
        s = scorer.score(text)
        cues = json.dumps(list(s.cues)) if s.cues else None
        out.append(((s.compound, s.pos, s.neu, s.neg, s.score, s.label, cues), s.tenure_claim_years))
    return out
