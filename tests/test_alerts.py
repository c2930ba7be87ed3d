"""The alert lifecycle: dedupe, cooldown, snooze reopening, the audit trail and outcomes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from monitor import alerts
from monitor._alertoutcome import update_outcomes
from monitor.models import Alert, AlertEvent
from monitor.ruleeval import run_rules
from monitor.settings import load_config
from rules.loader import RuleSet, load_rules
from tests.alertdata import NOW, add_author, add_customer, add_mention, frustrated_customer, link, set_arc

CONFIG = load_config(data={})
CHURN_ONLY = RuleSet(source="default", rules=(load_rules().get("churn-intent"),))


def _churner(conn, cid: str = "C1", handle: str = "leaver") -> int:
    add_customer(conn, cid, since=date(2018, 5, 1), name="Jane <Leaver>")
    author = add_author(conn, handle)
    link(conn, cid, handle)
    return author


def _count(engine, table, **where) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(table.__table__)
        for key, value in where.items():
            query = query.where(table.__table__.c[key] == value)
        return conn.execute(query).scalar_one()


def _kinds(engine, alert_id: int) -> list[str]:
    return [e.kind for e in alerts.get_alert(engine, alert_id).events]


def test_alert_carries_rule_subject_evidence_and_arc(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    assert (view.rule, view.customer_id, view.author, view.severity, view.status) == \
        ("frustrated-long-time-customer", "C1", "longtimer", "high", "open")
    detail = alerts.get_alert(engine, view.id)
    assert len(detail.mentions) == 3 and all(m.label == "negative" for m in detail.mentions)
    assert detail.mentions[0].created_at > detail.mentions[-1].created_at  # newest first
    assert detail.arc["trend"] == "declining" and detail.arc["level"] == -0.4
    assert detail.facts["tenure_days"] > 365 and "arc declining" in view.summary and "-year customer" in view.summary
    assert [e.kind for e in detail.events] == ["opened", "notify_queued"]  # high >= notify_min_severity


def test_rerun_without_new_data_adds_nothing(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    again = run_rules(engine, CONFIG, NOW + timedelta(minutes=10))
    assert again.actions == {} and again.subjects == 0  # nothing touched: cost tracks new data
    assert _count(engine, Alert) == 1


def test_worsening_subject_updates_its_open_alert(engine):
    with engine.begin() as conn:
        author = _churner(conn)
        add_mention(conn, author, NOW - timedelta(hours=5), cues=["churn_intent"], text="thinking of cancelling")
    run_rules(engine, CONFIG, NOW)
    [first] = alerts.list_alerts(engine)
    alerts.claim(engine, first.id, "sam", now=NOW + timedelta(minutes=1))
    with engine.begin() as conn:
        second = add_mention(conn, author, NOW + timedelta(hours=1), cues=["churn_intent"], text="cancelled.")
    run = run_rules(engine, CONFIG, NOW + timedelta(hours=2))
    assert run.actions == {"updated": 1}
    [view] = alerts.list_alerts(engine)
    assert view.id == first.id and view.status == "claimed" and view.assignee == "sam"
    detail = alerts.get_alert(engine, view.id)
    assert detail.mentions[0].id == second and len(detail.mentions) == 2
    assert _kinds(engine, view.id)[-1] == "updated"


def test_resolved_alert_is_not_reraised_within_cooldown_unless_clearly_worse(engine):
    with engine.begin() as conn:
        author = _churner(conn)
        add_mention(conn, author, NOW - timedelta(hours=5), cues=["churn_intent"])
        set_arc(conn, "c:C1", trend="declining", level=-0.2, mean_30d=-0.2, negative_30d=2, negative_days_30d=2)
    run_rules(engine, CONFIG, ruleset=CHURN_ONLY, now=NOW)
    [first] = alerts.list_alerts(engine)
    alerts.resolve(engine, first.id, "sam", "reached out", now=NOW + timedelta(hours=1))
    # Another churn mention, a week later (cooldown is 30 d): a little worse, not clearly worse.
    with engine.begin() as conn:
        add_mention(conn, author, NOW + timedelta(days=7), cues=["churn_intent"])
        set_arc(conn, "c:C1", trend="declining", level=-0.3, mean_30d=-0.25, negative_30d=3, negative_days_30d=3,
                updated_at=NOW + timedelta(days=7))
    run = run_rules(engine, CONFIG, ruleset=CHURN_ONLY, now=NOW + timedelta(days=7, hours=1))
    assert run.actions == {"suppressed": 1} and _count(engine, Alert) == 1
    # Clearly worse: negatives doubled (3 -> 6, +3) and the level fell 0.3 further.
    with engine.begin() as conn:
        add_mention(conn, author, NOW + timedelta(days=8), cues=["churn_intent"])
        set_arc(conn, "c:C1", trend="declining", level=-0.6, mean_30d=-0.5, negative_30d=6, negative_days_30d=5,
                updated_at=NOW + timedelta(days=8))
    run = run_rules(engine, CONFIG, ruleset=CHURN_ONLY, now=NOW + timedelta(days=8, hours=1))
    assert run.actions == {"reraised": 1}
    newest = alerts.list_alerts(engine)[0]
    opened = alerts.get_alert(engine, newest.id).events[0]
    assert opened.kind == "opened" and opened.detail["reraised_after"] == first.id
    assert "fell" in opened.detail["worse"] or "grew" in opened.detail["worse"]


def test_after_cooldown_a_new_alert_opens(engine):
    with engine.begin() as conn:
        author = _churner(conn)
        add_mention(conn, author, NOW - timedelta(hours=5), cues=["churn_intent"])
    run_rules(engine, CONFIG, NOW)
    [first] = alerts.list_alerts(engine)
    alerts.resolve(engine, first.id, "sam", "false positive", now=NOW)
    later = NOW + timedelta(days=31)
    with engine.begin() as conn:
        add_mention(conn, author, later - timedelta(hours=1), cues=["churn_intent"])
    assert run_rules(engine, CONFIG, later).actions == {"opened": 1}
    assert _count(engine, Alert) == 2 and _count(engine, Alert, status="resolved") == 1


def test_clearly_worse_definition():
    assert alerts.clearly_worse({"level": -0.1}, {"level": -0.35}) == "level fell from -0.10 to -0.35"
    assert alerts.clearly_worse({"level": -0.1}, {"level": -0.3}) is None
    assert alerts.clearly_worse({"negative_30d": 3}, {"negative_30d": 6}) == "negative_30d grew from 3 to 6"
    assert alerts.clearly_worse({"negative_30d": 1}, {"negative_30d": 2}) is None  # doubled but only +1
    assert alerts.clearly_worse({"volume_24h": 30}, {"volume_24h": 70})
    assert alerts.clearly_worse(None, {"level": -1}) is None


def test_lifecycle_and_audit_trail(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    t = NOW + timedelta(hours=1)
    assert alerts.claim(engine, view.id, "ann", now=t).status == "claimed"
    alerts.add_note(engine, view.id, "ann", "called them, <b>left voicemail</b>", now=t)
    snoozed = alerts.snooze(engine, view.id, "ann", t + timedelta(days=1), now=t)
    assert snoozed.status == "snoozed" and snoozed.snoozed_until == t + timedelta(days=1)
    assert alerts.claim(engine, view.id, "bob", now=t).assignee == "bob"  # takes it over, wakes it
    done = alerts.resolve(engine, view.id, "bob", "reached out", note="they are happy now", now=t,
                          reasons=CONFIG.alerts.resolution_reasons)
    assert (done.status, done.resolution, done.resolved_at, done.first_action_at) == ("resolved", "reached out", t, t)
    alerts.add_note(engine, view.id, "ann", "follow-up next month", now=t)  # notes at any point
    events = alerts.get_alert(engine, view.id).events
    assert [(e.kind, e.actor) for e in events] == [
        ("opened", "arcwatch"), ("notify_queued", "arcwatch"), ("claimed", "ann"), ("note", "ann"),
        ("snoozed", "ann"), ("claimed", "bob"), ("resolved", "bob"), ("note", "ann")]
    assert events[3].detail["text"] == "called them, <b>left voicemail</b>"
    assert events[5].detail["previous_assignee"] == "ann"
    assert events[6].detail == {"from_status": "claimed", "reason": "reached out", "note": "they are happy now"}


def test_refused_actions_change_nothing_and_say_why(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    before = _count(engine, AlertEvent)
    with pytest.raises(alerts.InvalidInput, match="unknown resolution reason 'bored'.*reached out"):
        alerts.resolve(engine, view.id, "ann", "bored")
    with pytest.raises(alerts.InvalidInput, match="custom only"):
        alerts.resolve(engine, view.id, "ann", "reached out", reasons=["custom only"])
    with pytest.raises(alerts.InvalidInput, match="not in the future"):
        alerts.snooze(engine, view.id, "ann", NOW - timedelta(days=1), now=NOW)
    with pytest.raises(alerts.InvalidInput):
        alerts.add_note(engine, view.id, "ann", "   ")
    with pytest.raises(alerts.InvalidInput):
        alerts.claim(engine, view.id, "  ")
    with pytest.raises(alerts.AlertNotFound, match="no alert #9999"):
        alerts.claim(engine, 9999, "ann")
    with pytest.raises(alerts.InvalidTransition, match="cannot release"):
        alerts.release(engine, view.id, "ann")
    alerts.resolve(engine, view.id, "ann", "duplicate")
    with pytest.raises(alerts.InvalidTransition, match="is resolved; cannot claim"):
        alerts.claim(engine, view.id, "ann")
    assert _count(engine, AlertEvent) == before + 1
    assert isinstance(alerts.InvalidTransition("x"), alerts.AlertError)


def test_snooze_reopens_when_due(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    alerts.snooze(engine, view.id, "ann", NOW + timedelta(days=2), now=NOW)
    assert alerts.reopen_due_snoozes(engine, NOW + timedelta(days=1)) == []
    assert alerts.list_alerts(engine, status="snoozed")[0].id == view.id
    # The evaluation reopens due snoozes itself.
    assert run_rules(engine, CONFIG, NOW + timedelta(days=2, minutes=1)).snoozes_reopened == 1
    reopened = alerts.get_alert(engine, view.id)
    assert reopened.alert.status == "open" and reopened.alert.snoozed_until is None
    assert (reopened.events[-1].kind, reopened.events[-1].actor) == ("reopened", "arcwatch")
    assert alerts.reopen_due_snoozes(engine, NOW + timedelta(days=3)) == []


def test_list_filters_and_order(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
        lead = add_author(conn, "prospect")
        add_mention(conn, lead, NOW - timedelta(hours=1), score=0.1, cues=["buying_intent"])
    run_rules(engine, CONFIG, NOW)
    views = alerts.list_alerts(engine)
    assert [v.rule for v in views] == ["frustrated-long-time-customer", "buying-intent"]  # most severe first
    assert views[1].customer_id is None and views[1].author == "prospect"
    assert [v.rule for v in alerts.list_alerts(engine, severity="low")] == ["buying-intent"]
    alerts.claim(engine, views[0].id, "ann")
    assert [v.id for v in alerts.list_alerts(engine, assignee="ann")] == [views[0].id]
    assert alerts.list_alerts(engine, status="claimed", rule="buying-intent") == []
    alerts.resolve(engine, views[1].id, "ann", "not a customer")
    assert [v.id for v in alerts.list_alerts(engine)] == [views[0].id]
    assert len(alerts.list_alerts(engine, status="all")) == 2
    with pytest.raises(alerts.InvalidInput):
        alerts.list_alerts(engine, status="closed")


def test_parse_until():
    at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert alerts.parse_until("2d", at) == at + timedelta(days=2)
    assert alerts.parse_until("2025-03-01T09:00:00", at) == datetime(2025, 3, 1, 9, tzinfo=timezone.utc)
    assert alerts.parse_until("2025-03-01T09:00:00+02:00", at) == datetime(2025, 3, 1, 7, tzinfo=timezone.utc)
    with pytest.raises(alerts.InvalidInput, match="duration such as 2d"):
        alerts.parse_until("tomorrow", at)


def test_outcome_after_outreach(engine):
    with engine.begin() as conn:
        author = frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    alerts.resolve(engine, view.id, "ann", "reached out", now=NOW)
    with engine.begin() as conn:
        add_mention(conn, author, NOW + timedelta(days=3), score=0.6, text="thanks, sorted now!")
        add_mention(conn, author, NOW + timedelta(days=12), score=0.4, text="works great")
        add_mention(conn, author, NOW + timedelta(days=45), score=-0.9, text="outside the window")
    assert update_outcomes(engine, NOW + timedelta(days=14)) == 1
    pending = alerts.get_alert(engine, view.id).outcome
    assert pending["status"] == "pending" and pending["recovered"] is True and pending["outreach"] is True
    assert pending["mentions_after"] == 2 and pending["mean_after"] == pytest.approx(0.5)
    assert update_outcomes(engine, NOW + timedelta(days=14)) == 0  # nothing new: no write
    run_rules(engine, CONFIG, NOW + timedelta(days=31))  # the evaluation records outcomes too
    detail = alerts.get_alert(engine, view.id)
    assert detail.outcome["status"] == "final" and detail.outcome["mentions_after"] == 2
    assert detail.events[-1].kind == "outcome"
    assert update_outcomes(engine, NOW + timedelta(days=40)) == 0  # final outcomes are kept


def test_outcome_not_recovered_and_silent(engine):
    with engine.begin() as conn:
        a1 = frustrated_customer(conn, "C1")
        frustrated_customer(conn, "C2", "quiet")
    run_rules(engine, CONFIG, NOW)
    for view in alerts.list_alerts(engine):
        alerts.resolve(engine, view.id, "ann", "reached out", now=NOW)
    with engine.begin() as conn:
        add_mention(conn, a1, NOW + timedelta(days=5), score=-0.7, text="still broken")
    update_outcomes(engine, NOW + timedelta(days=31))
    outcomes = {v.customer_id: alerts.get_alert(engine, v.id).outcome for v in alerts.list_alerts(engine, status="all")}
    assert outcomes["C1"]["recovered"] is False and outcomes["C1"]["negative_after"] == 1
    assert outcomes["C2"]["recovered"] is None and outcomes["C2"]["mentions_after"] == 0


def test_evidence_leads_with_the_mention_that_carries_the_rules_cue(engine):
    with engine.begin() as conn:
        author = _churner(conn)
        churn = add_mention(conn, author, NOW - timedelta(hours=6), cues=["churn_intent"], text="switching to Globex")
        newer = add_mention(conn, author, NOW - timedelta(hours=1), cues=["outage"], text="down again")
    run_rules(engine, CONFIG, ruleset=CHURN_ONLY, now=NOW)
    [view] = alerts.list_alerts(engine)
    assert [m.id for m in alerts.get_alert(engine, view.id).mentions] == [churn, newer]


def test_concurrent_resolves_one_wins_the_other_is_told(engine):
    import threading

    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    run_rules(engine, CONFIG, NOW)
    [view] = alerts.list_alerts(engine)
    barrier, results = threading.Barrier(4), []

    def resolve(user: str) -> None:
        barrier.wait()
        try:
            alerts.resolve(engine, view.id, user, "reached out")
            results.append("ok")
        except alerts.InvalidTransition as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=resolve, args=(f"user{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 1 and all("is resolved" in r for r in results if r != "ok")
    assert [e.kind for e in alerts.get_alert(engine, view.id).events].count("resolved") == 1
