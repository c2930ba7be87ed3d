"""The alert rules at scale: the first evaluation over every subject, then after 10,000 new mentions.

Same corpus and roster as bench_evaluate (1,000,000 mentions from about 50,000 authors, 10,000 rostered
customers). The arcs are brought up to date untimed; only `run_rules` is timed, and printed as a ratio
to the import time of the same data, measured in the same run.

Run: python -m benchmarks.bench_rules [--mentions 1000000] [--new 10000] [--backend both]
"""
from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from benchmarks._common import store_bench_parser, pg_schema, postgres_available, timed
from benchmarks.bench_evaluate import write_files, write_roster


def run(url: str, folder: Path, files, customers: int) -> dict[str, float]:
    """Import, roster, arcs, rules on everything; import the new batch, arcs, rules again; seconds of each."""
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.ruleeval import run_rules
    from monitor.settings import load_config

    main, late, newest = files
    config = load_config(data={"database": {"url": url}})
    engine = open_store(url)
    out: dict[str, float] = {}
    out["import"], summary = timed(pipeline.import_files, engine, config, [main], progress=False)
    out["mentions"] = summary.imported
    pipeline.import_roster(engine, write_roster(folder, engine, customers))
    now = newest + timedelta(hours=1)
    pipeline.evaluate(engine, config, now, rules=False)
    out["full"], full = timed(run_rules, engine, config, now)
    out["full_subjects"], out["full_alerts"] = full.subjects, sum(full.actions.values())
    pipeline.import_files(engine, config, [late], progress=False)
    pipeline.evaluate(engine, config, now, rules=False)
    out["incremental"], inc = timed(run_rules, engine, config, now)
    out["inc_subjects"], out["inc_alerts"] = inc.subjects, sum(inc.actions.values())
    out["noop"], _ = timed(run_rules, engine, config, now)
    engine.dispose()
    return out


def report(name: str, r: dict[str, float]) -> None:
    """Print one backend's figures, as seconds and as ratios to its import."""
    base = r["import"]
    print(f"\n{name}: {int(r['mentions']):,} mentions imported in {base:.1f} s")
    rows = [("rules, first run (every subject)", r["full"],
             f"{int(r['full_subjects']):,} subjects, {int(r['full_alerts']):,} alert actions"),
            ("rules after the new mentions", r["incremental"],
             f"{int(r['inc_subjects']):,} subjects, {int(r['inc_alerts']):,} alert actions"),
            ("rules with nothing new", r["noop"], "")]
    print(f"  {'step':<36} {'seconds':>8} {'x import':>9}")
    for label, seconds, note in rows:
        print(f"  {label:<36} {seconds:>8.2f} {seconds / base:>9.4f}  {note}")


def main(argv: list[str] | None = None) -> None:
    parser = store_bench_parser(__doc__)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_files(folder, args.mentions, args.new)
        if args.backend in ("sqlite", "both"):
            report("SQLite", run(f"sqlite:///{folder}/bench.db", folder, files, args.customers))
        if args.backend in ("postgres", "both"):
            if not postgres_available():
                print("PostgreSQL not reachable at 127.0.0.1:5432: skipped")
                return
            with pg_schema() as url:
                report("PostgreSQL", run(url, folder, files, args.customers))


if __name__ == "__main__":
    main()
