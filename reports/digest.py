"""The daily digest: a typed context built from store queries, rendered to plain text and HTML."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from monitor import reportdata as rd
from reports import outcomes
from reports.charts import hbar
from reports.render import clean, make_environment, safe_url

SEVERITIES = ("critical", "high", "medium", "low")
MAX_ALERTS_PER_SEVERITY = 8  # the queue has the rest; a digest that scrolls forever is not read


@dataclass(frozen=True, kw_only=True)
class PlatformLine:
    """A platform's volume and mean sentiment on the day, against its trailing baselines."""

    platform: str
    count: int
    mean: float | None
    negative_share: float | None
    avg7: float
    mean7: float | None
    avg28: float
    mean28: float | None
    bar: int  # width in % of the busiest platform's bar
    bar7: int

    @property
    def vs7(self) -> float | None:
        """Relative change of volume against the 7-day daily average."""
        return None if not self.avg7 else self.count / self.avg7 - 1


@dataclass(frozen=True, kw_only=True)
class DayBar:
    """One day of the 14-day volume chart."""

    day: date
    count: int
    negatives: int
    height: int  # px
    neg_height: int


@dataclass(frozen=True, kw_only=True)
class MentionItem:
    """A mention as the digest lists it: cleaned text, safe link."""

    platform: str
    at: str
    score: float
    text: str
    author: str
    url: str | None
    cues: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class AlertItem:
    """An alert in the digest, with its link into the web queue."""

    id: int
    link: str
    rule: str
    who: str
    severity: str
    status: str
    assignee: str | None
    opened: str
    is_new: bool


@dataclass(frozen=True, kw_only=True)
class SeverityGroup:
    """The alerts of one severity the digest lists (new first), and how many more the queue holds."""

    severity: str
    alerts: tuple[AlertItem, ...]
    total: int
    new: int
    more: int
    queue_link: str


@dataclass(frozen=True, kw_only=True)
class ArcItem:
    """A declining customer arc; `new` when its change point lies in the last 7 days."""

    who: str
    new: bool
    mean_30d: float | None
    mean_prior: float | None
    slope: float | None
    negative_30d: int
    change_point: date | None


@dataclass(frozen=True, kw_only=True)
class OutcomeItem:
    id: int
    link: str
    who: str
    resolution: str
    resolved: str
    verdict: str  # recovered, not recovered, pending, silent


@dataclass(frozen=True, kw_only=True)
class SourceItem:
    name: str
    kind: str
    failures: int
    error: str
    last_success: str


@dataclass(frozen=True, kw_only=True)
class DigestContext:
    """Everything the digest templates show; templates never query the store."""

    day: date
    timezone: str
    subject: str
    generated_at: datetime
    base_url: str
    total: PlatformLine
    platforms: tuple[PlatformLine, ...]
    days: tuple[DayBar, ...]
    most_negative: tuple[MentionItem, ...]
    most_positive: tuple[MentionItem, ...]
    severity_groups: tuple[SeverityGroup, ...]
    new_alerts: int
    open_alerts: int
    declining: tuple[ArcItem, ...]
    declining_total: int
    declining_new: int
    queue_link: str
    outcomes: tuple[OutcomeItem, ...]
    sources: tuple[SourceItem, ...]


def local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and the next begins."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), zone).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(timezone.utc)
    return start, end


def default_day(tz: str, now: datetime | None = None) -> date:
    """Yesterday in the digest's time zone."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)


def _line(platform: str, rows: list[rd.PlatformDay], day: date) -> dict:
    def window(first: date, last: date) -> tuple[int, float, int]:
        picked = [r for r in rows if first <= r.day <= last]
        return sum(r.count for r in picked), sum(r.score_sum for r in picked), sum(r.negatives for r in picked)

    n, s, neg = window(day, day)
    n7, s7, _ = window(day - timedelta(days=7), day - timedelta(days=1))
    n28, s28, _ = window(day - timedelta(days=28), day - timedelta(days=1))
    return dict(platform=platform, count=n, mean=s / n if n else None, negative_share=neg / n if n else None,
                avg7=n7 / 7, mean7=s7 / n7 if n7 else None, avg28=n28 / 28, mean28=s28 / n28 if n28 else None)


def _platform_lines(rows: list[rd.PlatformDay], day: date) -> tuple[PlatformLine, tuple[PlatformLine, ...]]:
    platforms = sorted({r.platform for r in rows})
    raw = [_line(p, [r for r in rows if r.platform == p], day) for p in platforms]
    raw.sort(key=lambda x: (-x["count"], -x["avg7"], x["platform"]))
    widest = max([max(x["count"], x["avg7"]) for x in raw], default=0)
    lines = tuple(PlatformLine(**x, bar=hbar(x["count"], widest), bar7=hbar(x["avg7"], widest)) for x in raw)
    total = _line("all platforms", rows, day)
    return PlatformLine(**total, bar=0, bar7=0), lines


def _day_bars(rows: list[rd.PlatformDay], day: date, n: int = 14, px: int = 60) -> tuple[DayBar, ...]:
    days = [day - timedelta(days=i) for i in range(n - 1, -1, -1)]
    counts = {d: [0, 0] for d in days}
    for r in rows:
        if r.day in counts:
            counts[r.day][0] += r.count
            counts[r.day][1] += r.negatives
    top = max((c for c, _ in counts.values()), default=0) or 1
    return tuple(DayBar(day=d, count=c, negatives=neg, height=max(1 if c else 0, round(px * c / top)),
                        neg_height=round(px * neg / top)) for d, (c, neg) in counts.items())


def _mention_item(m: rd.MentionRef, zone: ZoneInfo) -> MentionItem:
    body = clean(m.text) or clean(m.title) or "(no text)"
    return MentionItem(platform=m.platform, at=m.created_at.astimezone(zone).strftime("%H:%M"), score=m.score,
                       text=body, author=clean(m.author, 60), url=safe_url(m.url),
                       cues=tuple(clean(c, 40) for c in m.cues[:6]))


def _alert_groups(alerts: list[rd.AlertRow], start: datetime, end: datetime, base: str, zone: ZoneInfo):
    live = [a for a in alerts if a.status != "resolved" or start <= a.created_at < end]
    items = [AlertItem(id=a.id, link=f"{base}/alerts/{a.id}", rule=clean(a.rule, 80), who=clean(a.who, 80),
                       severity=a.severity, status=a.status, assignee=clean(a.assignee, 60) or None,
                       opened=a.created_at.astimezone(zone).strftime("%Y-%m-%d"),
                       is_new=start <= a.created_at < end) for a in live]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    groups = []
    for sev in sorted({i.severity for i in items}, key=lambda s: (order.get(s, 9), s)):
        mine = sorted((i for i in items if i.severity == sev), key=lambda i: (not i.is_new, -i.id))
        groups.append(SeverityGroup(severity=sev, alerts=tuple(mine[:MAX_ALERTS_PER_SEVERITY]), total=len(mine),
                                    new=sum(i.is_new for i in mine), more=max(0, len(mine) - MAX_ALERTS_PER_SEVERITY),
                                    queue_link=f"{base}/?{urlencode({'severity': sev})}"))
    return tuple(groups), sum(i.is_new for i in items), sum(i.status != "resolved" for i in items)


def _outcome_items(engine: Engine, alerts: list[rd.AlertRow], since: datetime, end: datetime, day: date,
                   base: str) -> tuple[OutcomeItem, ...]:
    done = [a for a in alerts if a.resolved_at and since <= a.resolved_at < end]
    subjects = sorted({a.subject for a in done})
    days = rd.subject_days(engine, subjects, day - timedelta(days=70), day + timedelta(days=1))
    out = []
    for a in sorted(done, key=lambda a: a.resolved_at, reverse=True):
        verdict = outcomes.recorded(a.outcome) or outcomes.recovery(days[a.subject], a.resolved_at.date(), day)
        out.append(OutcomeItem(id=a.id, link=f"{base}/alerts/{a.id}", who=clean(a.who, 80),
                               resolution=clean(a.resolution or "", 60), resolved=a.resolved_at.strftime("%Y-%m-%d"),
                               verdict=verdict))
    return tuple(out)


def _declining(engine: Engine, day: date, unrostered: bool) -> tuple[ArcItem, ...]:
    """Declining customer arcs, those that turned in the last 7 days (by change point) first."""
    since = day - timedelta(days=6)
    turned = rd.declining_arcs(engine, changed_since=since, include_authors=unrostered, limit=500)
    worst = rd.declining_arcs(engine, changed_since=None, include_authors=unrostered, limit=10)
    rows = list({a.subject: a for a in turned + worst}.values())
    items = [ArcItem(who=clean(a.who, 80), new=bool(a.change_point and since <= a.change_point <= day),
                     mean_30d=a.mean_30d, mean_prior=a.mean_prior, slope=a.slope, negative_30d=a.negative_30d,
                     change_point=a.change_point) for a in rows]
    return tuple(sorted(items, key=lambda a: (not a.new, a.slope if a.slope is not None else 0.0)))


def build_digest(engine: Engine, config, day: date, *, now: datetime | None = None) -> DigestContext:
    """Gather the digest's figures for one local day in [digest] timezone."""
    tz, base = config.digest.timezone, config.web.base_url.rstrip("/")
    zone = ZoneInfo(tz)
    start, end = local_day_bounds(day, tz)
    rows = rd.daily_by_platform(engine, local_day_bounds(day - timedelta(days=28), tz)[0], end, tz)
    total, lines = _platform_lines(rows, day)
    alerts = rd.alerts_touching(engine, local_day_bounds(day - timedelta(days=6), tz)[0], end)
    groups, new, still_open = _alert_groups(alerts, start, end, base, zone)
    unrostered = rd.unrostered_are_customers(engine, config.customers.unrostered_are_customers)
    declining = _declining(engine, day, unrostered)
    return DigestContext(
        day=day, timezone=tz, generated_at=now or datetime.now(timezone.utc), base_url=base,
        subject=f"Arcwatch digest {day.isoformat()}: {total.count:,} mentions, {new} new alert"
                f"{'' if new == 1 else 's'}",
        total=total, platforms=lines, days=_day_bars(rows, day),
        most_negative=tuple(_mention_item(m, zone) for m in rd.extreme_mentions(engine, start, end,
                                                                                label="negative", limit=5)),
        most_positive=tuple(_mention_item(m, zone) for m in rd.extreme_mentions(engine, start, end,
                                                                                label="positive", limit=3)),
        severity_groups=groups, new_alerts=new, open_alerts=still_open,
        declining=declining[:10], declining_total=rd.count_declining(engine, include_authors=unrostered),
        declining_new=sum(a.new for a in declining), queue_link=f"{base}/",
        outcomes=_outcome_items(engine, alerts, local_day_bounds(day - timedelta(days=6), tz)[0], end, day, base),
        sources=tuple(SourceItem(name=clean(s.name, 80), kind=s.kind, failures=s.consecutive_failures,
                                 error=clean(s.last_error, 200),
                                 last_success=s.last_success.strftime("%Y-%m-%d %H:%M") if s.last_success else "never")
                      for s in rd.source_problems(engine)))


def render_digest(ctx: DigestContext, templates_dir: str | None = None) -> tuple[str, str]:
    """The digest as (plain text, HTML)."""
    env = make_environment(templates_dir)
    return (env.get_template("digest.txt.j2").render(d=ctx),
            env.get_template("digest.html.j2").render(d=ctx))
