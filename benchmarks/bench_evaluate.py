"""`arcwatch evaluate` at scale: arcs from scratch and after 10,000 new mentions, as ratios to the import.

The store is filled by importing the corpus for real (pipeline.import_files on a JSON Lines file: read,
score on both cores, store), and that import is the yardstick: every evaluate time is printed as a ratio
to the import time of the same data, measured in the same run. 1,000,000 mentions come from about
50,000 authors (monitor.demo.synthetic_mentions); a roster links 10,000 customers to 12,000 of them.
The evaluations run the arcs only; the alert rules' run on the same 10,000 new mentions is timed on its
own line (its cost follows the subjects those mentions touch). On SQLite an update checkpoints the WAL
at its commit only past ~40 MB of WAL (an update of 10,000 new mentions here writes more, so its own time
includes it); what it leaves is checkpointed, and timed, on a line of its own, and the ratio is printed
with and without that.

Run: python -m benchmarks.bench_evaluate [--mentions 1000000] [--new 10000] [--backend both] [--repeats 3]

Both evaluations run --repeats times, taking turns, each from a copy of the store as it was before the
first (SQLite: the database file; PostgreSQL: the benchmark's own database, by CREATE DATABASE ...
TEMPLATE); the seconds are medians, and the incremental share is the median of each incremental run over
the run from scratch just before it (the machine's speed drifts within minutes).
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks._common import pg_copy, pg_database, postgres_available, store_bench_parser, timed


def write_files(folder: Path, n: int, new: int) -> tuple[Path, Path, datetime]:
    """The corpus and the later batch (the newest `new` rows) as JSON Lines; and the newest time."""
    from monitor.demo import synthetic_mentions

    main, late = folder / "corpus.jsonl", folder / "new.jsonl"
    newest = None
    with open(main, "w", encoding="utf-8") as fm, open(late, "w", encoding="utf-8") as fl:
        for i, row in enumerate(synthetic_mentions(n + new, seed=11)):
            newest = newest or row["created_at"]  # rows run from newest to oldest
            (fl if i < new else fm).write(json.dumps(row) + "\n")
    return main, late, datetime.fromisoformat(newest)


def write_roster(folder: Path, engine, customers: int) -> Path:
    """A roster of `customers` customers over the stored authors; every fifth one has a second handle."""
    from sqlalchemy import select

    from monitor.models import Author

    a = Author.__table__
    with engine.connect() as conn:
        authors = conn.execute(select(a.c.platform, a.c.handle_norm).order_by(a.c.id)
                               .limit(customers + customers // 5)).all()
    path = folder / "roster.csv"
    platforms = sorted({p for p, _ in authors})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["customer_id", "name", "customer_since", "tier", *platforms])
        extra = iter(authors[customers:])
        for i, (platform, handle) in enumerate(authors[:customers]):
            handles = {platform: [handle]}
            if i % 5 == 0:
                p2, h2 = next(extra)
                handles.setdefault(p2, []).append(h2)
            out.writerow([f"B{i:06d}", f"Customer {i}", "2019-01-01", "pro",
                          *[";".join(handles.get(p, [])) for p in platforms]])
    return path


def run(url: str, folder: Path, files: tuple[Path, Path, datetime], customers: int,
        repeats: int = 1) -> dict[str, Any]:
    """Import, roster, evaluate from scratch, import the new batch, evaluate again; seconds of each.

    With repeats > 1, the two evaluations are timed that many times each, taking turns: each run from a copy
    of the store as it was just before that evaluation (SQLite: the database file; PostgreSQL: the whole
    database), and lists of seconds are kept. The machine's speed drifts by a third within minutes, so each
    incremental run is set against the evaluation from scratch run just before it, not against one run
    minutes away."""
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.settings import load_config

    main, late, newest = files
    config = load_config(data={"database": {"url": url}})
    engine = open_store(url)
    out: dict[str, Any] = {"full": [], "incremental": [], "checkpoint": []}
    out["import"], summary = timed(pipeline.import_files, engine, config, [main], progress=False)
    out["mentions"] = summary.imported
    pipeline.import_roster(engine, write_roster(folder, engine, customers))
    now = newest + timedelta(hours=1)

    def evaluate(e):
        return pipeline.evaluate(e, config, now, rules=False)

    keep = repeats > 1
    engine = _keep(engine, url, "scratch") if keep else engine
    for i in range(repeats):
        if i:
            engine = _restore(engine, url, "scratch")
        took, full = timed(evaluate, engine)
        out["full"].append(took)
        if i:
            engine = _restore(engine, url, "incremental")
        else:
            pipeline.run_rules(engine, config, now, notify=False)  # untimed: the rules' own watermark, as after any run
            out["import_new"], _ = timed(pipeline.import_files, engine, config, [late], progress=False)
            checkpoint(engine)  # untimed: the WAL starts empty, holding nothing of the import
            engine = _keep(engine, url, "incremental") if keep else engine
        took, inc = timed(evaluate, engine)
        out["incremental"].append(took)
        out["checkpoint"].append(timed(checkpoint, engine)[0])
    assert inc.arcs.new_mentions > 0 and not inc.arcs.full, inc
    out["subjects"], out["incremental_subjects"], out["new"] = full.arcs.updated, inc.arcs.updated, inc.arcs.new_mentions
    out["rules"], rules = timed(pipeline.run_rules, engine, config, now, notify=False)
    out["rules_subjects"] = rules.subjects
    out["noop"], _ = timed(pipeline.evaluate, engine, config, now, rules=False)
    out["next_day"], nxt = timed(pipeline.evaluate, engine, config, now + timedelta(days=1), rules=False)
    out["next_day_subjects"] = nxt.arcs.updated
    engine.dispose()
    if keep and engine.dialect.name == "sqlite":
        for copy in ("scratch", "incremental"):
            _copy_path(Path(engine.url.database), copy).unlink()
    return out


def _keep(engine, url: str, copy: str):
    """Keep a copy of the store as it is now, named `copy`; returns an engine on the store."""
    from monitor.db import open_store

    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        checkpoint(engine, "TRUNCATE")  # the whole store in its file
    engine.dispose()
    if sqlite:
        path = Path(engine.url.database)
        shutil.copyfile(path, _copy_path(path, copy))
        os.sync()  # the copy's ~800 MB written out now, not by the kernel during the next timed step
    else:
        pg_copy(url, restore=False, copy=copy)
    return open_store(url)


def _restore(engine, url: str, copy: str):
    """Put the store back as it was when `copy` was kept; returns an engine on it."""
    from monitor.db import open_store

    engine.dispose()
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database)
        for extra in ("-wal", "-shm"):
            path.with_name(path.name + extra).unlink(missing_ok=True)
        shutil.copyfile(_copy_path(path, copy), path)
        os.sync()
    else:
        pg_copy(url, restore=True, copy=copy)
    return open_store(url)


def _copy_path(path: Path, copy: str) -> Path:
    return path.with_name(f"{path.name}.{copy}")


def checkpoint(engine, mode: str = "PASSIVE") -> None:
    """SQLite: copy the WAL back into the database file now (updates leave it to every ~40 MB of WAL)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")


def _spread(runs: list[float]) -> str:
    """' (n runs: a-b s)' for a repeated figure, '' for a single run."""
    return f" ({len(runs)} runs: {min(runs):.2f}-{max(runs):.2f} s)" if len(runs) > 1 else ""


def report(name: str, r: dict[str, Any]) -> None:
    """Print one backend's figures, as seconds and as ratios to its import (medians of repeated runs)."""
    base = r["import"]
    full, inc, ckpt = (statistics.median(r[k]) for k in ("full", "incremental", "checkpoint"))
    pairs = [i / f for f, i in zip(r["full"], r["incremental"])]
    print(f"\n{name}: {int(r['mentions']):,} mentions imported in {base:.1f} s ({r['mentions'] / base:,.0f}/s)")
    rows = [("evaluate from scratch", full, f"{int(r['subjects']):,} arcs{_spread(r['full'])}"),
            (f"import of {int(r['new']):,} new mentions", r["import_new"], ""),
            (f"evaluate after {int(r['new']):,} new mentions", inc,
             f"{int(r['incremental_subjects']):,} arcs{_spread(r['incremental'])}"),
            ("  then a WAL checkpoint of what it left", ckpt, "SQLite only"),
            ("  then its alert rules", r["rules"], f"{int(r['rules_subjects']):,} subjects"),
            ("evaluate with nothing new", r["noop"], ""),
            ("evaluate the next day (windows move)", r["next_day"], f"{int(r['next_day_subjects']):,} arcs")]
    print(f"  {'step':<44} {'seconds':>8} {'x import':>9}")
    for label, seconds, note in rows:
        print(f"  {label:<44} {seconds:>8.2f} {seconds / base:>9.4f}  {note}")
    print(f"  incremental / from scratch = {statistics.median(pairs):.2%} (target < 5%; arcs only, as both evaluate "
          "steps run without rules; the median of each incremental run over the run from scratch just before it)")
    if len(pairs) > 1:
        print(f"  each run: {', '.join(f'{x:.2%}' for x in pairs)}; the median over the median: {inc / full:.2%}")
    if ckpt > 0.001:
        ckpts = [(i + c) / f for f, i, c in zip(r["full"], r["incremental"], r["checkpoint"])]
        print(f"  with the checkpoint of what it left: {statistics.median(ckpts):.2%}")


def main(argv: list[str] | None = None) -> None:
    parser = store_bench_parser(__doc__)
    parser.add_argument("--repeats", type=int, default=3,
                        help="time each evaluation this many times, each from a copy of the store; medians")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, files = timed(write_files, folder, args.mentions, args.new)
        print(f"corpus: {args.mentions:,} + {args.new:,} mentions written in {seconds:.1f} s")
        if args.backend in ("sqlite", "both"):
            report("SQLite", run(f"sqlite:///{folder}/bench.db", folder, files, args.customers, args.repeats))
        if args.backend in ("postgres", "both"):
            if not postgres_available():
                print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
                return
            with pg_database() as url:
                report("PostgreSQL", run(url, folder, files, args.customers, args.repeats))


if __name__ == "__main__":
    main()
