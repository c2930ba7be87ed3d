"""The queue, an alert's page, and the triage actions: a thin shell over monitor.alerts."""
from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor import alerts, users
from monitor.models import utcnow
from monitor.users import Account
from monitor.web import views
from monitor.web.auth import account_of, action
from monitor.web.routes_people import chart_of, profile_of
from monitor.web.security import safe_next

QUEUE_LIMIT = 500
STATUS_CHOICES = (("", "Unresolved"), ("open", "Open"), ("claimed", "Claimed"), ("snoozed", "Snoozed"),
                  ("resolved", "Resolved"), ("all", "All"))
SNOOZE_CHOICES = (("4h", "4 hours"), ("1d", "1 day"), ("3d", "3 days"), ("1w", "1 week"), ("2w", "2 weeks"))


def _filters(request: Request, account: Account) -> dict[str, str | None]:
    q = request.query_params
    assignee = (q.get("assignee") or "").strip() or None
    return {"status": (q.get("status") or "").strip() or None, "rule": (q.get("rule") or "").strip() or None,
            "severity": (q.get("severity") or "").strip() or None,
            "assignee": account.email if assignee == "me" else assignee}


def queue(request: Request) -> Response:
    """GET /: the alerts matching the filters, most severe first."""
    account = account_of(request)
    engine = request.app.state.engine
    filters = _filters(request, account)
    try:
        found = alerts.list_alerts(engine, **filters, limit=QUEUE_LIMIT + 1)
    except alerts.InvalidInput as exc:
        raise HTTPException(400, str(exc)) from None
    with engine.connect() as conn:
        rules = views.alert_rules(conn)
    assignees = sorted({u.email for u in users.list_users(engine) if u.role in users.ACTING_ROLES and not u.disabled}
                       | {a.assignee for a in found if a.assignee})
    context = {"alerts": found[:QUEUE_LIMIT], "truncated": len(found) > QUEUE_LIMIT, "now": utcnow(),
               "filters": {k: request.query_params.get(k, "") for k in ("status", "rule", "severity", "assignee")},
               "status_choices": STATUS_CHOICES, "severities": alerts.SEVERITIES, "rules": rules,
               "assignees": assignees, "reasons": request.app.state.config.alerts.resolution_reasons,
               "here": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
    return request.app.state.templates.TemplateResponse(request, "queue.html", context)


def _detail(request: Request) -> alerts.AlertDetail:
    try:
        return alerts.get_alert(request.app.state.engine, request.path_params["alert_id"])
    except alerts.AlertNotFound:
        raise HTTPException(404, f"There is no alert #{request.path_params['alert_id']}.") from None


def alert_page(request: Request) -> Response:
    """GET /alerts/{id}: who, why, the arc, the evidence, the audit trail and the actions."""
    account_of(request)
    detail = _detail(request)
    view = detail.alert
    profile = profile_of(request, view.subject, mentions=0) if view.subject != "brand" else None
    with request.app.state.engine.connect() as conn:
        fields = views.customer_fields(conn, view.customer_id) if view.customer_id else None
        author = views.author_card(conn, view.author_id) if view.author_id is not None else None
    chart = chart_of(profile, [(view.created_at.date(), "alert")]) if profile else None
    context = {"detail": detail, "alert": view, "customer": fields, "author": author, "profile": profile,
               "chart": chart, "reasons": request.app.state.config.alerts.resolution_reasons,
               "snooze_choices": SNOOZE_CHOICES, "now": utcnow(), "here": request.url.path}
    return request.app.state.templates.TemplateResponse(request, "alert.html", context)


def _done(request: Request, form: FormData, message: str, *, error: bool = False) -> Response:
    request.session["flash"] = {"text": message, "error": error}
    default = f"/alerts/{request.path_params['alert_id']}"
    return RedirectResponse(safe_next(str(form.get("next") or ""), default), status_code=303)


def _run(request: Request, form: FormData, done: str, fn, *args, **kwargs) -> Response:
    """Apply one lifecycle action; its refusals become a message on the page, not an error page."""
    alert_id = request.path_params["alert_id"]
    try:
        fn(request.app.state.engine, alert_id, *args, **kwargs)
    except alerts.AlertNotFound:
        raise HTTPException(404, f"There is no alert #{alert_id}.") from None
    except alerts.AlertError as exc:
        return _done(request, form, f"Alert #{alert_id}: {exc}", error=True)
    return _done(request, form, f"Alert #{alert_id} {done}.")


@action
def claim(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/claim"""
    return _run(request, form, f"claimed by {account.email}", alerts.claim, account.email)


@action
def release(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/release"""
    return _run(request, form, "handed back to the queue", alerts.release, account.email)


@action
def note(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/note"""
    return _run(request, form, "has a new note", alerts.add_note, account.email, str(form.get("text") or ""))


@action
def snooze(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/snooze: for a preset duration or until a time (ISO, UTC unless it says otherwise)."""
    try:
        until = alerts.parse_until(str(form.get("until") or form.get("for") or ""))
    except alerts.AlertError as exc:
        return _done(request, form, str(exc), error=True)
    if until - utcnow() > timedelta(days=366):
        return _done(request, form, "Snooze for at most a year.", error=True)
    return _run(request, form, f"snoozed until {until:%Y-%m-%d %H:%M} UTC", alerts.snooze, account.email, until)


@action
def resolve(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/resolve with a reason from [alerts] resolution_reasons and an optional note."""
    reasons = request.app.state.config.alerts.resolution_reasons
    reason = str(form.get("reason") or "")
    return _run(request, form, f"resolved ({reason})", alerts.resolve, account.email, reason, reasons=reasons,
                note=str(form.get("note") or "") or None)


@action
def reopen(request: Request, form: FormData, account: Account) -> Response:
    """POST /alerts/{id}/reopen"""
    return _run(request, form, "reopened", alerts.reopen, account.email)


ROUTES = [
    Route("/", queue, methods=["GET"]),
    Route("/alerts/{alert_id:int}", alert_page, methods=["GET"]),
    *(Route(f"/alerts/{{alert_id:int}}/{fn.__name__}", fn, methods=["POST"])
      for fn in (claim, release, note, snooze, resolve, reopen)),
]
