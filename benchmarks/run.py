"""Run every benchmark, one after another; each prints its figures as ratios to a baseline it measures.

Run: python -m benchmarks.run [--only NAME ...] [--quick]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

QUICK = {"bench_import": ["--mentions", "50000"], "bench_evaluate": ["--mentions", "200000"],
         "bench_report": ["--mentions", "200000"], "bench_rules": ["--mentions", "200000"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="benchmark names, e.g. bench_import")
    parser.add_argument("--quick", action="store_true", help="smaller corpora, for a quick look")
    args = parser.parse_args()
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    failed = 0
    for name in names:
        if args.only and name not in args.only:
            continue
        print(f"\n=== {name} ===", flush=True)
        extra = QUICK.get(name, []) if args.quick else []
        failed += subprocess.call([sys.executable, "-m", f"benchmarks.{name}", *extra]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
