"""Sections of the trend report: themes, the customers who declined most, outreach outcomes, share of voice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from markupsafe import Markup
from sqlalchemy.engine import Engine

from monitor import reportdata as rd
from reports import outcomes
from reports.charts import sparkline
from reports.render import clean, safe_url
from reports.themes import top_phrases

THEME_SAMPLE = 2000  # most extreme mentions per side that phrases are counted in
NOT_OUTREACH = {"not a customer", "false positive", "duplicate"}  # not at-risk customers: outside the cohort


@dataclass(frozen=True, kw_only=True)
class Example:
    text: str
    author: str
    platform: str
    score: float
    url: str | None


@dataclass(frozen=True, kw_only=True)
class Theme:
    phrase: str
    count: int
    share: float
    examples: tuple[Example, ...]


@dataclass(frozen=True, kw_only=True)
class CueCount:
    cue: str
    count: int
    share: float


@dataclass(frozen=True, kw_only=True)
class Decliner:
    who: str
    mean_prior: float
    mean_cur: float
    delta: float
    mentions: int
    spark: Markup


@dataclass(frozen=True, kw_only=True)
class Outreach:
    """Customers contacted or not, how many recovered, how many are still inside the 30 days (pending),
    and how many said nothing since (silent): the rates count only the decided ones."""

    contacted: int
    contacted_recovered: int
    contacted_pending: int
    contacted_silent: int
    others: int
    others_recovered: int
    others_pending: int
    others_silent: int

    @property
    def contacted_decided(self) -> int:
        return self.contacted - self.contacted_pending - self.contacted_silent

    @property
    def others_decided(self) -> int:
        return self.others - self.others_pending - self.others_silent

    @property
    def contacted_rate(self) -> float | None:
        return self.contacted_recovered / self.contacted_decided if self.contacted_decided else None

    @property
    def others_rate(self) -> float | None:
        return self.others_recovered / self.others_decided if self.others_decided else None


@dataclass(frozen=True, kw_only=True)
class VoiceRow:
    name: str
    count: int
    share: float
    mean: float | None
    prior_share: float | None
    is_brand: bool


def example(m: rd.MentionRef) -> Example:
    """A mention as a theme's example: cleaned text, safe link."""
    return Example(text=clean(m.text) or clean(m.title) or "(no text)", author=clean(m.author, 60),
                   platform=clean(m.platform, 40), score=m.score, url=safe_url(m.url))


def themes(engine: Engine, start: datetime, end: datetime):
    """Negative and positive themes from the most extreme mentions, and a function counting cues."""
    neg = rd.extreme_mentions(engine, start, end, label="negative", limit=THEME_SAMPLE)
    pos = rd.extreme_mentions(engine, start, end, label="positive", limit=THEME_SAMPLE)
    neg_text, pos_text = [m.text for m in neg], [m.text for m in pos]

    def themes(sample, texts, contrast):
        return tuple(Theme(phrase=clean(p.phrase, 60), count=p.count, share=p.share,
                           examples=tuple(example(sample[i]) for i in p.examples))
                     for p in top_phrases(texts, contrast, limit=8))

    def cues(label, total):
        counts = rd.cue_counts(engine, start, end, label)
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        return tuple(CueCount(cue=clean(c, 40), count=n, share=n / total if total else 0.0) for c, n in top)

    return themes(neg, neg_text, pos_text), themes(pos, pos_text, neg_text), cues


def decliners(engine: Engine, periods: list[rd.SubjectPeriod], prior_start: date, end: date,
              limit: int = 10, min_mentions: int = 3) -> tuple[Decliner, ...]:
    """The customers whose mean sentiment fell most from the prior period, with sparklines of both."""
    ranked = []
    for s in periods:
        if s.count_cur >= min_mentions and s.count_prior >= min_mentions:
            delta = s.total_cur / s.count_cur - s.total_prior / s.count_prior
            if delta < 0:
                ranked.append((delta, s))
    ranked.sort(key=lambda x: (x[0], x[1].subject))
    top = [s for _, s in ranked[:limit]]
    names = rd.subject_names(engine, [s.subject for s in top])
    days = rd.subject_days(engine, [s.subject for s in top], prior_start, end + timedelta(days=1))
    span = (end - prior_start).days + 1
    width = max(1, span // 12)  # about a dozen points per sparkline, each the mean of `width` days
    out = []
    for s in top:
        points = []
        for b in range(0, span, width):
            got = [days[s.subject].get(prior_start + timedelta(days=b + i)) for i in range(width)]
            got = [g for g in got if g]
            n = sum(g[1] for g in got)
            points.append(sum(g[0] for g in got) / n if n else None)
        who = clean(names.get(s.subject, s.subject), 80)
        out.append(Decliner(who=who, mean_prior=s.total_prior / s.count_prior, mean_cur=s.total_cur / s.count_cur,
                            delta=s.total_cur / s.count_cur - s.total_prior / s.count_prior,
                            mentions=s.count_cur, spark=sparkline(points, label=f"sentiment arc of {who}")))
    return tuple(out)


def outreach(engine: Engine, alerts: list[rd.AlertRow], start: datetime, end: datetime, today: date) -> Outreach:
    """Customers with an alert raised in [start, end): recovered within 30 days, contacted or not.

    One verdict per customer: a customer someone reached out to counts as contacted (latest outreach),
    any other by their first alert."""
    cohort = [a for a in alerts if start <= a.created_at < end and a.subject != "brand"
              and (a.resolution or "") not in NOT_OUTREACH]
    chosen: dict[str, rd.AlertRow] = {}
    for a in sorted(cohort, key=lambda a: a.created_at):
        if a.subject not in chosen or a.resolution == outcomes.OUTREACH:  # a later outreach wins
            chosen[a.subject] = a
    days = rd.subject_days(engine, sorted(chosen), start.date() - timedelta(days=45), today + timedelta(days=1))
    tally = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}  # contacted? -> [customers, recovered, pending, silent]
    for a in chosen.values():
        contacted = a.resolution == outcomes.OUTREACH
        t0 = (a.resolved_at if contacted and a.resolved_at else a.created_at).date()
        verdict = outcomes.recorded(a.outcome) if a.resolved_at else None
        verdict = verdict or outcomes.recovery(days.get(a.subject, {}), t0, today)
        row = tally[contacted]
        row[0] += 1
        row[1] += verdict == outcomes.RECOVERED
        row[2] += verdict == outcomes.PENDING
        row[3] += verdict == outcomes.SILENT
    c, o = tally[True], tally[False]
    return Outreach(contacted=c[0], contacted_recovered=c[1], contacted_pending=c[2], contacted_silent=c[3],
                    others=o[0], others_recovered=o[1], others_pending=o[2], others_silent=o[3])


def voice(terms: list[str], cur_days: list[rd.PlatformDay], prior_days: list[rd.PlatformDay]) -> tuple[VoiceRow, ...]:
    """Our brand (mentions naming no competitor) against each competitor term, now and before."""
    if not [t for t in terms if t.strip()]:
        return ()
    cur, prior = rd.voice_of(cur_days, terms), rd.voice_of(prior_days, terms)

    def rows(v: rd.Voice):
        return [("Our brand", v.none_count, v.none_score_sum, True)] + \
               [(t.term, t.count, t.score_sum, False) for t in v.terms]

    cur_rows, prior_rows = rows(cur), rows(prior)
    total, prior_total = sum(r[1] for r in cur_rows), sum(r[1] for r in prior_rows)
    return tuple(VoiceRow(name=clean(name, 60), count=n, share=n / total if total else 0.0,
                          mean=s / n if n else None, is_brand=brand,
                          prior_share=prior_rows[i][1] / prior_total if prior_total else None)
                 for i, (name, n, s, brand) in enumerate(cur_rows))
