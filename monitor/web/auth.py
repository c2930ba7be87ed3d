"""Who is asking: session or API-token login on every route, the login form, and the acting-role gate."""
from __future__ import annotations

import functools
import logging
from typing import Awaitable, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from monitor import users
from monitor.users import Account
from monitor.web import csrf
from monitor.web.security import safe_next

log = logging.getLogger(__name__)
SESSION_USER = "uid"
PUBLIC_PATHS = frozenset({"/login"})
PUBLIC_PREFIXES = ("/static/",)  # CSS and JS must load on the login page
MAX_FORM_FIELD = 20_000  # characters; notes are short, anything bigger is an error or an attack


def is_public(path: str) -> bool:
    """True for the few paths anyone may fetch without logging in."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class AuthMiddleware:
    """Puts the signed-in Account (or None) on request.state.account; refuses anonymous non-public requests."""

    def __init__(self, app: ASGIApp, engine):
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = scope["path"]
        account, bad_token = await self._account(request, path)
        scope.setdefault("state", {})["account"] = account
        if account is None and (bad_token or not is_public(path)):
            await self._refuse(request, path)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _account(self, request: Request, path: str) -> tuple[Account | None, bool]:
        header = request.headers.get("authorization", "")
        if header and path.startswith("/api/"):
            scheme, _, value = header.partition(" ")
            if scheme.lower() != "bearer":
                return None, True
            account = await run_in_threadpool(users.account_for_token, self.engine, value.strip())
            return account, account is None
        uid = request.session.get(SESSION_USER)
        if isinstance(uid, int):
            account = await run_in_threadpool(users.account_by_id, self.engine, uid)
            if account is None:  # user deleted or disabled since: end the session
                request.session.clear()
            return account, False
        return None, False

    @staticmethod
    def _refuse(request: Request, path: str) -> Response:
        if path.startswith("/api/"):
            return JSONResponse({"error": "authentication required"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer realm="arcwatch"'})
        target = path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def account_of(request: Request) -> Account:
    """The signed-in account; the middleware guarantees one on every non-public route."""
    account = request.state.account
    if account is None:
        raise HTTPException(401, "login required")
    return account


Handler = Callable[[Request, FormData, Account], Response]


def action(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a state-changing POST handler: checks the CSRF token, then the acting role, then runs it."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        account = account_of(request)
        form = await request.form(max_files=0, max_fields=50)
        if not csrf.valid(request, form.get(csrf.FORM_FIELD)):
            log.warning("refused %s %s by %s: missing or wrong CSRF token", request.method,
                        request.url.path, account.email)
            raise HTTPException(403, "This form has expired or did not come from Arcwatch. "
                                     "Reload the page and try again.")
        if not account.can_act:
            raise HTTPException(403, f"Your role ({account.role}) can read the queue but not act on it.")
        if any(isinstance(v, str) and len(v) > MAX_FORM_FIELD for v in form.values()):
            raise HTTPException(413, "A field is too long.")
        return await run_in_threadpool(handler, request, form, account)

    return endpoint


def client_address(request: Request) -> str:
    """The client's address as seen by the server (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


async def login_page(request: Request) -> Response:
    """GET /login: the sign-in form."""
    if request.state.account is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return render_login(request)


def render_login(request: Request, error: str | None = None, status: int = 200, email: str = "") -> Response:
    """The login page with an optional error."""
    templates = request.app.state.templates
    context = {"error": error, "email": email, "next": safe_next(request.query_params.get("next"))}
    return templates.TemplateResponse(request, "login.html", context, status_code=status)


async def login_submit(request: Request) -> Response:
    """POST /login: check the CSRF token, the rate limit and the password; start a fresh session."""
    form = await request.form(max_files=0, max_fields=10)
    if not csrf.valid(request, form.get(csrf.FORM_FIELD)):
        return render_login(request, "The sign-in form expired. Please try again.", 403)
    email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))
    engine = request.app.state.engine
    result = await run_in_threadpool(users.login, engine, email, password, client_address(request))
    if result.limited:
        log.warning("login rate limit hit for %s from %s", users.normalise_email(email), client_address(request))
        return render_login(request, "Too many failed sign-ins. Wait 15 minutes and try again.", 429, email)
    if result.account is None:
        return render_login(request, "Wrong email or password.", 401, email)
    request.session.clear()  # no session fixation: nothing from before the login survives it
    request.session[SESSION_USER] = result.account.id
    csrf.rotate(request)
    log.info("%s signed in", result.account.email)
    return RedirectResponse(safe_next(str(form.get("next", "")) or None), status_code=303)


async def logout(request: Request) -> Response:
    """POST /logout: end the session (CSRF-checked, so no one can sign you out from another site)."""
    form = await request.form(max_files=0, max_fields=5)
    if not csrf.valid(request, form.get(csrf.FORM_FIELD)):
        raise HTTPException(403, "This form has expired. Reload the page and try again.")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
