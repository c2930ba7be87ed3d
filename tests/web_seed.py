"""A small, realistic triage world for the web tests, written straight into the store.

Rows go in through the real tables and alerts through monitor.alerts.raise_or_update, as the rules stage
would raise them. One customer is hostile: their name, handle and mention carry script payloads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert

from monitor import alerts, users
from monitor.models import ArcDaily, ArcState, Author, AuthorLink, Customer, Mention

PASSWORD = "correct horse battery"
XSS_TEXT = ('Cancelling today. <script>window.__pwned = "script"</script> '
            '<img src="x" onerror="window.__pwned = \'img\'"> your sync is broken again')
XSS_NAME = '<img src=x onerror="window.__pwned=\'name\'">Mallory & Co'
XSS_HANDLE = "<script>window.__pwned='handle'</script>"


@dataclass(frozen=True, kw_only=True)
class World:
    """Ids of what was seeded."""

    frustrated: int  # alert on a long-time customer with a declining arc
    hostile: int | None  # alert whose customer, handle and mention carry payloads
    lead: int  # buying-intent alert on a non-customer author
    spike: int  # brand volume spike
    now: datetime


def _author(conn, platform: str, handle: str, norm: str, now: datetime) -> int:
    return conn.execute(insert(Author.__table__).values(
        platform=platform, handle=handle, handle_norm=norm, first_seen=now - timedelta(days=400),
        last_seen=now).returning(Author.__table__.c.id)).scalar_one()


def _customer(conn, cid: str, name: str, since: date, handles: list[tuple[str, str]], now: datetime, **kw) -> None:
    conn.execute(insert(Customer.__table__).values(customer_id=cid, name=name, customer_since=since,
                                                   updated_at=now, **kw))
    for platform, norm in handles:
        conn.execute(insert(AuthorLink.__table__).values(customer_id=cid, platform=platform, handle_norm=norm,
                                                         origin="roster:test.csv", active=True, created_at=now))


def _mention(conn, author_id: int, platform: str, ext: str, at: datetime, text: str, score: float,
             cues: list[str] | None = None, url: str | None = None) -> int:
    label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    return conn.execute(insert(Mention.__table__).values(
        platform=platform, external_id=ext, author_id=author_id, source="test", created_at=at, fetched_at=at,
        text=text, url=url, compound=score, score=score, label=label, cues=cues or [],
        neg=max(0.0, -score), pos=max(0.0, score), neu=1 - abs(score)).returning(Mention.__table__.c.id)).scalar_one()


def _arc(conn, subject: str, customer_id: str | None, today: date, now: datetime, *, drop_from: int) -> None:
    """90 days of daily means: content until `drop_from` days ago, then sliding negative."""
    for back in range(89, -1, -1):
        if back % 3 == 1:
            continue  # quiet days, as real arcs have
        day = today - timedelta(days=back)
        mean = 0.45 + 0.1 * math.sin(back / 5) if back > drop_from else -0.2 - 0.5 * (drop_from - back) / drop_from
        count = 1 + (back % 4)
        conn.execute(insert(ArcDaily.__table__).values(subject=subject, day=day, total=mean * count, count=count,
                                                       negatives=count if mean < 0 else 0))
    conn.execute(insert(ArcState.__table__).values(
        subject=subject, customer_id=customer_id, trend="declining", level=-0.52, mean_30d=-0.41, mean_prior=0.43,
        slope=-0.011, negative_7d=4, negative_30d=11, mentions_30d=23, negative_days_30d=9,
        change_point=today - timedelta(days=drop_from),
        mentions=140, first_seen=now - timedelta(days=400), last_mention_at=now, updated_at=now))


def seed(engine, *, now: datetime | None = None, hostile: bool = True, extra: bool = False) -> World:
    """Users (admin, manager, viewer), customers, a lead and a brand spike, with their alerts.

    hostile=False leaves out the customer with script payloads (hostile is then None); extra=True adds three
    more realistic customers, one alert claimed by a colleague, for a queue that looks like a real morning."""
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    today = now.date()
    for email, role in (("admin@example.com", "admin"), ("manager@example.com", "manager"),
                        ("viewer@example.com", "viewer"), ("sam@example.com", "manager")):
        users.add_user(engine, email, role, PASSWORD)
    with engine.begin() as conn:
        _customer(conn, "C-1001", "Dana Whitfield", date(2019, 3, 1), [("twitter", "dana_w"), ("reddit", "danaw")],
                  now, account="Northwind Traders", tier="enterprise", owner="sam@example.com")
        dana_t = _author(conn, "twitter", "dana_w", "dana_w", now)
        dana_r = _author(conn, "reddit", "DanaW", "danaw", now)
        ids = [
            _mention(conn, dana_t, "twitter", "t1", now - timedelta(days=2, hours=3),
                     "Third week in a row the email sync drops tickets. Seven years with @Brightdesk and I'm done "
                     "waiting on support.", -0.71, ["repeat contact", "waiting"],
                     "https://twitter.com/dana_w/status/1"),
            _mention(conn, dana_r, "reddit", "r1", now - timedelta(days=5),
                     "Anyone else seeing Brightdesk SLA dashboard show zero for a week? Support ticket still open.",
                     -0.48, ["waiting"], "https://www.reddit.com/r/helpdesk/comments/abc/"),
            _mention(conn, dana_t, "twitter", "t2", now - timedelta(days=9),
                     "Still no fix for the routing bug. We pay for enterprise.", -0.55, ["unresolved issue"],
                     "https://twitter.com/dana_w/status/2"),
        ]
        _arc(conn, "c:C-1001", "C-1001", today, now, drop_from=30)
        if hostile:
            _customer(conn, "C-666", XSS_NAME, date(2020, 6, 1), [("twitter", "mallory")], now, tier="pro")
            mal = _author(conn, "twitter", XSS_HANDLE, "mallory", now)
            bad = _mention(conn, mal, "twitter", "x1", now - timedelta(days=1), XSS_TEXT, -0.8,
                           ["churn intent", "<b>cue</b>"], "javascript:window.__pwned='url'")
            _arc(conn, "c:C-666", "C-666", today, now, drop_from=20)
        lead = _author(conn, "mastodon", "ops_lena", "ops_lena", now)
        lead_m = _mention(conn, lead, "mastodon", "m1", now - timedelta(hours=6),
                          "We're leaving Zendesk. Any recommendations for a helpdesk with a decent API?", 0.1,
                          ["asks for alternatives"], "https://mastodon.social/@ops_lena/1")
        findings = [
            ("frustrated", alerts.Finding(
                rule="frustrated-long-time-customer", subject="c:C-1001", customer_id="C-1001", author_id=dana_t,
                severity="high", facts={"tenure_days": (today - date(2019, 3, 1)).days, "trend": "declining",
                                        "level": -0.52, "negative_30d": 11},
                mention_ids=tuple(ids), summary="7-year customer, arc declining since a month ago, 11 negative "
                "mentions in 30 days")),
            ("lead", alerts.Finding(
                rule="buying-intent", subject=f"a:{lead}", author_id=lead, severity="medium",
                facts={"rostered": False}, mention_ids=(lead_m,),
                summary="Non-customer asking for alternatives to Zendesk")),
            ("spike", alerts.Finding(
                rule="volume-spike", subject="brand", severity="low", facts={"volume_24h": 140, "z": 4.2},
                summary="140 mentions in 24 h against 31 ± 12 a day over 14 days (4.2σ)")),
        ]
        if hostile:
            findings.insert(1, ("hostile", alerts.Finding(
                rule="churn-intent", subject="c:C-666", customer_id="C-666", author_id=mal, severity="critical",
                facts={"cues": ["churn intent"]}, mention_ids=(bad,),
                summary='Churn cue: "Cancelling today" <script>window.__pwned="summary"</script>')))
        world: dict = {"hostile": None}
        for hours, (key, finding) in enumerate(findings, start=1):
            world[key] = alerts.raise_or_update(conn, finding, now=now - timedelta(hours=hours)).alert_id
        claimed = _extra(conn, today, now) if extra else None
    if claimed:
        alerts.claim(engine, claimed, "sam@example.com", now=now - timedelta(minutes=40))
    return World(now=now, **world)


_EXTRA = (
    ("C-1002", "Priya Raman", date(2017, 9, 12), "twitter", "priya_ops", "Lumen Health", "enterprise",
     "frustrated-long-time-customer", "high", "9-year customer, arc declining for 3 weeks, 8 negative mentions",
     "Brightdesk SSO login has failed for half our agents since Tuesday. Ticket #88213, no update in 4 days.",
     -0.62, ["waiting", "outage"]),
    ("C-1003", "Marco Bellini", date(2021, 1, 20), "reddit", "mbellini", "Contoso Foods", "pro",
     "churn-intent", "critical", "Says they will cancel at renewal and move to Freshdesk",
     "Honestly we're cancelling Brightdesk at renewal and moving to Freshdesk. Billing double-charged us again.",
     -0.77, ["churn intent", "billing issue"]),
    ("C-1004", "Hana Ito", date(2022, 5, 3), "bluesky", "hana.ito.bsky.social", "Tailspin Toys", "team",
     "frustrated-long-time-customer", "medium", "4-year customer, arc slipping, 5 negative mentions in 30 days",
     "The Brightdesk mobile app logs me out every few hours. Still waiting on a fix from support.",
     -0.41, ["waiting"]),
)


def _extra(conn, today: date, now: datetime) -> int:
    """Three more customers with alerts; returns the first one's alert id."""
    first = None
    for n, (cid, name, since, platform, handle, account, tier, rule, severity, summary, text, score, cues) in \
            enumerate(_EXTRA):
        _customer(conn, cid, name, since, [(platform, handle)], now, account=account, tier=tier)
        author = _author(conn, platform, handle, handle, now)
        mention = _mention(conn, author, platform, f"e{n}", now - timedelta(hours=10 + n * 7), text, score, cues,
                           f"https://example.com/{platform}/{handle}/1")
        _arc(conn, f"c:{cid}", cid, today, now, drop_from=21 + n * 3)
        raised = alerts.raise_or_update(conn, alerts.Finding(
            rule=rule, subject=f"c:{cid}", customer_id=cid, author_id=author, severity=severity,
            facts={"tenure_days": (today - since).days}, mention_ids=(mention,), summary=summary),
            now=now - timedelta(hours=5 + n * 9))
        first = first or raised.alert_id
    return first
