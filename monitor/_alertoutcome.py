"""The outcome of a resolved alert: did the subject's sentiment recover within 30 days of resolution?

Recorded in Alert.outcome by every evaluation while the window is open ("pending") and once more when it
has closed ("final"); reports show it. Definition, per alert resolved at time R:
  * the window is (R, R + 30 days];
  * `mean_after` is the mean score of the subject's mentions in the window (all its linked handles);
  * `recovered` is true when there is at least one mention in the window, `mean_after` is not negative
    (> -0.05, VADER's neutral bound) and it is above the 30-day mean recorded when the alert was resolved;
    false when there are mentions and that does not hold; null when the subject said nothing (no evidence).
  * `outreach` is true when the resolution was "reached out": the case the reports' success rate is about.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.engine import Engine

from monitor.alerts import write_lock
from monitor.arcstore import subject_author_ids
from monitor.models import Alert, AlertEvent, Mention

WINDOW_DAYS = 30
NEUTRAL_FLOOR = -0.05
OUTREACH = "reached out"


def outcome_of(conn, row, now: datetime) -> dict:
    """The outcome of one resolved alert as of `now`."""
    end = row.resolved_at + timedelta(days=WINDOW_DAYS)
    upto = min(now, end)
    ids = subject_author_ids(conn, row.subject)
    m = Mention.__table__
    count, mean, negatives = 0, None, 0
    if ids:
        count, mean, negatives = conn.execute(
            select(func.count(), func.avg(m.c.score), func.sum(case((m.c.label == "negative", 1), else_=0)))
            .where(m.c.author_id.in_(ids), m.c.created_at > row.resolved_at, m.c.created_at <= upto,
                   m.c.deleted.is_(False))).one()
    facts = (row.evidence or {}).get("facts") or {}
    before = facts.get("mean_30d")
    recovered = None
    if count:
        mean = float(mean)
        recovered = mean > NEUTRAL_FLOOR and (before is None or mean > float(before))
    return {"status": "final" if now >= end else "pending", "window_days": WINDOW_DAYS,
            "window_end": end.isoformat(), "outreach": row.resolution == OUTREACH,
            "mentions_after": int(count or 0), "negative_after": int(negatives or 0),
            "mean_after": round(mean, 4) if mean is not None else None,
            "mean_30d_at_resolution": before, "level_at_resolution": facts.get("level"),
            "recovered": recovered, "evaluated_at": now.isoformat()}


def update_outcomes(engine: Engine, now: datetime) -> int:
    """Record the outcome of alerts resolved in the last 60 days whose outcome is not final; return how many."""
    a, e = Alert.__table__, AlertEvent.__table__
    changed = 0
    with engine.begin() as conn:
        write_lock(conn)
        rows = conn.execute(select(a).where(a.c.status == "resolved", a.c.resolved_at >= now - timedelta(days=60),
                                            a.c.resolved_at <= now, a.c.subject != "brand")
                            .order_by(a.c.id)).all()
        for row in rows:
            if (row.outcome or {}).get("status") == "final":
                continue
            outcome = outcome_of(conn, row, now)
            comparable = {k: v for k, v in outcome.items() if k != "evaluated_at"}
            if {k: v for k, v in (row.outcome or {}).items() if k != "evaluated_at"} == comparable:
                continue
            conn.execute(update(a).where(a.c.id == row.id).values(outcome=outcome))
            if outcome["status"] == "final":
                conn.execute(e.insert().values(alert_id=row.id, at=now, actor="arcwatch", kind="outcome",
                                               detail=outcome))
            changed += 1
    return changed
