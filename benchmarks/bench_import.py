"""End-to-end import (read, validate, score on both cores, store) against raw single-core VADER.

Run: python -m benchmarks.bench_import [--mentions 200000]
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks._common import pg_schema, postgres_available, print_table, timed, vader_baseline, write_corpus


def _import(url: str, path: Path, scorer: str) -> float:
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.settings import load_config

    config = load_config(data={"database": {"url": url}, "sentiment": {"scorer": scorer}})
    engine = open_store(url)
    seconds, summary = timed(pipeline.import_files, engine, config, [path], progress=False)
    assert summary.imported > 0 and not summary.rejected, summary
    engine.dispose()
    return summary.imported / seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        texts = write_corpus(path, args.mentions)
        print(f"corpus: {len(texts):,} mentions, {len(set(texts)):,} distinct texts, "
              f"{path.stat().st_size / 1e6:.1f} MB")
        base = vader_baseline(texts)
        rows = [("raw VADER polarity_scores, 1 core (baseline)", base, 1.0)]
        for scorer in ("vader", "complaint"):
            rate = _import(f"sqlite:///{tmp}/{scorer}.db", path, scorer)
            rows.append((f"import -> SQLite, scorer={scorer}", rate, rate / base))
        if postgres_available():
            for scorer in ("vader", "complaint"):
                with pg_schema() as url:
                    rate = _import(url, path, scorer)
                rows.append((f"import -> PostgreSQL, scorer={scorer}", rate, rate / base))
        else:
            print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
        print_table("End-to-end import, rows per second", rows, "raw VADER")


if __name__ == "__main__":
    main()
