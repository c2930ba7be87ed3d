"""How the report's charts are drawn: hand-built SVG (reports/charts.py) against pygal and matplotlib.

Each draws the same two charts as the report (30 days x 6 platforms: stacked volume bars, and sentiment
lines with gaps) as an SVG string, without a browser. Measured: the cold import of the library (in a fresh
interpreter), the time per pair of charts (median of 20), and the bytes of SVG. pygal and matplotlib are
not project dependencies: install them into a throwaway venv to compare, e.g.
  python -m venv /tmp/cv && /tmp/cv/bin/pip install pygal matplotlib markupsafe
  PYTHONPATH=. /tmp/cv/bin/python -m benchmarks.bench_charts
Libraries that are absent are reported as such.
"""
from __future__ import annotations

import io
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta

DAYS = [date(2026, 3, 1) + timedelta(days=i) for i in range(30)]
NAMES = ["twitter", "reddit", "discourse", "mastodon", "bluesky", "hackernews"]


def data():
    rng = random.Random(3)
    counts = {n: [rng.randint(5, 60) for _ in DAYS] for n in NAMES}
    means = {n: [None if rng.random() < 0.05 else rng.uniform(-0.4, 0.4) for _ in DAYS] for n in NAMES}
    return counts, means


def handbuilt(counts, means) -> int:
    from reports.charts import Series, line_chart, stacked_bars

    bars = stacked_bars(DAYS, [Series(name=n, values=tuple(v)) for n, v in counts.items()], label="volume")
    lines = line_chart(DAYS, [Series(name=n, values=tuple(v)) for n, v in means.items()], label="sentiment",
                       y_min=-0.6, y_max=0.6)
    return len(str(bars)) + len(str(lines))


def with_pygal(counts, means) -> int:
    import pygal

    bar = pygal.StackedBar(width=720, height=220, show_legend=False, disable_xml_declaration=True, js=[])
    bar.x_labels = [d.strftime("%b %d") for d in DAYS]
    for n, v in counts.items():
        bar.add(n, v)
    line = pygal.Line(width=720, height=240, show_legend=False, disable_xml_declaration=True, js=[],
                      allow_interruptions=True)
    for n, v in means.items():
        line.add(n, v)
    return len(bar.render(is_unicode=True)) + len(line.render(is_unicode=True))


def with_matplotlib(counts, means) -> int:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    size = 0
    fig, ax = plt.subplots(figsize=(7.2, 2.2))
    bottom = [0] * len(DAYS)
    for n, v in counts.items():
        ax.bar(range(len(DAYS)), v, bottom=bottom)
        bottom = [a + b for a, b in zip(bottom, v)]
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    size += len(buf.getvalue())
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    for n, v in means.items():
        ax.plot(range(len(DAYS)), [float("nan") if x is None else x for x in v])
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return size + len(buf.getvalue())


def cold_import(module: str) -> float | None:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(proc.stdout) if proc.returncode == 0 else None


def main() -> None:
    counts, means = data()
    print(f"{'approach':<22} {'cold import s':>14} {'ms per 2 charts':>16} {'SVG bytes':>10}")
    for name, fn, module in (("hand-built SVG", handbuilt, "reports.charts"), ("pygal", with_pygal, "pygal"),
                             ("matplotlib (svg)", with_matplotlib, "matplotlib.pyplot")):
        imported = cold_import(module)
        if imported is None:
            print(f"{name:<22} {'not installed':>14}")
            continue
        size = fn(counts, means)  # warm up: first-call caches, font loading
        runs = []
        for _ in range(20):
            start = time.perf_counter()
            fn(counts, means)
            runs.append(time.perf_counter() - start)
        print(f"{name:<22} {imported:>14.3f} {statistics.median(runs) * 1000:>16.2f} {size:>10,}")


if __name__ == "__main__":
    main()
