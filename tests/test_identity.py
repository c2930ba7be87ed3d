"""Identity: handles on several platforms linked to one customer, by roster and by hand, with an audit trail."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from monitor.arcs import ArcParams
from monitor.arcstore import customer_handles, customer_subjects, get_arc
from monitor.arcupdate import update_arcs
from monitor.identity import IdentityError, link_handle, link_history, resolve_subject, unlink_handle
from monitor.models import AuthorLink
from monitor.roster import import_roster
from tests.arcdata import NOW, add, add_customer, series, wobble


def evaluate(engine, now=NOW):
    return update_arcs(engine, ArcParams(), now=now)


def arc(engine, subject):
    with engine.connect() as conn:
        return get_arc(conn, subject)


def author_subject(engine, platform, handle) -> str:
    with engine.connect() as conn:
        return resolve_subject(conn, f"{platform}:{handle}")


def test_a_slide_across_two_platforms_shows_only_on_the_customer(engine, tmp_path):
    """Happy on X until six weeks ago, then unhappy only on Reddit: each handle is stable, the customer declines."""
    roster = tmp_path / "roster.csv"
    roster.write_text("customer_id,name,customer_since,twitter,reddit\nC1,Jane,2015-03-01,@JaneDoe,u/jane_d\n")
    assert import_roster(engine, roster).links_added == 2
    add(engine, series("twitter", "@JaneDoe", lambda ago: wobble(0.5, ago), days=90)[:44])
    add(engine, series("reddit", "jane_d", lambda ago: wobble(-0.35, ago), days=46))
    evaluate(engine)
    x, reddit = (arc(engine, s) for s in ("a:1", "a:2"))
    customer = arc(engine, "c:C1")
    assert (x.trend, reddit.trend) == ("stable", "stable")
    assert customer.trend == "declining"
    assert customer.mentions == x.mentions + reddit.mentions == 90
    assert customer.change_point == NOW.date() - timedelta(days=45)
    with engine.connect() as conn:
        assert resolve_subject(conn, "twitter:janedoe") == "c:C1"  # a linked author is its customer
        assert resolve_subject(conn, "x:@JaneDoe") == "c:C1"
        listed = customer_subjects(conn, today=NOW.date(), unrostered=True)
    assert [s.subject for s in listed] == ["c:C1"]  # linked authors never come alone


def test_manual_link_brings_the_handles_history_into_the_arc(engine):
    add_customer(engine, "C1", date(2019, 1, 1), [("twitter", "jane")])
    add(engine, series("twitter", "jane", lambda ago: 0.4, days=30))
    add(engine, series("mastodon", "jane@mastodon.social", lambda ago: -0.6, days=20))
    evaluate(engine)
    assert arc(engine, "c:C1").mentions == 30
    change = link_handle(engine, "C1", "mastodon", "@Jane@Mastodon.social", actor="alice")
    assert (change.action, change.handle_norm, change.origin) == ("linked", "jane@mastodon.social", "manual:alice")
    assert change.author_id is not None
    summary = evaluate(engine)
    assert summary.rebuilt == 1 and "c:C1" in summary.subjects
    assert arc(engine, "c:C1").mentions == 50
    with engine.connect() as conn:
        handles = {(h.platform, h.handle_norm): h for h in customer_handles(conn, "C1")}
        history = link_history(conn, "C1")
    assert handles[("mastodon", "jane@mastodon.social")].origin == "manual:alice"
    assert handles[("twitter", "jane")].origin == "roster:test.csv"
    assert [(e["actor"], e["action"], e["platform"]) for e in history] == [("alice", "link", "mastodon")]
    assert link_handle(engine, "C1", "mastodon", "jane@mastodon.social", actor="bob").action == "already linked"


def test_unlink_keeps_the_link_for_audit_and_takes_its_mentions_out(engine):
    add_customer(engine, "C1", date(2019, 1, 1), [("twitter", "jane"), ("reddit", "jane_r")])
    add(engine, series("twitter", "jane", lambda ago: 0.4, days=10)
        + series("reddit", "jane_r", lambda ago: -0.5, days=5))
    evaluate(engine)
    assert arc(engine, "c:C1").mentions == 15
    change = unlink_handle(engine, "C1", "reddit", "u/Jane_R", actor="bob", now=NOW)
    assert change.action == "unlinked" and change.origin == "roster:test.csv"
    evaluate(engine)
    assert arc(engine, "c:C1").mentions == 10
    assert arc(engine, author_subject(engine, "reddit", "jane_r")).mentions == 5  # now a community member
    with engine.connect() as conn:
        row = conn.execute(select(AuthorLink.__table__).where(AuthorLink.__table__.c.handle_norm == "jane_r")).one()
        active_handles = customer_handles(conn, "C1")
        listed = {s.subject for s in customer_subjects(conn, today=NOW.date(), unrostered=True)}
    assert (row.active, row.removed_by, row.removed_at) == (False, "bob", NOW)
    assert [h.handle_norm for h in active_handles] == ["jane"]
    assert listed == {"c:C1", "a:2"}
    relinked = link_handle(engine, "C1", "reddit", "jane_r", actor="carol")
    assert relinked.action == "relinked" and relinked.origin == "manual:carol"
    evaluate(engine)
    assert arc(engine, "c:C1").mentions == 15
    with engine.connect() as conn:
        assert [(e["actor"], e["action"]) for e in link_history(conn, "C1")] == [("bob", "unlink"), ("carol", "link")]


def test_one_handle_may_belong_to_two_customers(engine):
    add_customer(engine, "C1", date(2019, 1, 1), [("twitter", "ops_team")])
    add_customer(engine, "C2", date(2020, 1, 1))
    add(engine, series("twitter", "ops_team", lambda ago: -0.2, days=4))
    change = link_handle(engine, "C2", "twitter", "ops_team", actor="alice")
    assert change.also_linked_to == ("C1",)
    evaluate(engine)
    assert arc(engine, "c:C1").mentions == arc(engine, "c:C2").mentions == 4


def test_roster_reimport_does_not_undo_a_manual_unlink(engine, tmp_path):
    roster = tmp_path / "crm.csv"
    roster.write_text("customer_id,name,customer_since,twitter\nC1,Jane,2015-03-01,jane\n")
    import_roster(engine, roster)
    unlink_handle(engine, "C1", "twitter", "jane", actor="bob")
    summary = import_roster(engine, roster)
    assert summary.links_added == 0
    with engine.connect() as conn:
        assert customer_handles(conn, "C1") == []
        assert len(customer_handles(conn, "C1", include_removed=True)) == 1


def test_roster_import_rebuilds_customers_whose_handles_were_added(engine, tmp_path):
    add(engine, series("twitter", "jane", lambda ago: 0.3, days=12))
    evaluate(engine)
    roster = tmp_path / "crm.csv"
    roster.write_text("customer_id,name,customer_since,twitter\nC1,Jane,2015-03-01,jane\n")
    import_roster(engine, roster)
    summary = evaluate(engine)
    assert summary.rebuilt == 1
    assert arc(engine, "c:C1").mentions == 12


@pytest.mark.parametrize("args, message", [
    (("C9", "twitter", "jane"), "no customer 'C9'"),
    (("C1", "Not A Platform!", "jane"), "is not a short lower-case name"),
    (("C1", "twitter", "@"), "is empty"),
])
def test_link_errors_say_what_is_wrong(engine, args, message):
    add_customer(engine, "C1", date(2019, 1, 1))
    with pytest.raises(IdentityError, match=message):
        link_handle(engine, *args, actor="alice")


def test_unlinking_a_handle_that_is_not_linked_is_an_error(engine):
    add_customer(engine, "C1", date(2019, 1, 1))
    with pytest.raises(IdentityError, match="is not linked to customer 'C1'"):
        unlink_handle(engine, "C1", "twitter", "jane", actor="alice")
