"""The web queue through Starlette's TestClient, on SQLite and PostgreSQL: login, roles, CSRF, limits, API."""
from __future__ import annotations

import re

import pytest
from markupsafe import escape
from starlette.routing import Route
from starlette.testclient import TestClient

from monitor import alerts, users
from monitor.settings import load_config
from monitor.web.app import create_app
from tests.web_seed import PASSWORD, XSS_HANDLE, XSS_NAME, XSS_TEXT, seed

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(engine):
    return seed(engine)


def make_app(engine, monkeypatch, **web):
    monkeypatch.delenv("ARCWATCH_SECRET_KEY", raising=False)
    return create_app(engine, load_config(data={"web": web} if web else {}))


@pytest.fixture
def app(engine, world, monkeypatch):
    return make_app(engine, monkeypatch)


def login(client: TestClient, email: str, password: str = PASSWORD, next_: str = "/"):
    token = CSRF.search(client.get("/login").text).group(1)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token, "next": next_},
                       follow_redirects=False)


def signed_in(app, email: str) -> TestClient:
    client = TestClient(app)
    assert login(client, email).status_code == 303
    return client


def csrf_of(client: TestClient, path: str = "/") -> str:
    return CSRF.search(client.get(path).text).group(1)


def concrete(path: str, world) -> str:
    return (path.replace("{alert_id:int}", str(world.frustrated)).replace("{customer_id:str}", "C-1001")
            .replace("{author_id:int}", "1"))


def routes(app, method: str) -> list[str]:
    return [r.path for r in app.routes if isinstance(r, Route) and method in (r.methods or ())]


def events(engine, alert_id: int) -> list[tuple[str, str]]:
    return [(e.kind, e.actor) for e in alerts.get_alert(engine, alert_id).events]


def test_every_page_and_api_route_requires_login(app, world):
    client = TestClient(app)
    pages = [p for p in routes(app, "GET") if p != "/login"]
    assert {"/", "/alerts/{alert_id:int}", "/search", "/api/alerts"} <= set(pages)
    for path in pages:
        url = concrete(path, world)
        r = client.get(url, follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401 and r.json() == {"error": "authentication required"}, url
            assert r.headers["www-authenticate"].startswith("Bearer")
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), url
    for path in routes(app, "POST"):
        if path != "/login":
            r = client.post(concrete(path, world), data={}, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    assert events(app.state.engine, world.frustrated) == [("opened", "arcwatch")]
    assert client.get("/static/app.css").status_code == 200  # the login page needs its stylesheet


def test_login_sets_a_protected_session_and_logout_ends_it(app, world):
    client = TestClient(app)
    r = login(client, "Manager@Example.com", next_=f"/alerts/{world.lead}")
    assert r.status_code == 303 and r.headers["location"] == f"/alerts/{world.lead}"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/")
    assert page.status_code == 200 and "manager@example.com" in page.text
    r = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_get_the_same_answer(app, world):
    client = TestClient(app)
    wrong = login(client, "manager@example.com", "not the password")
    unknown = login(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.text and "Wrong email or password." in unknown.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_secure_cookie_when_configured(engine, world, monkeypatch):
    app = make_app(engine, monkeypatch, secure_cookies=True)
    client = TestClient(app, base_url="https://testserver")
    r = login(client, "manager@example.com")
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_login_needs_its_csrf_token_and_never_redirects_off_site(app, world):
    client = TestClient(app)
    r = client.post("/login", data={"email": "manager@example.com", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client = TestClient(app)
        r = login(client, "manager@example.com", next_=target)
        assert r.status_code == 303 and r.headers["location"] == "/", target


def test_every_post_refuses_a_missing_or_wrong_csrf_token(app, world):
    client = signed_in(app, "manager@example.com")
    posts = [p for p in routes(app, "POST") if p != "/login"]
    assert len(posts) >= 7
    form = {"reason": "reached out", "text": "a note", "for": "1d", "next": "/"}
    for path in posts:
        for token in (None, "forged-" + "x" * 40):
            data = dict(form, **({"csrf_token": token} if token else {}))
            r = client.post(concrete(path, world), data=data, follow_redirects=False)
            assert r.status_code == 403, (path, token)
    assert events(app.state.engine, world.frustrated) == [("opened", "arcwatch")]
    assert client.get("/").status_code == 200  # still signed in: /logout was refused too


def test_manager_claims_notes_snoozes_and_resolves(app, world):
    engine = app.state.engine
    client = signed_in(app, "manager@example.com")
    token = csrf_of(client)
    a = world.frustrated
    r = client.post(f"/alerts/{a}/claim", data={"csrf_token": token, "next": "/?status=claimed"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?status=claimed"
    queue = client.get("/?status=claimed").text
    assert f"Alert #{a} claimed by manager@example.com." in queue and "Dana Whitfield" in queue
    client.post(f"/alerts/{a}/note", data={"csrf_token": token, "text": "Called Dana <b>today</b>"})
    client.post(f"/alerts/{a}/snooze", data={"csrf_token": token, "for": "1d"})
    assert alerts.get_alert(engine, a).alert.status == "snoozed"
    r = client.post(f"/alerts/{a}/resolve", data={"csrf_token": token, "reason": "not a real reason"})
    assert "unknown resolution reason" in r.text
    assert alerts.get_alert(engine, a).alert.status == "snoozed"
    r = client.post(f"/alerts/{a}/resolve", data={"csrf_token": token, "reason": "reached out", "note": "fixed"})
    assert r.status_code == 200 and f"Alert #{a} resolved (reached out)." in r.text
    detail = alerts.get_alert(engine, a)
    assert (detail.alert.status, detail.alert.resolution, detail.alert.assignee) == ("resolved", "reached out",
                                                                                    "manager@example.com")
    assert [k for k, _ in events(engine, a)] == ["opened", "claimed", "note", "snoozed", "resolved"]
    assert {actor for k, actor in events(engine, a) if k != "opened"} == {"manager@example.com"}
    page = client.get(f"/alerts/{a}").text
    assert "Called Dana &lt;b&gt;today&lt;/b&gt;" in page and "Reopen" in page
    assert client.get("/").text.count(f'data-id="{a}"') == 0  # resolved alerts leave the default queue


def test_resolve_reasons_come_from_config(engine, world, monkeypatch):
    app = make_app(engine, monkeypatch)
    app.state.config.alerts.resolution_reasons = ["handled by CSM", "spam"]
    client = signed_in(app, "admin@example.com")
    page = client.get(f"/alerts/{world.lead}").text
    assert '<option value="spam">spam</option>' in page and "reached out" not in page
    client.post(f"/alerts/{world.lead}/resolve", data={"csrf_token": csrf_of(client), "reason": "reached out"})
    assert alerts.get_alert(engine, world.lead).alert.status == "open"
    client.post(f"/alerts/{world.lead}/resolve", data={"csrf_token": csrf_of(client), "reason": "spam"})
    assert alerts.get_alert(engine, world.lead).alert.resolution == "spam"


def test_viewer_reads_but_cannot_act(app, world):
    engine = app.state.engine
    client = signed_in(app, "viewer@example.com")
    page = client.get(f"/alerts/{world.frustrated}").text
    assert "can read the queue but not act" in page and 'action="/alerts/' not in page
    assert "claim-form" not in client.get("/").text
    token = csrf_of(client)
    for action in ("claim", "note", "snooze", "resolve", "release", "reopen"):
        r = client.post(f"/alerts/{world.frustrated}/{action}",
                        data={"csrf_token": token, "reason": "reached out", "text": "x", "for": "1d"})
        assert r.status_code == 403 and "viewer" in r.text, action
    assert events(engine, world.frustrated) == [("opened", "arcwatch")]
    assert client.get("/api/alerts").status_code == 200


def test_disabled_user_loses_their_session_at_once(app, world):
    client = signed_in(app, "manager@example.com")
    users.set_disabled(app.state.engine, "manager@example.com", True)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_is_rate_limited_per_email_and_per_address(app, world):
    client = TestClient(app)
    for _ in range(users.LOGIN_MAX_FAILURES):
        assert login(client, "manager@example.com", "guess").status_code == 401
    r = login(client, "manager@example.com")  # the right password, too late
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    # The same client address is now blocked for every account, even with the right password.
    assert login(TestClient(app), "admin@example.com").status_code == 429


def test_hostile_text_is_escaped_and_bad_links_are_not_links(app, world):
    client = signed_in(app, "manager@example.com")
    for path in (f"/alerts/{world.hostile}", "/customers/C-666", "/", "/search?q=mallory", "/authors/3"):
        page = client.get(path)
        assert page.status_code == 200, path
        body = page.text
        for raw in ("<script>window", "<img src=x", '<img src="x"', "<b>cue"):
            assert raw not in body, (path, raw)
        assert "javascript:" not in body, path
    body = client.get(f"/alerts/{world.hostile}").text
    assert str(escape(XSS_TEXT)) in body  # shown as text, exactly as written
    assert str(escape(XSS_NAME)) in body and str(escape(XSS_HANDLE)) in body
    assert "link withheld" in body and "&lt;b&gt;cue&lt;/b&gt;" in body
    frustrated = client.get(f"/alerts/{world.frustrated}").text
    assert 'href="https://twitter.com/dana_w/status/1"' in frustrated


def test_security_headers_forbid_inline_script(app, world):
    client = signed_in(app, "viewer@example.com")
    for path in ("/", "/login", f"/alerts/{world.hostile}", "/api/alerts"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in client.get("/").text  # only <script src=...> from /static
    assert "style=" not in client.get(f"/alerts/{world.frustrated}").text


def test_alert_page_shows_customer_tenure_handles_arc_and_trail(app, world):
    client = signed_in(app, "viewer@example.com")
    page = client.get(f"/alerts/{world.frustrated}").text
    for expected in ("Dana Whitfield", "Northwind Traders", "2019-03-01", "@dana_w", "@DanaW", "declining",
                     "repeat contact", "waiting", "Audit trail", "opened", 'class="arc-chart"', "<circle"):
        assert expected in page, expected
    assert page.count('class="mention ') == 3
    assert client.get("/alerts/99999").status_code == 404
    spike = client.get(f"/alerts/{world.spike}").text
    assert "The brand" in spike and 'class="arc-chart"' not in spike


def test_queue_filters(app, world):
    client = signed_in(app, "admin@example.com")
    ids = lambda q: [int(i) for i in re.findall(r'<tr data-id="(\d+)"', client.get("/" + q).text)]
    assert ids("") == [world.hostile, world.frustrated, world.lead, world.spike]  # most severe first
    assert ids("?severity=critical") == [world.hostile]
    assert ids("?rule=buying-intent") == [world.lead]
    assert ids("?status=claimed") == []
    client.post(f"/alerts/{world.spike}/claim", data={"csrf_token": csrf_of(client)})
    assert ids("?assignee=me") == [world.spike]
    assert ids("?assignee=admin%40example.com&status=claimed") == [world.spike]
    assert ids("?assignee=manager%40example.com") == []
    assert client.get("/?status=bogus").status_code == 400


def test_search_is_literal_and_finds_customers_and_handles(app, world):
    client = signed_in(app, "viewer@example.com")
    assert "Dana Whitfield" in client.get("/search?q=whitf").text
    assert "/authors/" in client.get("/search?q=@ops_lena").text
    for q in ("%", "Dana_Whitfield", "' OR '1'='1", "\\"):  # _ and % are literal here
        r = client.get("/search", params={"q": q})
        assert r.status_code == 200 and "No customers match." in r.text, q


def test_api_with_bearer_token(app, world):
    engine = app.state.engine
    token = users.new_token(engine, "viewer@example.com")
    api = TestClient(app)
    r = api.get("/api/alerts", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    rows = r.json()
    assert [row["id"] for row in rows] == [world.hostile, world.frustrated, world.lead, world.spike]
    assert {"id", "rule", "customer_id", "author", "severity", "status", "assignee", "created_at"} <= set(rows[0])
    lead = next(row for row in rows if row["id"] == world.lead)
    assert lead["customer_id"] is None and lead["author"] == "ops_lena"
    r = api.get(f"/api/alerts/{world.frustrated}", headers={"Authorization": f"Bearer {token}"})
    assert r.json()["alert"]["customer_id"] == "C-1001" and len(r.json()["mentions"]) == 3
    assert api.get("/api/alerts?rule=volume-spike", headers={"Authorization": f"Bearer {token}"}).json()[0][
        "id"] == world.spike
    assert api.get("/api/alerts?status=nope", headers={"Authorization": f"Bearer {token}"}).status_code == 400
    assert api.get("/api/alerts/424242", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    for bad in (f"Bearer {token}x", "Bearer ", f"Basic {token}", "Bearer aw_guess"):
        assert api.get("/api/alerts", headers={"Authorization": bad}).status_code == 401, bad
    # A token opens the API only: it is not a way into the pages, nor a way to act.
    assert api.get("/", headers={"Authorization": f"Bearer {token}"}, follow_redirects=False).status_code == 303
    users.set_disabled(engine, "viewer@example.com", True)
    assert api.get("/api/alerts", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_api_with_session(app, world):
    client = signed_in(app, "manager@example.com")
    assert len(client.get("/api/alerts?status=all").json()) == 4


def test_sessions_survive_a_restart_only_with_a_configured_key(engine, world, monkeypatch):
    monkeypatch.setenv("ARCWATCH_TEST_KEY", "k" * 48)
    config = load_config(data={"web": {"secret_key_env": "ARCWATCH_TEST_KEY"}})
    first = TestClient(create_app(engine, config))
    assert login(first, "viewer@example.com").status_code == 303
    second = TestClient(create_app(engine, config), cookies=first.cookies)
    assert second.get("/", follow_redirects=False).status_code == 200
    random_key = TestClient(make_app(engine, monkeypatch), cookies=first.cookies)
    assert random_key.get("/", follow_redirects=False).status_code == 303


def test_arcwatch_serve_runs_the_app(cli_env, tmp_path):
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(cli_env, ARCWATCH_SECRET_KEY="s" * 48)
    proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"arcwatch serve did not come up:\n{proc.communicate()[0]}")
                time.sleep(0.2)
        assert r.status_code == 200 and "Sign in" in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 303
        assert httpx.get(f"http://127.0.0.1:{port}/api/alerts", timeout=5).status_code == 401
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "using a random key" not in out  # the key came from $ARCWATCH_SECRET_KEY
