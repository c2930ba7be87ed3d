"""The web queue end to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A real uvicorn server runs the app on 127.0.0.1 with a free port, over SQLite and PostgreSQL. The tests log in
through the form, triage with the keyboard, check that hostile text runs nothing, that a viewer cannot act,
and that a cross-site form without the CSRF token is refused. They also take the README's screenshots.
"""
from __future__ import annotations

import http.server
import os
import socket
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from monitor import alerts
from monitor.settings import load_config
from monitor.web.app import create_app
from monitor.web.views import tenure_words
from tests.web_seed import PASSWORD, XSS_HANDLE, XSS_NAME, XSS_TEXT, seed

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Debian's chromium is not installed at {CHROMIUM} "
                       "(apt-get install chromium); the browser tests need the real browser"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app under uvicorn in a thread, until stopped."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def start(engine, monkeypatch, **seed_kw):
    monkeypatch.delenv("ARCWATCH_SECRET_KEY", raising=False)
    world = seed(engine, **seed_kw)
    return world, LiveServer(create_app(engine, load_config(data={})))


@pytest.fixture
def page_of(browser):
    contexts = []

    def new_page():
        context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.dialogs = []  # any alert()/confirm() that fired: the XSS test wants none
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    yield new_page
    for context in contexts:
        context.close()


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def selected_id(page) -> int:
    return int(page.get_attribute("#queue tbody tr.selected", "data-id"))


def move_to(page, alert_id: int) -> None:
    """Press j until the alert's row is selected (the selection starts on the first row)."""
    for _ in range(20):
        if selected_id(page) == alert_id:
            return
        page.keyboard.press("j")
    raise AssertionError(f"row #{alert_id} never selected with j")


def test_keyboard_triage_claim_then_resolve_with_reason(engine, monkeypatch, page_of):
    world, server = start(engine, monkeypatch, hostile=False, extra=True)
    with server:
        page = page_of()
        sign_in(page, server.url, "manager@example.com")
        rows = page.locator("#queue tbody tr")
        assert rows.count() == 6
        first = selected_id(page)
        page.keyboard.press("j")
        page.keyboard.press("k")
        assert selected_id(page) == first
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "queue.png"))

        # c claims the selected row; the page comes back with the same row selected.
        move_to(page, world.frustrated)
        with page.expect_navigation():
            page.keyboard.press("c")
        assert f"Alert #{world.frustrated} claimed by manager@example.com." in page.inner_text(".flash")
        assert selected_id(page) == world.frustrated
        row = page.locator(f'#queue tr[data-id="{world.frustrated}"]')
        assert "claimed" in row.inner_text() and "manager@example.com" in row.inner_text()

        # Enter opens the selected alert: the customer, the chart, the evidence and the trail; n writes a note.
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server.url}/alerts/{world.frustrated}")
        assert page.locator("svg.arc-chart circle").count() > 20
        assert page.locator(".mention").count() == 3
        tenure = tenure_words((world.now.date() - date(2019, 3, 1)).days)  # Dana's customer_since
        assert tenure in page.inner_text(".side-col") and "@dana_w" in page.inner_text(".side-col")
        page.keyboard.press("n")
        page.keyboard.type("Called Dana: engineering is on the email sync bug, fix due Thursday.")
        with page.expect_navigation():
            page.click("text=Add note")
        assert "Called Dana: engineering" in page.inner_text(".trail")
        page.mouse.move(0, 0)
        page.screenshot(path=str(SCREENSHOTS / "alert.png"), full_page=True)
        page.keyboard.press("u")
        page.wait_for_url(server.url + "/")
        assert selected_id(page) == world.frustrated

        # r opens the reason form; 2 picks the second reason; Enter resolves.
        page.keyboard.press("r")
        dialog = page.locator("#resolve-dialog")
        assert dialog.is_visible()
        page.keyboard.press("2")
        reasons = load_config(data={}).alerts.resolution_reasons
        assert page.input_value("#resolve-reason") == reasons[1]
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert f"Alert #{world.frustrated} resolved ({reasons[1]})." in page.inner_text(".flash")
        assert page.locator(f'#queue tr[data-id="{world.frustrated}"]').count() == 0

    detail = alerts.get_alert(engine, world.frustrated)
    assert (detail.alert.status, detail.alert.resolution) == ("resolved", reasons[1])
    assert [(e.kind, e.actor) for e in detail.events] == [
        ("opened", "arcwatch"), ("claimed", "manager@example.com"), ("note", "manager@example.com"),
        ("resolved", "manager@example.com")]


def test_hostile_text_shows_as_text_and_runs_nothing(engine, monkeypatch, page_of):
    world, server = start(engine, monkeypatch)
    with server:
        page = page_of()
        sign_in(page, server.url, "manager@example.com")
        assert XSS_NAME in page.inner_text("#queue")
        assert 'window.__pwned="summary"' in page.inner_text("#queue")
        page.goto(f"{server.url}/alerts/{world.hostile}")
        assert page.inner_text(".mention-text") == XSS_TEXT  # the literal text, visible as written
        assert page.inner_text(".customer-name") == XSS_NAME
        assert "@" + XSS_HANDLE in page.inner_text(".mention header")
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.locator(".mention img, .customer-name img, .mention script").count() == 0
        author_id = alerts.get_alert(engine, world.hostile).alert.author_id
        for path in ("/customers/C-666", "/search?q=mallory", f"/authors/{author_id}"):
            page.goto(server.url + path)
            assert XSS_NAME in page.inner_text("main") or XSS_HANDLE in page.inner_text("main"), path
        # Defence in depth: even a script that got into the page could not run inline (CSP script-src 'self').
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__csp_hole = 1'; document.body.appendChild(s); }""")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("typeof window.__csp_hole") == "undefined"
        assert page.dialogs == []


def test_viewer_cannot_resolve(engine, monkeypatch, page_of):
    world, server = start(engine, monkeypatch, hostile=False)
    with server:
        page = page_of()
        sign_in(page, server.url, "viewer@example.com")
        assert page.locator(".claim-form, .resolve-open").count() == 0
        move_to(page, world.frustrated)
        page.keyboard.press("c")
        page.keyboard.press("r")
        assert page.locator("#resolve-dialog").count() == 0 and page.url == server.url + "/"
        page.goto(f"{server.url}/alerts/{world.frustrated}")
        assert "can read the queue but not act" in page.inner_text(".actions-card")
        assert page.locator("form[action$='/resolve']").count() == 0
        # Even a hand-made request with the viewer's own valid CSRF token is refused by the server.
        status = page.evaluate("""async (id) => {
            const token = document.querySelector('input[name=csrf_token]').value;
            const body = new URLSearchParams({csrf_token: token, reason: 'reached out'});
            const r = await fetch(`/alerts/${id}/resolve`, {method: 'POST', body});
            return r.status; }""", world.frustrated)
        assert status == 403
    assert alerts.get_alert(engine, world.frustrated).alert.status == "open"


class _Attacker(http.server.BaseHTTPRequestHandler):
    """Serves a page on another origin that posts a form to the queue as soon as it loads."""

    target = ""

    def do_GET(self):
        body = (f'<!doctype html><form id="f" method="post" action="{self.target}">'
                '<input name="reason" value="false positive"><input name="note" value="pwned"></form>'
                "<script>document.getElementById('f').submit()</script>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_cross_site_post_without_csrf_token_is_refused(engine, monkeypatch, page_of):
    world, server = start(engine, monkeypatch, hostile=False)
    with server:
        page = page_of()
        sign_in(page, server.url, "manager@example.com")
        handler = type("Attacker", (_Attacker,), {"target": f"{server.url}/alerts/{world.frustrated}/resolve"})
        evil = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=evil.serve_forever, daemon=True).start()
        try:
            with page.expect_response(lambda r: r.url.endswith("/resolve")) as posted:
                page.goto(f"http://127.0.0.1:{evil.server_address[1]}/")
            response = posted.value
            # The session cookie went along (same site, other origin), so only the CSRF check stops it.
            assert response.status == 403
            page.wait_for_load_state()
            assert "did not come from Arcwatch" in page.inner_text("main")
        finally:
            evil.shutdown()
            evil.server_close()
        page.goto(server.url + "/")
        assert page.locator(f'#queue tr[data-id="{world.frustrated}"]').count() == 1  # still signed in, still open
    detail = alerts.get_alert(engine, world.frustrated)
    assert detail.alert.status == "open" and [e.kind for e in detail.events] == ["opened"]
