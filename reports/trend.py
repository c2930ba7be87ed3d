"""The executive trend report: a period against the one before, as one self-contained HTML file."""
from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy.engine import Engine

from monitor import reportdata as rd
from reports import sections
from reports.charts import DASHES, PALETTE, Series, line_chart, stacked_bars, symmetric_range
from reports.digest import local_day_bounds
from reports.render import clean, make_environment
from reports.sections import THEME_SAMPLE, CueCount, Decliner, Outreach, Theme, VoiceRow



@dataclass(frozen=True, kw_only=True)
class Headline:
    """A headline figure with its value in the prior period and the change."""

    label: str
    value: str
    prior: str
    change: str
    tone: str  # good, bad or neutral: how the change reads
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class PlatformRow:
    platform: str
    color: str
    dash: str
    count: int
    share: float
    mean: float | None
    negative_share: float | None
    change: float | None


@dataclass(frozen=True, kw_only=True)
class ReportContext:
    """Everything report.html.j2 shows; the template never queries the store."""

    title: str
    start: date
    end: date  # inclusive
    prior_start: date
    prior_end: date
    timezone: str
    generated_at: datetime
    headlines: tuple[Headline, ...]
    platforms: tuple[PlatformRow, ...]
    charts: dict[str, tuple[Markup, Markup]]  # "wide" (desktop, print) and "narrow" (phone): (volume, sentiment)
    bucket: str  # "day" or "week"
    negative_themes: tuple[Theme, ...]
    positive_themes: tuple[Theme, ...]
    negative_cues: tuple[CueCount, ...]
    positive_cues: tuple[CueCount, ...]
    decliners: tuple[Decliner, ...]
    outreach: Outreach
    voice: tuple[VoiceRow, ...]
    declining_now: int
    theme_sample: int = THEME_SAMPLE


def default_period(tz: str, now: datetime | None = None, days: int = 30) -> tuple[date, date]:
    """The last `days` full local days, ending yesterday."""
    now = now or datetime.now(timezone.utc)
    end = now.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    return end - timedelta(days=days - 1), end


def _ratio(cur: float, prior: float) -> float | None:
    return None if not prior else cur / prior - 1


def _tone(delta: float | None, good_when_up: bool | None) -> str:
    if delta is None or abs(delta) < 1e-9 or good_when_up is None:
        return "neutral"
    return "good" if (delta > 0) == good_when_up else "bad"


def _sums(rows: list[rd.PlatformDay]) -> tuple[int, float, int, int]:
    return (sum(r.count for r in rows), sum(r.score_sum for r in rows), sum(r.negatives for r in rows),
            sum(r.positives for r in rows))


def _nss(s: tuple[int, float, int, int]) -> float | None:
    """Net sentiment: (positive - negative) / all, in points from -100 to +100."""
    return None if not s[0] else 100 * (s[3] - s[2]) / s[0]


def _points(value: float | None, fmt: str = "{:+.0f}") -> str:
    return "–" if value is None else fmt.format(value)


def _headlines(cur, prior, at_risk, alerts, start, end, prior_start) -> tuple[Headline, ...]:
    c, p = _sums(cur), _sums(prior)
    vol = _ratio(c[0], p[0])
    nss_c, nss_p = _nss(c), _nss(p)
    neg_c, neg_p = (c[2] / c[0] if c[0] else None), (p[2] / p[0] if p[0] else None)
    d_nss = None if nss_c is None or nss_p is None else nss_c - nss_p
    d_neg = None if neg_c is None or neg_p is None else 100 * (neg_c - neg_p)
    raised = [a for a in alerts if start <= a.created_at < end]
    raised_p = [a for a in alerts if prior_start <= a.created_at < start]
    resolved = sum(1 for a in alerts if a.resolved_at and start <= a.resolved_at < end)
    resolved_p = sum(1 for a in alerts if a.resolved_at and prior_start <= a.resolved_at < start)
    mtta, mtta_p = _median_hours(raised), _median_hours(raised_p)
    return (
        Headline(label="Mentions", value=f"{c[0]:,}", prior=f"{p[0]:,}", change=_pct(vol), tone="neutral"),
        Headline(label="Net sentiment", value=_points(nss_c), prior=_points(nss_p), tone=_tone(d_nss, True),
                 change=_points(d_nss, "{:+.1f} pts"), note="positive minus negative, per 100 mentions"),
        Headline(label="Negative share", value=_share(neg_c), prior=_share(neg_p), tone=_tone(d_neg, False),
                 change=_points(d_neg, "{:+.1f} pts")),
        Headline(label="Customers at risk", value=f"{at_risk[0]:,}", prior=f"{at_risk[1]:,}",
                 change=_points(at_risk[0] - at_risk[1], "{:+,.0f}"), tone=_tone(at_risk[0] - at_risk[1], False),
                 note="mean sentiment below −0.05 over the period"),
        Headline(label="Alerts raised / resolved", value=f"{len(raised):,} / {resolved:,}",
                 prior=f"{len(raised_p):,} / {resolved_p:,}", change=_pct(_ratio(len(raised), len(raised_p))),
                 tone="neutral", note="change is of alerts raised"),
        Headline(label="Median time to first action", value=_hours(mtta), prior=_hours(mtta_p),
                 change=_pct(_ratio(mtta or 0, mtta_p or 0)) if mtta is not None else "–",
                 tone=_tone(None if mtta is None or mtta_p is None else mtta - mtta_p, False),
                 note="alerts raised in the period"),
    )


def _pct(r: float | None) -> str:
    return "–" if r is None else f"{r * 100:+.0f}%"


def _share(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:.1f}%"


def _median_hours(alerts: list[rd.AlertRow]) -> float | None:
    waits = [(a.first_action_at - a.created_at).total_seconds() / 3600 for a in alerts if a.first_action_at]
    return statistics.median(waits) if waits else None


def _hours(h: float | None) -> str:
    if h is None:
        return "–"
    return f"{h * 60:.0f} min" if h < 1 else f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days"


def _buckets(start: date, end: date) -> tuple[list[date], str]:
    days = (end - start).days + 1
    if days <= 120:
        return [start + timedelta(days=i) for i in range(days)], "day"
    first = start - timedelta(days=start.weekday())
    return [first + timedelta(weeks=i) for i in range((end - first).days // 7 + 1)], "week"


def _over_time(rows: list[rd.PlatformDay], start: date, end: date):
    """Volume bars per bucket, and sentiment lines: a trailing 7-day mean (daily) or the weekly mean."""
    xs, bucket = _buckets(start, end)
    totals = defaultdict(int)
    for r in rows:
        if r.day >= start:
            totals[r.platform] += r.count
    ranked = sorted(totals, key=lambda p: (-totals[p], p))
    shown = ranked[:7] if len(ranked) <= 8 else ranked[:6]
    names = shown + (["other"] if len(ranked) > len(shown) else [])
    cell = defaultdict(lambda: [0, 0.0])  # (series, day) -> [count, score sum]
    for r in rows:
        for name in (r.platform if r.platform in shown else "other", "all"):
            cell[(name, r.day)][0] += r.count
            cell[(name, r.day)][1] += r.score_sum
    span = 7  # days summed per point: a trailing week for daily charts, the week itself for weekly ones
    first = (lambda x: x - timedelta(days=6)) if bucket == "day" else (lambda x: x)

    def window(name: str, x: date) -> tuple[int, float]:
        days = (first(x) + timedelta(days=i) for i in range(span))
        got = [cell.get((name, d), (0, 0.0)) for d in days if bucket == "day" or start <= d <= end]
        return sum(g[0] for g in got), sum(g[1] for g in got)

    def mean(name: str, x: date) -> float | None:
        n, s = window(name, x)
        return s / n if n >= 5 else None

    volume = (lambda name, x: cell.get((name, x), (0,))[0]) if bucket == "day" else (lambda n, x: window(n, x)[0])
    style = {n: (PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]) for i, n in enumerate(names)}
    bars = [Series(name=n, values=tuple(volume(n, x) for x in xs), color=style[n][0]) for n in names]
    lines = [Series(name=n, values=tuple(mean(n, x) for x in xs), color=style[n][0], dash=style[n][1])
             for n in names]
    lines.append(Series(name="all", values=tuple(mean("all", x) for x in xs), color="#1b2533", width=2.8))
    half = symmetric_range(lines)
    every = "Daily" if bucket == "day" else "Weekly"
    charts = {}
    for size, (w, h1, h2) in {"wide": (720, 220, 240), "narrow": (380, 200, 220)}.items():
        charts[size] = (stacked_bars(xs, bars, label=f"{every} mentions by platform", width=w, height=h1),
                        line_chart(xs, lines, label="Mean sentiment by platform", y_min=-half, y_max=half,
                                   width=w, height=h2))
    return charts, bucket, style


def _platform_rows(cur, prior, style) -> tuple[PlatformRow, ...]:
    by, by_p = defaultdict(list), defaultdict(list)
    for r in cur:
        by[r.platform].append(r)
    for r in prior:
        by_p[r.platform].append(r)
    total = sum(r.count for r in cur) or 1
    out = []
    for p in sorted(by, key=lambda p: -_sums(by[p])[0]):
        n, s, neg, _ = _sums(by[p])
        color, dash = style.get(p, style.get("other", (PALETTE[-1], "")))
        out.append(PlatformRow(platform=clean(p, 40), color=color, dash=dash, count=n, share=n / total,
                               mean=s / n if n else None, negative_share=neg / n if n else None,
                               change=_ratio(n, _sums(by_p[p])[0])))
    return tuple(out)


def build_report(engine: Engine, config, start_day: date, end_day: date, *,
                 now: datetime | None = None) -> ReportContext:
    """Gather the report's figures for local days [start_day, end_day] against the same span before."""
    if end_day < start_day:
        raise ValueError(f"the report's end {end_day} is before its start {start_day}")
    tz = config.digest.timezone
    now = now or datetime.now(timezone.utc)
    days = (end_day - start_day).days + 1
    prior_start_day, prior_end_day = start_day - timedelta(days=days), start_day - timedelta(days=1)
    start, end = local_day_bounds(start_day, tz)[0], local_day_bounds(end_day, tz)[1]
    prior_start = local_day_bounds(prior_start_day, tz)[0]
    terms = list(config.report.competitor_terms)
    rows = rd.daily_by_platform(engine, prior_start, end, tz, terms=terms)
    cur, prior = [r for r in rows if r.day >= start_day], [r for r in rows if r.day < start_day]
    unrostered = rd.unrostered_are_customers(engine, config.customers.unrostered_are_customers)
    periods = rd.subject_periods(engine, prior_start_day, start_day, end_day + timedelta(days=1),
                                 include_authors=unrostered)
    at_risk = (sum(1 for s in periods if s.count_cur >= 2 and s.total_cur / s.count_cur < -0.05),
               sum(1 for s in periods if s.count_prior >= 2 and s.total_prior / s.count_prior < -0.05))
    alerts = rd.alerts_touching(engine, prior_start, end, unresolved=False)
    charts, bucket, style = _over_time(rows, start_day, end_day)
    neg_themes, pos_themes, cues = sections.themes(engine, start, end)
    c = _sums(cur)
    return ReportContext(
        title=f"Sentiment trend report, {start_day:%d %b %Y} – {end_day:%d %b %Y}", start=start_day, end=end_day,
        prior_start=prior_start_day, prior_end=prior_end_day, timezone=tz, generated_at=now,
        headlines=_headlines(cur, prior, at_risk, alerts, start, end, prior_start),
        platforms=_platform_rows(cur, prior, style), charts=charts,
        bucket=bucket, negative_themes=neg_themes, positive_themes=pos_themes,
        negative_cues=cues("negative", c[2]), positive_cues=cues("positive", c[3]),
        decliners=sections.decliners(engine, periods, prior_start_day, end_day),
        outreach=sections.outreach(engine, alerts, start, end, now.astimezone(ZoneInfo(tz)).date()),
        voice=sections.voice(terms, cur, prior),
        declining_now=rd.count_declining(engine, include_authors=unrostered))


def render_report(ctx: ReportContext, templates_dir: str | None = None) -> str:
    """The report as one self-contained HTML document."""
    return make_environment(templates_dir).get_template("report.html.j2").render(r=ctx)
