"""The report and the digest in real headless Chromium: no network, no console errors, nothing hostile runs,
nothing overflows a phone, figures as SQL counts them, and the screenshots for the README."""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from monitor import pipeline
from monitor.db import open_store
from monitor.settings import load_config
from tests.conftest import REPO
from tests.planted import NOW, plant

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "docs" / "screenshots"

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not (os.path.exists(CHROMIUM) and shutil.which(CHROMIUM)),
                                 reason=f"Debian's chromium is not installed at {CHROMIUM}")]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def files(sqlite_url, tmp_path):
    engine = open_store(sqlite_url)
    plant(engine)
    config = load_config(data={"report": {"competitor_terms": ["Acme", "export"]},
                               "web": {"base_url": "https://arcwatch.example.com"}})
    report = pipeline.report(engine, config, out=str(tmp_path / "report.html"), now=NOW)
    digest = pipeline.digest(engine, config, out=str(tmp_path / "digest.html"), now=NOW)
    yield engine, Path(report.written), Path(digest.written)
    engine.dispose()


class Watched:
    """A page with every request, console message, page error and dialog recorded."""

    def __init__(self, browser, width: int, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.requests, self.console, self.dialogs = [], [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def check_clean(self) -> None:
        outside = [u for u in self.requests if not u.startswith(("file://", "data:"))]
        assert outside == [], f"network requests attempted: {outside}"
        assert [c for c in self.console if c[0] in ("error", "pageerror", "warning")] == []
        assert self.dialogs == [], "a hostile payload ran"

    def overflow(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def close(self) -> None:
        self.context.close()


def _sql_counts(engine, first, last):
    start = datetime.combine(first, datetime.min.time(), timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S.%f")
    with engine.connect() as conn:
        return conn.execute(text("SELECT platform, count(*) FROM mention WHERE created_at >= :s AND created_at < :e "
                                 "AND deleted = 0 GROUP BY platform"), {"s": start, "e": end}).all()


def test_report_in_chromium(browser, files):
    engine, report, _ = files
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = Watched(browser, 1100)
    page = desk.open(report)
    desk.check_clean()
    assert page.locator("#over-time svg.chart:visible").count() == 2 and page.locator("#decliners svg").count() == 3
    kpis = {page.locator(".kpi .label").nth(i).inner_text().strip().lower(): page.locator(".kpi .value").nth(i)
            .inner_text().strip() for i in range(6)}
    counts = dict(_sql_counts(engine, datetime(2026, 2, 13).date(), datetime(2026, 3, 14).date()))
    assert kpis["mentions"] == f"{sum(counts.values()):,}"
    shown = {r.locator("td").nth(0).inner_text().strip(): r.locator("td").nth(1).inner_text().strip()
             for r in page.locator("#platforms tbody tr").all()}
    assert shown == {p: f"{n:,}" for p, n in counts.items()}
    assert "<script>alert(3)</script>" in page.locator("#decliners").inner_text()  # shown as text
    page.screenshot(path=str(SHOTS / "report.png"), full_page=True)
    assert desk.overflow() <= 0
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 2 <= pages <= 12, pages  # prints to a few A4 pages
    desk.close()

    phone = Watched(browser, 390, 844)
    page = phone.open(report)
    phone.check_clean()
    assert phone.overflow() <= 0, "the report scrolls sideways on a phone"
    page.screenshot(path=str(SHOTS / "report-phone.png"), full_page=False)
    phone.close()


def test_digest_in_chromium(browser, files):
    _, _, digest = files
    desk = Watched(browser, 760)
    page = desk.open(digest)
    desk.check_clean()
    assert "<img src=x onerror=alert(1)>" in page.inner_text("body")
    assert page.locator("a[href^='javascript']").count() == 0
    page.screenshot(path=str(SHOTS / "digest.png"), full_page=True)
    desk.close()
    phone = Watched(browser, 390, 844)
    page = phone.open(digest)
    phone.check_clean()
    assert phone.overflow() <= 0, "the digest scrolls sideways on a phone"
    page.screenshot(path=str(SHOTS / "digest-phone.png"), full_page=False)
    phone.close()
