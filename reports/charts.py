"""Static inline SVG charts, hand-built: no library, no browser, no script, every label escaped.

Measured against pygal and matplotlib (benchmarks/bench_charts.py): a 60-day, 8-series line chart takes
well under a millisecond here and a few KB, with nothing to import; see the README for the figures.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from markupsafe import Markup, escape

# Okabe-Ito: distinguishable with colour-blindness, and in greyscale print by the dash patterns below.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 4", "3 6")
NEGATIVE, POSITIVE, NEUTRAL = "#C0392B", "#1E8449", "#B3B6B7"


@dataclass(frozen=True, kw_only=True)
class Series:
    """A named line: one value (or None for a gap) per x position."""

    name: str
    values: tuple[float | None, ...]
    color: str = PALETTE[0]
    dash: str = ""
    width: float = 1.6


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
                  f'role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet" '
                  f'class="chart"><title>{escape(label)}</title>{"".join(body)}</svg>')


def _label_every(n: int, width: int) -> int:
    """Label every k-th day so that labels sit about 90 units apart."""
    return max(1, -(-n // max(2, width // 90)))


def _x_labels(days: Sequence[date], x_of, y: float, every: int) -> list[str]:
    out = []
    for i, d in enumerate(days):
        if (i % every == 0 and len(days) - 1 - i >= every) or i == len(days) - 1:
            anchor = "start" if i == 0 else "end" if i == len(days) - 1 else "middle"
            out.append(f'<text x="{_f(x_of(i))}" y="{_f(y)}" text-anchor="{anchor}" class="ax">'
                       f'{d.strftime("%b %d").replace(" 0", " ")}</text>')
    return out


def line_chart(days: Sequence[date], series: Sequence[Series], *, label: str, y_min: float, y_max: float,
               width: int = 720, height: int = 240, y_format: str = "{:+.1f}", ticks: int = 4) -> Markup:
    """A multi-series line chart over days, with gaps where a value is None and a zero line."""
    left, right, top, bottom = 44, 8, 10, 24
    pw, ph = width - left - right, height - top - bottom
    span = (y_max - y_min) or 1.0
    x_of = (lambda i: left + pw / 2) if len(days) < 2 else (lambda i: left + pw * i / (len(days) - 1))

    def y_of(v: float) -> float:
        return top + ph * (1 - (min(max(v, y_min), y_max) - y_min) / span)

    body = []
    for k in range(ticks + 1):
        v = y_min + span * k / ticks
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y_of(v))}" y2="{_f(y_of(v))}" class="grid"/>'
                    f'<text x="{left - 4}" y="{_f(y_of(v) + 3.5)}" text-anchor="end" class="ax">'
                    f'{escape(y_format.format(v))}</text>')
    if y_min < 0 < y_max:
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y_of(0))}" y2="{_f(y_of(0))}" class="zero"/>')
    for s in series:
        for run in _runs(s.values):
            pts = " ".join(f"{_f(x_of(i))},{_f(y_of(v))}" for i, v in run)
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            if len(run) == 1:
                i, v = run[0]
                body.append(f'<circle cx="{_f(x_of(i))}" cy="{_f(y_of(v))}" r="1.8" fill="{s.color}"/>')
            else:
                body.append(f'<polyline points="{pts}" fill="none" stroke="{s.color}" '
                            f'stroke-width="{s.width}"{dash} stroke-linejoin="round"/>')
    body += _x_labels(days, x_of, height - 6, _label_every(len(days), width))
    return _svg(width, height, label, body)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    runs, cur = [], []
    for i, v in enumerate(values):
        if v is None:
            if cur:
                runs.append(cur)
            cur = []
        else:
            cur.append((i, v))
    if cur:
        runs.append(cur)
    return runs


def stacked_bars(days: Sequence[date], stacks: Sequence[Series], *, label: str, width: int = 720,
                 height: int = 220) -> Markup:
    """Daily stacked bars (one stack per series, bottom up), with a y axis of counts."""
    left, right, top, bottom = 44, 8, 10, 24
    pw, ph = width - left - right, height - top - bottom
    totals = [sum((s.values[i] or 0) for s in stacks) for i in range(len(days))]
    y_max = _nice_ceiling(max(totals, default=0))
    slot = pw / max(1, len(days))
    bar = max(1.0, slot * 0.78)
    body = []
    for k in range(5):
        v = y_max * k / 4
        y = top + ph * (1 - v / y_max)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(y)}" y2="{_f(y)}" class="grid"/>'
                    f'<text x="{left - 4}" y="{_f(y + 3.5)}" text-anchor="end" class="ax">{_count(v)}</text>')
    for i in range(len(days)):
        base = 0.0
        x = left + slot * i + (slot - bar) / 2
        for s in stacks:
            v = s.values[i] or 0
            if v <= 0:
                continue
            y0, y1 = top + ph * (1 - base / y_max), top + ph * (1 - (base + v) / y_max)
            body.append(f'<rect x="{_f(x)}" y="{_f(y1)}" width="{_f(bar)}" height="{_f(max(0.5, y0 - y1))}" '
                        f'fill="{s.color}"><title>{escape(s.name)} {days[i]}: {int(v):,}</title></rect>')
            base += v
    body += _x_labels(days, lambda i: left + slot * (i + 0.5), height - 6, _label_every(len(days), width))
    return _svg(width, height, label, body)


def _nice_ceiling(v: float) -> float:
    if v <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(v))) - 1)
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= v:
            return step * magnitude
    return 10 * magnitude


def _count(v: float) -> str:
    return f"{v / 1000:.1f}k".replace(".0k", "k") if v >= 1000 else f"{v:.0f}"


def sparkline(values: Sequence[float | None], *, label: str, width: int = 120, height: int = 28,
              y_min: float = -1.0, y_max: float = 1.0) -> Markup:
    """A small line of daily means in [-1, 1] with a zero line; the last point is marked."""
    pad = 2
    n = len(values)
    x_of = (lambda i: width / 2) if n < 2 else (lambda i: pad + (width - 2 * pad) * i / (n - 1))

    def y_of(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (min(max(v, y_min), y_max) - y_min) / (y_max - y_min))

    body = [f'<line x1="0" x2="{width}" y1="{_f(y_of(0))}" y2="{_f(y_of(0))}" class="zero"/>']
    for run in _runs(values):
        if len(run) > 1:
            pts = " ".join(f"{_f(x_of(i))},{_f(y_of(v))}" for i, v in run)
            body.append(f'<polyline points="{pts}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.4"/>')
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last:
        color = NEGATIVE if last[1] < 0 else POSITIVE
        body.append(f'<circle cx="{_f(x_of(last[0]))}" cy="{_f(y_of(last[1]))}" r="2.4" fill="{color}"/>')
    svg = _svg(width, height, label, body)
    return Markup(str(svg).replace('width="100%"', f'width="{width}" height="{height}"', 1))


def symmetric_range(series: Sequence[Series], floor: float = 0.2) -> float:
    """A half-range around zero that holds every value, chosen so that 4 ticks fall on tenths."""
    top = max((abs(v) for s in series for v in s.values if v is not None), default=0.0)
    steps = [0.2, 0.4, 0.6, 1.0]
    return next((x for x in steps if x >= max(top, floor)), 1.0)


def hbar(value: float, maximum: float) -> int:
    """A bar's width in whole percent of the widest bar, at least 1 for any non-zero value."""
    if maximum <= 0 or value <= 0:
        return 0
    return max(1, round(100 * value / maximum))
