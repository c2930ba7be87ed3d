"""End-to-end import (read, validate, score on both cores, store) against raw single-core VADER.

Run: python -m benchmarks.bench_import [--mentions 200000] [--rounds 2]

Each round measures the baseline (upstream polarity_scores over every text of the file, one core) and then
every import into a fresh database. These shared machines drift by 5-40% from moment to moment, so each
figure is the best of its rounds, and only the ratios, measured in the same run, mean anything. The CPU
column is what the import cost on all cores (the importer and its workers; not the PostgreSQL server).
"""
from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

from benchmarks._common import pg_schema, postgres_available, timed, vader_baseline, write_corpus


def _cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _import(url: str, path: Path, scorer: str) -> tuple[float, float]:
    """(rows per second, CPU microseconds per row) of one import into a fresh database."""
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.settings import load_config

    config = load_config(data={"database": {"url": url}, "sentiment": {"scorer": scorer}})
    engine = open_store(url)
    cpu = _cpu_seconds()
    seconds, summary = timed(pipeline.import_files, engine, config, [path], progress=False)
    cpu = _cpu_seconds() - cpu  # the pool's workers are reaped before import_files returns
    assert summary.imported > 0 and not summary.rejected, summary
    engine.dispose()
    return summary.imported / seconds, cpu / summary.imported * 1e6


def _targets(tmp: str) -> list[tuple[str, str, object]]:
    targets = [(f"import -> SQLite, scorer={s}", s, f"sqlite:///{tmp}/{s}-{{round}}.db") for s in ("vader", "complaint")]
    if postgres_available():
        targets += [(f"import -> PostgreSQL, scorer={s}", s, pg_schema) for s in ("vader", "complaint")]
    else:
        print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
    return targets


def _run_target(where, path: Path, scorer: str, round_no: int) -> tuple[float, float]:
    if callable(where):
        with where() as url:
            return _import(url, path, scorer)
    return _import(where.format(round=round_no), path, scorer)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2, help="measure everything this many times; keep the best")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        texts = write_corpus(path, args.mentions)
        print(f"corpus: {len(texts):,} mentions, {len(set(texts)):,} distinct texts, "
              f"{path.stat().st_size / 1e6:.1f} MB; best of {args.rounds} rounds")
        targets = _targets(tmp)
        base, best = 0.0, {name: (0.0, 0.0) for name, _, _ in targets}
        for round_no in range(args.rounds):
            base = max(base, vader_baseline(texts))
            for name, scorer, where in targets:
                rate, cpu = _run_target(where, path, scorer, round_no)
                if rate > best[name][0]:
                    best[name] = (rate, cpu)
        base_cpu = 1e6 / base
        print("\nEnd-to-end import, rows per second")
        print(f"{'measurement':<46} {'per second':>11} {'x raw VADER':>12} {'CPU us/row':>11}")
        print(f"{'raw VADER polarity_scores, 1 core (baseline)':<46} {base:>11,.0f} {1.0:>11.2f}x {base_cpu:>11.1f}")
        for name, (rate, cpu) in best.items():
            print(f"{name:<46} {rate:>11,.0f} {rate / base:>11.2f}x {cpu:>11.1f}")


if __name__ == "__main__":
    main()
