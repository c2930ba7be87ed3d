"""End-to-end import (read, validate, score on both cores, store) against raw single-core VADER.

Run: python -m benchmarks.bench_import [--mentions 200000] [--rounds 3] [--backend both] [--scorer both]

Each round runs every import into a fresh database and, around each one, the baseline: upstream
polarity_scores on one core over every text of the file, half of them just before the import and half just
after, so the baseline is measured across the same minutes as the import it divides. These shared machines
drift by 5-40% from minute to minute, and a ratio of two figures taken minutes apart drifts with them.
Each line prints the median of its rounds' ratios, and their range. The CPU columns are what the import
cost per row on all cores: the importer and its workers, and, for PostgreSQL on this machine, the
server's own processes (which compete with the workers for the same two cores).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import pg_schema, postgres_available, timed, vader_baseline, write_corpus


@dataclass(frozen=True)
class Run:
    """One import: rows per second, and CPU microseconds per row in the importer and in the server."""

    rate: float
    cpu: float
    server_cpu: float | None


def _cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _server_cpu_seconds() -> float | None:
    """CPU seconds used so far by the running `postgres` processes of this machine; None if none is visible
    (a server elsewhere, or no /proc). Backends are still alive when read: the engine is disposed after."""
    ticks, found = os.sysconf("SC_CLK_TCK"), False
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else []):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue  # gone since listed
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        if name == "postgres":
            found, total = True, total + int(rest[11]) + int(rest[12])  # utime, stime
    return total / ticks if found else None


def _import(url: str, path: Path, scorer: str) -> Run:
    """One import into a fresh database."""
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.settings import load_config

    config = load_config(data={"database": {"url": url}, "sentiment": {"scorer": scorer}})
    engine = open_store(url)
    server = _server_cpu_seconds() if engine.dialect.name == "postgresql" else None
    cpu = _cpu_seconds()
    seconds, summary = timed(pipeline.import_files, engine, config, [path], progress=False)
    cpu = _cpu_seconds() - cpu  # the pool's workers are reaped before import_files returns
    if server is not None:
        server = (_server_cpu_seconds() or server) - server
    assert summary.imported > 0 and not summary.rejected, summary
    engine.dispose()
    per_row = 1e6 / summary.imported
    return Run(summary.imported / seconds, cpu * per_row, None if server is None else server * per_row)


def _targets(tmp: str, backend: str, scorer: str) -> list[tuple[str, str, object]]:
    scorers = ("vader", "complaint") if scorer == "both" else (scorer,)
    targets = []
    if backend in ("sqlite", "both"):
        targets += [(f"import -> SQLite, scorer={s}", s, f"sqlite:///{tmp}/{s}-{{round}}.db") for s in scorers]
    if backend in ("postgres", "both"):
        if postgres_available():
            targets += [(f"import -> PostgreSQL, scorer={s}", s, pg_schema) for s in scorers]
        else:
            print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
    return targets


def _run_target(where, path: Path, scorer: str, round_no: int) -> Run:
    if callable(where):
        with where() as url:
            return _import(url, path, scorer)
    return _import(where.format(round=round_no), path, scorer)


def summarise(ratios: list[float]) -> str:
    """The median ratio of the rounds, and their range when there are several."""
    median = f"{statistics.median(ratios):.2f}x"
    return median if len(ratios) == 1 else f"{median} ({min(ratios):.2f}-{max(ratios):.2f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of a baseline and every import")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--scorer", choices=("vader", "complaint", "both"), default="both")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        texts = write_corpus(path, args.mentions)
        print(f"corpus: {len(texts):,} mentions, {len(set(texts)):,} distinct texts, "
              f"{path.stat().st_size / 1e6:.1f} MB; {args.rounds} rounds")
        targets = _targets(tmp, args.backend, args.scorer)
        runs: dict[str, list[tuple[Run, float]]] = {name: [] for name, _, _ in targets}
        halves = texts[::2], texts[1::2]
        for round_no in range(args.rounds):
            for name, scorer, where in targets:
                before = len(halves[0]) / vader_baseline(halves[0])
                run = _run_target(where, path, scorer, round_no)
                after = len(halves[1]) / vader_baseline(halves[1])
                runs[name].append((run, len(texts) / (before + after)))
        report(runs)


def report(runs: dict[str, list[tuple[Run, float]]]) -> None:
    """The table: per import, the median of its ratios to the baseline measured around it."""
    bases = [base for found in runs.values() for _, base in found]
    base = statistics.median(bases)
    print("\nEnd-to-end import against raw VADER measured around it (median of rounds, and range)")
    print(f"{'measurement':<40} {'rows/s':>9} {'x raw VADER':>19} {'CPU us/row':>11} {'server us/row':>14}")
    print(f"{'raw VADER polarity_scores, 1 core':<40} {base:>9,.0f} {'1.00x':>19} {1e6 / base:>11.1f}"
          f"   ({min(bases):,.0f}-{max(bases):,.0f}/s)")
    for name, found in runs.items():
        ratios = [r.rate / b for r, b in found]
        server = [r.server_cpu for r, _ in found if r.server_cpu is not None]
        print(f"{name:<40} {statistics.median(r.rate for r, _ in found):>9,.0f} {summarise(ratios):>19} "
              f"{statistics.median(r.cpu for r, _ in found):>11.1f} "
              f"{(f'{statistics.median(server):.1f}' if server else '-'):>14}")


if __name__ == "__main__":
    main()
