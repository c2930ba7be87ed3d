"""The web triage queue: a Starlette app over the alert lifecycle, with sessions, CSRF and roles."""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timezone
from pathlib import Path

import jinja2
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from monitor.settings import Config, secret_from_env
from monitor.web import auth, csrf, routes_alerts, routes_api, routes_people
from monitor.web.security import SecurityHeadersMiddleware, safe_url
from monitor.web.views import tenure_words

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
SESSION_COOKIE = "arcwatch_session"
SESSION_MAX_AGE = 7 * 86400


def secret_key(config: Config) -> str:
    """The session-signing key from the env var named by [web] secret_key_env, else a random one."""
    var = config.web.secret_key_env
    key = secret_from_env(var)
    if key:
        if len(key) < 32:
            log.warning("$%s is shorter than 32 characters; use a long random value", var)
        return key
    log.warning("$%s is not set: using a random key, so sessions will not survive a restart", var or "(none)")
    return secrets.token_urlsafe(48)


def _ago(value: datetime | None, now: datetime | None = None) -> str:
    """'3 h ago', '2 d ago', 'in 5 h': short relative times for the queue."""
    if value is None:
        return ""
    seconds = ((now or datetime.now(timezone.utc)) - value).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if abs(seconds) >= size:
            text = f"{int(abs(seconds) // size)} {unit}"
            return f"in {text}" if seconds < 0 else f"{text} ago"
    return "now"


def _when(value: datetime | None) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM UTC'."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _at(handle: str | None) -> str:
    """A handle with one leading @ (Mastodon handles already carry theirs)."""
    return "@" + (handle or "").lstrip("@")


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                             autoescape=True,  # every page shows hostile user text; escape everything, always
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(ago=_ago, when=_when, safe_url=safe_url, tenure=tenure_words, at=_at)
    return Jinja2Templates(env=env, context_processors=[_page_context])


def _page_context(request: Request) -> dict:
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    return {"account": getattr(request.state, "account", None), "csrf_token": csrf.token(request),
            "flash": flash, "path": request.url.path}


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html", {"status": exc.status_code, "message": exc.detail},
                                      status_code=exc.status_code, headers=exc.headers)


def create_app(engine: Engine, config: Config) -> Starlette:
    """The web app over this store, configured by [web] and [alerts]."""
    routes = [
        Route("/login", auth.login_page, methods=["GET"]),
        Route("/login", auth.login_submit, methods=["POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        *routes_alerts.ROUTES,
        *routes_people.ROUTES,
        *routes_api.ROUTES,
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(SessionMiddleware, secret_key=secret_key(config), session_cookie=SESSION_COOKIE,
                   max_age=SESSION_MAX_AGE, same_site="lax", https_only=bool(config.web.secure_cookies)),
        Middleware(auth.AuthMiddleware, engine=engine),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: _http_error})
    app.state.engine = engine
    app.state.config = config
    app.state.templates = _templates()
    return app
