"""The trend report and the digest on 1,000,000 mentions, as ratios to the import time of the same data.

The store is filled by importing the corpus for real (pipeline.import_files on a JSON Lines file: read, score
on both cores, write through SQLAlchemy Core bulk inserts), and that import is the yardstick, measured in the
same run. The corpus is monitor.demo.synthetic_mentions: 1,000,000 mentions from about 50,000 authors over
about 150 days; a roster links 10,000 customers, and `evaluate` builds their arcs and alerts (untimed set-up).
Then the default report (the last 30 days against the 30 before, about 40% of all rows) and the digest are
built and rendered: the first run, and the best of three more. Where the report's time goes is printed too.

Run: python -m benchmarks.bench_report [--mentions 1000000] [--backend sqlite|postgres|both]
"""
from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from benchmarks._common import store_bench_parser, pg_schema, postgres_available, timed
from benchmarks.bench_evaluate import write_files, write_roster


class QueryClock:
    """Times every call of the monitor.reportdata functions while it is active."""

    def __init__(self):
        import monitor.reportdata as rd

        self.rd, self.spent, self.saved = rd, defaultdict(float), {}

    def __enter__(self):
        for name in ("daily_by_platform", "extreme_mentions", "cue_counts", "subject_periods",
                     "subject_days", "subject_names", "declining_arcs", "count_declining", "alerts_touching",
                     "source_problems", "unrostered_are_customers"):
            original = getattr(self.rd, name)
            self.saved[name] = original

            def clocked(*args, _f=original, _n=name, **kwargs):
                start = time.perf_counter()
                try:
                    return _f(*args, **kwargs)
                finally:
                    self.spent[_n] += time.perf_counter() - start
            setattr(self.rd, name, clocked)
        return self

    def __exit__(self, *exc):
        for name, original in self.saved.items():
            setattr(self.rd, name, original)


def run(url: str, folder: Path, files, customers: int, competitors: list[str]) -> dict:
    """Import (timed), roster and evaluate (set-up), then time the report and the digest."""
    from monitor import pipeline
    from monitor.db import open_store
    from monitor.settings import load_config

    main, late, newest = files
    config = load_config(data={"database": {"url": url}, "report": {"competitor_terms": competitors}})
    engine = open_store(url)
    out: dict = {}
    out["import"], summary = timed(pipeline.import_files, engine, config, [main, late], progress=False)
    out["mentions"] = summary.imported
    pipeline.import_roster(engine, write_roster(folder, engine, customers))
    now = newest + timedelta(hours=1)
    out["evaluate"], _ = timed(pipeline.evaluate, engine, config, now)
    report = folder / "report.html"
    with QueryClock() as clock:
        out["report_first"], first = timed(pipeline.report, engine, config, out=str(report), now=now)
    out["queries"] = dict(clock.spent)
    out["report_best"] = min(timed(pipeline.report, engine, config, now=now)[0] for _ in range(3))
    out["digest_first"], _ = timed(pipeline.digest, engine, config, dry_run=True, now=now)
    out["digest_best"] = min(timed(pipeline.digest, engine, config, dry_run=True, now=now)[0] for _ in range(3))
    out["period"] = f"{first.start} to {first.end}"
    out["report_kb"] = report.stat().st_size / 1024
    engine.dispose()
    return out


def show(backend: str, r: dict) -> None:
    base = r["import"]
    print(f"\n{backend}: {r['mentions']:,} mentions imported in {base:.1f} s "
          f"({r['mentions'] / base:,.0f} rows/s); evaluate (set-up) {r['evaluate']:.1f} s")
    print(f"report period {r['period']}, file {r['report_kb']:.0f} KB")
    print(f"{'measurement':<34} {'seconds':>9} {'x import':>10}")
    for key, name in (("report_first", "report, first run"), ("report_best", "report, best of 3"),
                      ("digest_first", "digest, first run"), ("digest_best", "digest, best of 3")):
        print(f"{name:<34} {r[key]:>9.2f} {r[key] / base:>10.3f}")
    print("where the first report's time went (store queries):")
    for name, seconds in sorted(r["queries"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:<32} {seconds:>9.2f}")
    rest = r["report_first"] - sum(r["queries"].values())
    print(f"  {'(themes, charts, rendering)':<32} {rest:>9.2f}")


def main() -> None:
    parser = store_bench_parser(__doc__, new=False, backend="sqlite")
    args = parser.parse_args()
    competitors = ["Zendesk", "Freshdesk", "Help Scout", "Intercom"]
    with tempfile.TemporaryDirectory(prefix="arcwatch-bench-") as tmp:
        folder = Path(tmp)
        files = write_files(folder, args.mentions - 10_000, 10_000)
        if args.backend in ("sqlite", "both"):
            show("SQLite", run(f"sqlite:///{folder / 'bench.db'}", folder, files, args.customers, competitors))
        if args.backend in ("postgres", "both"):
            if not postgres_available():
                print("\nPostgreSQL: skipped (no server at 127.0.0.1:5432)")
            else:
                with pg_schema() as url:
                    show("PostgreSQL", run(url, folder, files, args.customers, competitors))


if __name__ == "__main__":
    main()
