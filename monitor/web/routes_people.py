"""A customer's page, an author's page, and the search over both: a thin shell over the customer profile."""
from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor import alerts, pipeline
from monitor.arcstore import recent_mentions
from monitor.models import utcnow
from monitor.web import views
from monitor.web.auth import account_of
from monitor.web.chart import Chart, arc_chart

MENTIONS = 25


def profile_of(request: Request, subject: str, *, mentions: int = MENTIONS):
    """The CustomerProfile of 'c:ID' or 'a:ID' (handles, tenure, arc, daily series, mentions), or None."""
    app = request.app
    return pipeline.customer_profile(app.state.engine, app.state.config, subject, mentions=mentions)


def chart_of(profile, markers=()) -> Chart:
    """The arc chart of a profile's daily series."""
    arc = profile.who.arc
    marks = list(markers) + ([(arc.change_point, "change")] if arc and arc.change_point else [])
    return arc_chart(profile.daily, end=profile.end, span=profile.window_days, markers=marks)


def customer_page(request: Request) -> Response:
    """GET /customers/{id}: the customer, their handles and tenure, arc, alerts and latest mentions."""
    account_of(request)
    customer_id = request.path_params["customer_id"]
    engine = request.app.state.engine
    with engine.connect() as conn:
        fields = views.customer_fields(conn, customer_id)
    profile = profile_of(request, f"c:{customer_id}") if fields else None
    if profile is None:
        raise HTTPException(404, "There is no such customer.")
    found = alerts.list_alerts(engine, status="all", customer_id=customer_id, limit=100)
    context = {"customer": fields, "profile": profile, "chart": chart_of(profile), "alerts": found,
               "now": utcnow()}
    return request.app.state.templates.TemplateResponse(request, "customer.html", context)


def author_page(request: Request) -> Response:
    """GET /authors/{id}: an unlinked author's arc and mentions; a linked one's page is their customer's."""
    account_of(request)
    author_id = request.path_params["author_id"]
    with request.app.state.engine.connect() as conn:
        author = views.author_card(conn, author_id)
        if author is None:
            raise HTTPException(404, "There is no such author.")
        if author.customer_id:  # the customer's arc is the arc of all their handles
            return RedirectResponse(f"/customers/{quote(author.customer_id, safe='')}", status_code=303)
        profile = profile_of(request, f"a:{author_id}")
        mentions = profile.mentions if profile else tuple(recent_mentions(conn, f"a:{author_id}", limit=MENTIONS))
    context = {"author": author, "profile": profile, "chart": chart_of(profile) if profile else None,
               "mentions": mentions, "now": utcnow()}
    return request.app.state.templates.TemplateResponse(request, "author.html", context)


def search_page(request: Request) -> Response:
    """GET /search?q=: customers by id, name, account or email; authors by handle."""
    account_of(request)
    with request.app.state.engine.connect() as conn:
        results = views.search(conn, request.query_params.get("q", ""))
    return request.app.state.templates.TemplateResponse(request, "search.html", {"results": results})


ROUTES = [
    Route("/customers/{customer_id:str}", customer_page, methods=["GET"]),
    Route("/authors/{author_id:int}", author_page, methods=["GET"]),
    Route("/search", search_page, methods=["GET"]),
]
