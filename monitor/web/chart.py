"""The arc chart's geometry: daily mean sentiment laid out for an inline SVG (the template only draws it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from monitor.types import ArcPoint

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 14, 26  # margins for the axis labels
SMOOTH_DAYS = 7


@dataclass(frozen=True, kw_only=True, slots=True)
class Dot:
    """One plotted day."""

    x: float
    y: float
    r: float
    tone: str  # neg, neu or pos: picks the colour in CSS
    label: str  # tooltip text


@dataclass(frozen=True, kw_only=True, slots=True)
class Chart:
    """Everything the SVG template needs, in view-box coordinates."""

    width: int
    height: int
    plot_left: float
    plot_right: float
    dots: tuple[Dot, ...]
    line: str  # SVG path of the smoothed arc; empty when there is nothing to draw
    zero_y: float
    neg_band: tuple[float, float]  # y and height of the shaded negative half
    yticks: tuple[tuple[float, str], ...]
    xticks: tuple[tuple[float, str], ...]
    markers: tuple[tuple[float, str, str], ...]  # x, label, text-anchor (labels near the right edge flip)
    start: date
    end: date
    summary: str  # a sentence for screen readers

    @property
    def empty(self) -> bool:
        """True when no day in the window had a mention."""
        return not self.dots


def _y(score: float) -> float:
    score = max(-1.0, min(1.0, score))
    return round(TOP + (1.0 - score) / 2.0 * (HEIGHT - TOP - BOTTOM), 1)


def _tone(score: float) -> str:
    return "neg" if score <= -0.05 else "pos" if score >= 0.05 else "neu"


def _smoothed(days: Sequence[ArcPoint], start: date) -> list[tuple[int, float]]:
    """Count-weighted mean over the trailing SMOOTH_DAYS days, on each day that had mentions."""
    by_offset = {(d.day - start).days: d for d in days}
    out = []
    for offset in sorted(by_offset):
        window = [by_offset[o] for o in range(offset - SMOOTH_DAYS + 1, offset + 1) if o in by_offset]
        weight = sum(d.count for d in window)
        if weight:
            out.append((offset, sum(d.mean * d.count for d in window) / weight))
    return out


def arc_chart(days: Sequence[ArcPoint], *, end: date, span: int = 90,
              markers: Sequence[tuple[date, str]] = ()) -> Chart:
    """Lay out the last `span` days up to `end`: dots per day, a 7-day smoothed line, axes and markers."""
    start = end - timedelta(days=span - 1)
    inside = [d for d in days if start <= d.day <= end and d.count > 0]
    plot_w = WIDTH - LEFT - RIGHT

    def x(offset: int) -> float:
        return round(LEFT + plot_w * offset / max(span - 1, 1), 1)

    biggest = max((d.count for d in inside), default=1)
    dots = tuple(Dot(x=x((d.day - start).days), y=_y(d.mean), r=round(2.5 + 3.5 * (d.count / biggest) ** 0.5, 1),
                     tone=_tone(d.mean), label=f"{d.day.isoformat()}: mean {d.mean:+.2f} over {d.count} "
                     f"mention{'s' if d.count != 1 else ''}") for d in inside)
    smooth = _smoothed(inside, start)
    # A quiet stretch longer than the smoothing window breaks the line rather than bridging it with a guess.
    line = " ".join(f"{'M' if i == 0 or o - smooth[i - 1][0] > SMOOTH_DAYS else 'L'}{x(o)},{_y(v)}"
                    for i, (o, v) in enumerate(smooth))
    xticks = tuple((x((day - start).days), day.strftime("%b %-d")) for day in _month_starts(start, end))
    right = WIDTH - RIGHT
    marks = tuple((mx, text, "end" if mx > right - 60 else "start")
                  for day, text in markers if start <= day <= end for mx in (x((day - start).days),))
    zero = _y(0.0)
    negatives = sum(1 for d in inside if d.mean <= -0.05)
    summary = (f"Daily mean sentiment from {start.isoformat()} to {end.isoformat()}: {len(inside)} days with "
               f"mentions, {negatives} of them negative on average.")
    return Chart(width=WIDTH, height=HEIGHT, plot_left=LEFT, plot_right=WIDTH - RIGHT, dots=dots, line=line,
                 zero_y=zero, neg_band=(zero, round(_y(-1.0) - zero, 1)),
                 yticks=tuple((_y(v), f"{v:+.1f}" if v else "0") for v in (1.0, 0.5, 0.0, -0.5, -1.0)),
                 xticks=xticks, markers=marks, start=start, end=end, summary=summary)


def _month_starts(start: date, end: date) -> list[date]:
    day = date(start.year, start.month, 1)
    out = []
    while day <= end:
        if day >= start:
            out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out
