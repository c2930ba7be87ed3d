"""The arc chart's geometry: scores map onto the plot, days onto the window, and nothing escapes it."""
from __future__ import annotations

from datetime import date, timedelta

from monitor.types import ArcPoint
from monitor.web.chart import BOTTOM, HEIGHT, TOP, arc_chart

END = date(2025, 3, 31)


def point(days_ago: int, mean: float, count: int = 2) -> ArcPoint:
    return ArcPoint(day=END - timedelta(days=days_ago), total=mean * count, count=count)


def test_scores_and_days_land_where_they_belong():
    chart = arc_chart([point(89, 1.0), point(45, 0.0), point(0, -1.0)], end=END, span=90)
    first, middle, last = chart.dots
    assert (first.x, first.y) == (chart.plot_left, TOP)  # oldest day, best score: top left
    assert (last.x, last.y) == (chart.plot_right, HEIGHT - BOTTOM)  # today, worst score: bottom right
    assert middle.y == chart.zero_y and chart.plot_left < middle.x < chart.plot_right
    assert [d.tone for d in chart.dots] == ["pos", "neu", "neg"]
    assert chart.line.startswith(f"M{first.x},")
    assert chart.line.count("M") == 3 and "L" not in chart.line  # weeks apart: never bridged by a guess
    assert "3 days with mentions, 1 of them negative" in chart.summary


def test_days_outside_the_window_and_empty_days_are_left_out():
    chart = arc_chart([point(120, 0.5), point(3, -0.4, count=0), point(91, 0.2)], end=END, span=90)
    assert chart.empty and chart.line == ""


def test_out_of_range_scores_are_clamped_and_markers_flip_near_the_right_edge():
    chart = arc_chart([point(10, 3.0), point(5, -7.0)], end=END, span=90,
                      markers=[(END - timedelta(days=60), "change"), (END, "alert"), (END + timedelta(days=5), "x")])
    assert [d.y for d in chart.dots] == [TOP, HEIGHT - BOTTOM]
    assert [(label, anchor) for _, label, anchor in chart.markers] == [("change", "start"), ("alert", "end")]
    assert [label for _, label in chart.xticks] == ["Jan 1", "Feb 1", "Mar 1"]


def test_smoothed_line_weights_days_by_their_mentions():
    chart = arc_chart([point(2, 1.0, count=1), point(1, -1.0, count=3)], end=END, span=30)
    # second point of the line: (1*1 + -1*3) / 4 = -0.5, i.e. three quarters of the way down
    y = float(chart.line.split("L")[1].split(",")[1])
    assert y == round(TOP + 0.75 * (HEIGHT - TOP - BOTTOM), 1)
