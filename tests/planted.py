"""A planted, deterministic store for digest and report tests: mentions over 70 days on five platforms,
customers with arcs, alerts in every state, a failing source, and hostile text in mentions and names."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select

from monitor.models import (Alert, ArcDaily, ArcState, Author, AuthorLink, Customer, Mention, SourceState)
from monitor.types import label_for

NOW = datetime(2026, 3, 15, 8, 30, tzinfo=timezone.utc)
DAY = date(2026, 3, 14)  # the digest's default day at NOW (UTC)
HOSTILE_TEXT = "<script>alert('pwned')</script> refund me <img src=x onerror=alert(2)> NOW"
HOSTILE_AUTHOR = "<img src=x onerror=alert(1)>"
HOSTILE_CUSTOMER = "Evil \"><script>alert(3)</script> Corp"

NEGATIVE = ["Been waiting 9 days for a reply from support, still nothing",
            "Support closed my ticket without fixing anything. Reopened it. Again.",
            "The app keeps crashing after the update, sync error every time",
            "Looking for alternatives, our contract ends in June",
            "Charged twice this month and billing support never answers",
            "Third time asking: when will the sync error be fixed?"]
POSITIVE = ["Thank you so much, great support today, fixed in minutes",
            "Love the new dashboard, great work team",
            "Support was quick and friendly, problem solved",
            "The new release is fast and the export finally works, love it"]
NEUTRAL = ["Does anyone know how to export reports to CSV?", "New version is out today",
           "Switching my workspace to the new plan next week"]
PLATFORMS = ("twitter", "reddit", "mastodon", "discourse", "bluesky")


@dataclass(frozen=True)
class Planted:
    """Ids of the interesting planted rows."""

    hostile_mention_id: int
    declining_customer: str
    alert_ids: dict


def _mention(rng, i, platform, author_id, at, kind) -> dict:
    text = rng.choice({"neg": NEGATIVE, "pos": POSITIVE, "neu": NEUTRAL}[kind])
    base = {"neg": -0.6, "pos": 0.65, "neu": 0.0}[kind]
    score = max(-1.0, min(1.0, base + rng.uniform(-0.3, 0.3)))
    cues = None
    if kind == "neg":
        cues = ["waiting", "repeat contact"] if ("waiting" in text or "Again" in text) else ["outage/bug"]
    return {"platform": platform, "external_id": f"{platform}-{i}", "author_id": author_id, "source": "test",
            "created_at": at, "fetched_at": at, "text": f"{text} #{i}", "url": f"https://{platform}.example/p/{i}",
            "compound": score, "pos": 0.0, "neu": 0.0, "neg": 0.0, "score": round(score, 4),
            "label": label_for(score), "cues": cues, "deleted": False}


def plant(engine) -> Planted:
    """Fill an empty migrated store; return the planted ids."""
    rng = random.Random(42)
    with engine.begin() as conn:
        authors = []
        for n in range(40):
            platform = PLATFORMS[n % len(PLATFORMS)]
            handle = HOSTILE_AUTHOR if n == 7 else f"user{n}"
            authors.append(conn.execute(insert(Author.__table__).values(
                platform=platform, handle=handle, handle_norm=handle.lower(), first_seen=NOW - timedelta(days=400))
                .returning(Author.__table__.c.id)).scalar_one())
        customers = [("C1", "Dana Whitfield", 0), ("C2", HOSTILE_CUSTOMER, 1), ("C3", "Priya Natarajan", 2)]
        for cid, name, idx in customers:
            conn.execute(insert(Customer.__table__).values(customer_id=cid, name=name,
                                                           customer_since=date(2019, 5, 1)))
            conn.execute(insert(AuthorLink.__table__).values(
                customer_id=cid, platform=PLATFORMS[idx % 5], handle_norm=f"user{idx}", origin="roster:test",
                created_at=NOW - timedelta(days=300)))
        rows, i = [], 0
        for d in range(70, 0, -1):
            day_start = datetime.combine(NOW.date() - timedelta(days=d), datetime.min.time(), timezone.utc)
            volume = 30 + rng.randint(0, 15) + (25 if d <= 7 else 0)
            for _ in range(volume):
                i += 1
                a = rng.randrange(len(authors))
                neg_p = 0.25 + (0.2 if d <= 7 else 0)
                if a == 0:  # C1 (Dana) declines in the last 30 days
                    neg_p = 0.85 if d <= 30 else 0.05
                kind = "neg" if rng.random() < neg_p else ("pos" if rng.random() < 0.6 else "neu")
                at = day_start + timedelta(seconds=rng.randrange(86400))
                rows.append(_mention(rng, i, PLATFORMS[a % 5], authors[a], at, kind))
        hostile = _mention(rng, i + 1, "twitter", authors[7], NOW - timedelta(hours=20), "neg")
        hostile.update(text=HOSTILE_TEXT, score=-0.99, compound=-0.99, label="negative", url="javascript:alert(4)",
                       cues=["<b>cue</b>"])
        rows.append(hostile)
        rows.append({**_mention(rng, i + 2, "reddit", authors[3], NOW - timedelta(hours=21), "neg"),
                     "deleted": True, "text": "", "score": -1.0, "label": "negative"})
        conn.execute(insert(Mention.__table__), rows)
        hostile_id = conn.execute(select(Mention.__table__.c.id).where(
            Mention.__table__.c.external_id == hostile["external_id"])).scalar_one()
        _arcs(conn, rows, authors, customers)
        alert_ids = _alerts(conn, authors)
        conn.execute(insert(SourceState.__table__).values(
            name="reddit-brand", kind="reddit", last_error="HTTP 503 <html>Service Unavailable</html>",
            consecutive_failures=4, last_success=NOW - timedelta(days=2), fetched_total=10, last_fetched=0))
        conn.execute(insert(SourceState.__table__).values(name="rss-blog", kind="rss", consecutive_failures=0,
                                                          fetched_total=5, last_fetched=1))
    return Planted(hostile_mention_id=hostile_id, declining_customer="C1", alert_ids=alert_ids)


def _arcs(conn, rows, authors, customers) -> None:
    daily = defaultdict(lambda: [0.0, 0, 0])
    customer_of = {authors[idx]: cid for cid, _, idx in customers}
    for r in rows:
        if r["deleted"]:
            continue
        subjects = [f"a:{r['author_id']}"] + ([f"c:{customer_of[r['author_id']]}"] if r["author_id"] in customer_of
                                              else [])
        for s in subjects:
            cell = daily[(s, r["created_at"].date())]
            cell[0] += r["score"]
            cell[1] += 1
            cell[2] += r["label"] == "negative"
    conn.execute(insert(ArcDaily.__table__), [{"subject": s, "day": d, "total": v[0], "count": v[1], "negatives": v[2]}
                                              for (s, d), v in daily.items()])
    conn.execute(insert(ArcState.__table__), [
        {"subject": "c:C1", "customer_id": "C1", "trend": "declining", "level": -0.45, "mean_30d": -0.42,
         "mean_prior": 0.38, "slope": -0.02, "negative_7d": 4, "negative_30d": 17,
         "change_point": DAY - timedelta(days=3), "mentions": 40, "updated_at": NOW},
        {"subject": "c:C2", "customer_id": "C2", "trend": "declining", "level": -0.2, "mean_30d": -0.1,
         "mean_prior": 0.1, "slope": -0.01, "negative_7d": 1, "negative_30d": 5,
         "change_point": DAY - timedelta(days=1), "mentions": 30, "updated_at": NOW},
        {"subject": "c:C3", "customer_id": "C3", "trend": "stable", "level": 0.1, "mean_30d": 0.1, "mean_prior": 0.1,
         "slope": 0.0, "negative_7d": 0, "negative_30d": 2, "change_point": None, "mentions": 30,
         "updated_at": NOW},
    ])


def _alerts(conn, authors) -> dict:
    t = Alert.__table__
    specs = {
        "new_critical": dict(rule="churn-intent", subject="c:C2", customer_id="C2", severity="critical", status="open",
                             created_at=NOW - timedelta(hours=20)),
        "open_high": dict(rule="frustrated-long-time-customer", subject="c:C1", customer_id="C1", severity="high",
                          status="claimed", assignee="sam@example.com", created_at=NOW - timedelta(days=5),
                          first_action_at=NOW - timedelta(days=5) + timedelta(hours=3)),
        "resolved_outreach": dict(rule="frustrated-long-time-customer", subject="c:C3", customer_id="C3",
                                  severity="high", status="resolved", resolution="reached out",
                                  created_at=NOW - timedelta(days=20), first_action_at=NOW - timedelta(days=19),
                                  resolved_at=NOW - timedelta(days=3),
                                  outcome={"status": "pending", "recovered": True, "outreach": True}),
        "resolved_own": dict(rule="frustrated-long-time-customer", subject=f"a:{authors[5]}", severity="medium",
                             status="resolved", resolution="recovered on its own", created_at=NOW - timedelta(days=25),
                             first_action_at=NOW - timedelta(days=24), resolved_at=NOW - timedelta(days=2)),
        "false_positive": dict(rule="churn-intent", subject=f"a:{authors[6]}", severity="low", status="resolved",
                               resolution="false positive", created_at=NOW - timedelta(days=10),
                               resolved_at=NOW - timedelta(days=9), first_action_at=NOW - timedelta(days=9)),
        "old_prior": dict(rule="churn-intent", subject=f"a:{authors[8]}", severity="medium", status="resolved",
                          resolution="reached out", created_at=NOW - timedelta(days=45),
                          first_action_at=NOW - timedelta(days=44, hours=12), resolved_at=NOW - timedelta(days=40)),
    }
    ids = {}
    for key, spec in specs.items():
        spec.setdefault("updated_at", spec["created_at"])
        ids[key] = conn.execute(insert(t).values(**spec).returning(t.c.id)).scalar_one()
    return ids
