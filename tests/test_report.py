"""The trend report's figures against independent SQL, its escaping, and its self-containment."""
from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from monitor import pipeline
from monitor.settings import load_config
from reports.trend import build_report
from tests.conftest import REPO
from tests.planted import NOW, plant

START, END = date(2026, 2, 13), date(2026, 3, 14)  # the default period at NOW: 30 days ending yesterday
PRIOR = START - timedelta(days=30)


def _config(**sections):
    return load_config(data={"report": {"competitor_terms": ["Acme", "export", "50%_off"]}, **sections})


def _bounds(engine, first: date, last: date) -> dict:
    start = datetime.combine(first, datetime.min.time(), timezone.utc)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.utc)
    if engine.dialect.name == "sqlite":  # stored as naive UTC text
        return {"s": start.strftime("%Y-%m-%d %H:%M:%S.%f"), "e": end.strftime("%Y-%m-%d %H:%M:%S.%f")}
    return {"s": start, "e": end}


def _sql(engine, query: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(query), params).all()


LIVE = "created_at >= :s AND created_at < :e AND deleted = :no"


def test_headline_figures_match_independent_sql(engine):
    plant(engine)
    ctx = build_report(engine, _config(), START, END, now=NOW)
    h = {x.label: x for x in ctx.headlines}
    for first, last, attr in ((START, END, "value"), (PRIOR, START - timedelta(days=1), "prior")):
        [(n, neg, pos)] = _sql(engine, f"SELECT count(*), sum(CASE WHEN label = 'negative' THEN 1 ELSE 0 END), "
                                       f"sum(CASE WHEN label = 'positive' THEN 1 ELSE 0 END) FROM mention WHERE {LIVE}",
                               no=False, **_bounds(engine, first, last))
        assert getattr(h["Mentions"], attr) == f"{n:,}"
        assert getattr(h["Negative share"], attr) == f"{100 * neg / n:.1f}%"
        assert getattr(h["Net sentiment"], attr) == f"{100 * (pos - neg) / n:+.0f}"
        [(raised,)] = _sql(engine, "SELECT count(*) FROM alert WHERE created_at >= :s AND created_at < :e",
                           **_bounds(engine, first, last))
        [(resolved,)] = _sql(engine, "SELECT count(*) FROM alert WHERE resolved_at >= :s AND resolved_at < :e",
                             **_bounds(engine, first, last))
        assert getattr(h["Alerts raised / resolved"], attr) == f"{raised:,} / {resolved:,}"
    assert h["Mentions"].value != h["Mentions"].prior  # the planted last week is busier


def test_platform_table_matches_sql(engine):
    plant(engine)
    ctx = build_report(engine, _config(), START, END, now=NOW)
    rows = _sql(engine, f"SELECT platform, count(*), avg(score) FROM mention WHERE {LIVE} GROUP BY platform",
                no=False, **_bounds(engine, START, END))
    want = {p: (n, mean) for p, n, mean in rows}
    assert {p.platform: p.count for p in ctx.platforms} == {p: n for p, (n, _) in want.items()}
    for p in ctx.platforms:
        assert p.mean == pytest.approx(want[p.platform][1], abs=1e-9)


def test_cues_share_of_voice_and_decliners_match_sql(engine):
    plant(engine)
    ctx = build_report(engine, _config(), START, END, now=NOW)
    cues = Counter()
    for (raw,) in _sql(engine, f"SELECT cues FROM mention WHERE {LIVE} AND label = 'negative'", no=False,
                       **_bounds(engine, START, END)):
        value = raw if isinstance(raw, list) else __import__("json").loads(raw) if raw else None
        cues.update(value or [])
    assert {c.cue: c.count for c in ctx.negative_cues} == dict(cues.most_common(10))
    voice = {v.name: v.count for v in ctx.voice}
    [(export,)] = _sql(engine, f"SELECT count(*) FROM mention WHERE {LIVE} AND lower(text) LIKE '%export%'",
                       no=False, **_bounds(engine, START, END))
    assert voice["export"] == export > 0
    assert voice["50%_off"] == 0  # LIKE wildcards in a term are matched literally
    [(total,)] = _sql(engine, f"SELECT count(*) FROM mention WHERE {LIVE}", no=False, **_bounds(engine, START, END))
    assert voice["Our brand"] == total - export - voice["Acme"]
    top = ctx.decliners[0]
    assert top.who == "Dana Whitfield"
    [(tc, nc)] = _sql(engine, "SELECT sum(total), sum(count) FROM arcdaily WHERE subject = 'c:C1' "
                              "AND day >= :a AND day <= :b", a=START, b=END)
    [(tp, np_)] = _sql(engine, "SELECT sum(total), sum(count) FROM arcdaily WHERE subject = 'c:C1' "
                               "AND day >= :a AND day < :b", a=PRIOR, b=START)
    assert top.mean_cur == pytest.approx(tc / nc) and top.mean_prior == pytest.approx(tp / np_)
    assert all(a.delta <= b.delta for a, b in zip(ctx.decliners, ctx.decliners[1:]))


def test_outreach_compares_contacted_with_not_contacted(engine):
    plant(engine)
    ctx = build_report(engine, _config(), START, END, now=NOW)
    o = ctx.outreach
    # Planted in the period: C3 reached out (recorded: recovered), one resolved "recovered on its own",
    # C1 still claimed, C2 still open; the false positive is outside the cohort.
    assert (o.contacted, o.contacted_recovered) == (1, 1)
    assert o.others == 3 and o.contacted_rate == 1.0


def test_report_escapes_hostile_text_and_is_self_contained(engine, tmp_path):
    plant(engine)
    run = pipeline.report(engine, _config(), out=str(tmp_path / "r.html"), now=NOW)
    html = (tmp_path / "r.html").read_text()
    assert html == run.html and (run.start, run.end) == (START, END)
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", html)  # no event-handler attribute anywhere
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html  # the hostile customer name, shown as text
    assert not re.search(r"<(link|iframe|object|embed|img|script)\b", html, re.I)
    assert not re.search(r"<[^>]*\b(src|srcset|poster)\s*=", html, re.I)
    assert "@import" not in html and "url(" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("https://") for h in hrefs)  # only links to the original posts


def test_empty_store_and_long_periods_render(engine):
    empty = pipeline.report(engine, _config(), start=date(2025, 1, 1), end=date(2025, 12, 31), now=NOW)
    assert "No mentions in this period." in empty.html
    assert "Weekly" in empty.html or "per week" in empty.html
    with pytest.raises(ValueError, match="before its start"):
        pipeline.report(engine, _config(), start=END, end=START, now=NOW)


def test_cli_report_writes_the_file(engine, cli_env, tmp_path):
    plant(engine)
    out = tmp_path / "sub" / "report.html"
    proc = subprocess.run([sys.executable, "-m", "monitor.cli", "report", "--from", "2026-02-13", "--to",
                           "2026-03-14", "--out", str(out)], cwd=REPO, env=cli_env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"to {out}" in proc.stdout
    assert "13 February 2026 – 14 March 2026" in out.read_text()


@pytest.mark.parametrize("tz", ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"])
def test_local_days_match_python_across_offset_changes(engine, tz):
    """New York changes to summer time on 8 March 2026, Lord Howe by half an hour on 5 April... and
    Kolkata is +05:30 all year: every mention must land on its local day, as Python's zoneinfo says."""
    from zoneinfo import ZoneInfo

    from monitor.reportdata import daily_by_platform

    plant(engine)
    start, end = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 4, 30, tzinfo=timezone.utc)
    want = Counter()
    with engine.connect() as conn:
        for platform, created in conn.execute(text("SELECT platform, created_at FROM mention WHERE deleted = :no"),
                                              {"no": False}):
            at = created if isinstance(created, datetime) else datetime.fromisoformat(created)
            at = at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at
            want[(platform, at.astimezone(ZoneInfo(tz)).date())] += 1
    got = {(r.platform, r.day): r.count for r in daily_by_platform(engine, start, end, tz)}
    assert got == dict(want)
