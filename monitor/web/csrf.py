"""CSRF protection: one random token per session, required on every state-changing request."""
from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def token(request: Request) -> str:
    """This session's CSRF token, created on first use."""
    value = request.session.get(SESSION_KEY)
    if not value:
        value = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = value
    return value


def rotate(request: Request) -> str:
    """A fresh token, e.g. after login, so a token seen before login is worthless after it."""
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return request.session[SESSION_KEY]


def valid(request: Request, submitted: object) -> bool:
    """True when the submitted token (form field or header) matches the session's."""
    expected = request.session.get(SESSION_KEY)
    if not expected:
        return False
    candidates = [submitted, request.headers.get(HEADER)]
    return any(isinstance(c, str) and c and hmac.compare_digest(c.encode(), expected.encode())
               for c in candidates)
