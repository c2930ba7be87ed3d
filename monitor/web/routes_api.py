"""The JSON API: /api/alerts and /api/alerts/{id}, behind the same login (session or Bearer token)."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from monitor import alerts
from monitor.web.auth import account_of

API_LIMIT = 1000


def api_alerts(request: Request) -> Response:
    """GET /api/alerts?status=&rule=&severity=&assignee=&limit=: alerts as JSON (unresolved by default)."""
    account_of(request)
    q = request.query_params
    try:
        limit = min(int(q.get("limit") or API_LIMIT), API_LIMIT)
        if limit < 1:
            raise ValueError
    except ValueError:
        raise HTTPException(400, f"limit must be an integer from 1 to {API_LIMIT}") from None
    try:
        found = alerts.list_alerts(request.app.state.engine, status=q.get("status") or None,
                                   rule=q.get("rule") or None, severity=q.get("severity") or None,
                                   assignee=q.get("assignee") or None, limit=limit)
    except alerts.InvalidInput as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse([a.as_json() for a in found])


def api_alert(request: Request) -> Response:
    """GET /api/alerts/{id}: one alert with its evidence, arc snapshot and audit trail."""
    account_of(request)
    try:
        detail = alerts.get_alert(request.app.state.engine, request.path_params["alert_id"])
    except alerts.AlertNotFound:
        raise HTTPException(404, "no such alert") from None
    return JSONResponse(detail.as_json())


ROUTES = [
    Route("/api/alerts", api_alerts, methods=["GET"]),
    Route("/api/alerts/{alert_id:int}", api_alert, methods=["GET"]),
]
