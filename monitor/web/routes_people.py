"""A customer's page, an author's page, and the search over both."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor import alerts
from monitor.models import utcnow
from monitor.web import views
from monitor.web.auth import account_of
from monitor.web.chart import arc_chart

CHART_DAYS = 90


def _arc(conn, subject: str):
    arc = views.arc_summary(conn, subject)
    days, end = views.daily_means(conn, subject, end=utcnow().date(), days=CHART_DAYS)
    markers = [(arc.change_point, "change")] if arc and arc.change_point else []
    return arc, arc_chart(days, end=end, span=CHART_DAYS, markers=markers)


def customer_page(request: Request) -> Response:
    """GET /customers/{id}: the customer, their handles and tenure, arc, alerts and latest mentions."""
    account_of(request)
    customer_id = request.path_params["customer_id"]
    engine = request.app.state.engine
    with engine.connect() as conn:
        customer = views.customer_card(conn, customer_id)
        if customer is None:
            raise HTTPException(404, "There is no such customer.")
        arc, chart = _arc(conn, f"c:{customer_id}")
        mentions = views.customer_mentions(conn, customer_id)
    found = alerts.list_alerts(engine, status="all", customer_id=customer_id, limit=100)
    context = {"customer": customer, "arc": arc, "chart": chart, "mentions": mentions, "alerts": found,
               "now": utcnow()}
    return request.app.state.templates.TemplateResponse(request, "customer.html", context)


def author_page(request: Request) -> Response:
    """GET /authors/{id}: a handle on one platform, its arc and its latest mentions."""
    account_of(request)
    author_id = request.path_params["author_id"]
    with request.app.state.engine.connect() as conn:
        author = views.author_card(conn, author_id)
        if author is None:
            raise HTTPException(404, "There is no such author.")
        arc, chart = _arc(conn, f"a:{author_id}")
        mentions = views.author_mentions(conn, author_id)
    context = {"author": author, "arc": arc, "chart": chart, "mentions": mentions, "now": utcnow()}
    return request.app.state.templates.TemplateResponse(request, "author.html", context)


def search_page(request: Request) -> Response:
    """GET /search?q=: customers by id, name, account or email; authors by handle."""
    account_of(request)
    query = request.query_params.get("q", "")
    with request.app.state.engine.connect() as conn:
        results = views.search(conn, query)
    return request.app.state.templates.TemplateResponse(request, "search.html", {"results": results})


ROUTES = [
    Route("/customers/{customer_id:str}", customer_page, methods=["GET"]),
    Route("/authors/{author_id:int}", author_page, methods=["GET"]),
    Route("/search", search_page, methods=["GET"]),
]
