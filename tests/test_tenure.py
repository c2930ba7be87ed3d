"""Tenure from the roster, from first seen and from claims; and who counts as a customer."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from monitor import pipeline
from monitor._rulefacts import subject_facts
from monitor.arcs import ArcParams
from monitor.arcstore import customer_subjects, unrostered_are_customers
from monitor.arcupdate import update_arcs
from monitor.models import Author
from monitor.settings import load_config
from monitor.store import record_tenure_claims
from tests.arcdata import NOW, add, add_customer, at

TODAY = NOW.date()


def subjects(engine, *, unrostered=True):
    update_arcs(engine, ArcParams(), now=NOW)
    with engine.connect() as conn:
        return {s.subject: s for s in customer_subjects(conn, today=TODAY, unrostered=unrostered)}


def test_rostered_tenure_counts_from_customer_since(engine):
    add_customer(engine, "C1", date(2016, 6, 30), [("twitter", "jane")], tier="gold")
    add(engine, [("twitter", "jane", at(3), -0.4)])
    with engine.begin() as conn:
        record_tenure_claims(conn, {1: 20.0})  # the roster wins over what she says
    who = subjects(engine)["c:C1"]
    assert who.tenure_days == (TODAY - date(2016, 6, 30)).days
    assert (who.rostered, who.is_customer, who.tier) == (True, True, "gold")


def test_unrostered_tenure_counts_from_the_earliest_mention_seen(engine):
    add(engine, [("reddit", "newbie", at(10), 0.2)])
    add(engine, [("reddit", "newbie", at(400), 0.1)])  # an older post, backfilled later
    who = subjects(engine)["a:1"]
    assert who.tenure_days == 400
    assert (who.rostered, who.customer_id, who.display_id) == (False, None, "reddit:newbie")


def test_rules_count_a_backfilled_authors_tenure_as_customers_show_does(engine):
    # the author is stored with the newer post; the backfill brings one 400 days old, and
    # the rules must not see a 10-day newcomer where `customers show` sees 400 days
    add(engine, [("reddit", "newbie", at(10), 0.2)])
    add(engine, [("reddit", "newbie", at(400), 0.1)])
    shown = subjects(engine)["a:1"].tenure_days
    with engine.connect() as conn:
        (facts,) = subject_facts(conn, ["a:1"], now=NOW, after_mention_id=0, customers_by_default=True, params={})
    assert shown == 400 and facts.facts["tenure_days"] == 400.0


def test_a_tenure_claim_reaches_further_back_than_first_seen(engine):
    add(engine, [("twitter", "loyal", at(5), -0.6)])
    with engine.begin() as conn:
        record_tenure_claims(conn, {1: 10.0})
    assert subjects(engine)["a:1"].tenure_days == round(10 * 365.25)


def test_a_claim_shorter_than_first_seen_changes_nothing(engine):
    add(engine, [("twitter", "old", at(900), 0.3), ("twitter", "old", at(1), -0.3)])
    with engine.begin() as conn:
        record_tenure_claims(conn, {1: 1.0})
    assert subjects(engine)["a:1"].tenure_days == 900


def test_claims_in_imported_posts_become_tenure(engine, tmp_path):
    """End to end: the importer records the scorer's claim on the author, and tenure uses it."""
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join(json.dumps(r) for r in [
        {"platform": "twitter", "id": "1", "author": "@vet", "created_at": at(2).isoformat(),
         "text": "I've been a customer for 12 years and support still hasn't fixed my billing problem."},
        {"platform": "twitter", "id": "2", "author": "@fresh", "created_at": at(2).isoformat(),
         "text": "Just signed up, looks nice."}]) + "\n")
    config = load_config(data={})
    assert pipeline.import_files(engine, config, [posts]).imported == 2
    with engine.connect() as conn:
        claims = dict(conn.execute(select(Author.__table__.c.handle_norm,
                                          Author.__table__.c.claimed_tenure_years)).all())
    assert claims == {"vet": 12.0, "fresh": None}
    found = {s.display_id: s.tenure_days for s in subjects(engine).values()}
    assert found["twitter:vet"] == round(12 * 365.25)
    assert found["twitter:fresh"] == 2


@pytest.mark.parametrize("setting, roster, expected", [
    ("auto", False, True), ("auto", True, False), ("yes", True, True), ("no", False, False)])
def test_whether_unrostered_authors_are_customers(engine, setting, roster, expected):
    if roster:
        add_customer(engine, "C1", date(2020, 1, 1), [("twitter", "jane")])
    add(engine, [("twitter", "jane", at(1), -0.5), ("twitter", "stranger", at(1), -0.5)])
    update_arcs(engine, ArcParams(), now=NOW)
    config = load_config(data={"customers": {"unrostered_are_customers": setting}})
    with engine.connect() as conn:
        assert unrostered_are_customers(conn, setting) is expected
    listed = {s.display_id for s in pipeline.list_customers(engine, config, now=NOW)}
    assert ("twitter:stranger" in listed) is expected
    assert ("C1" in listed) is roster
    if roster:
        assert "twitter:jane" not in listed  # part of C1


def test_list_ranks_by_risk_and_filters_by_trend(engine):
    add_customer(engine, "OLD", TODAY - timedelta(days=3650), [("twitter", "old")])
    add_customer(engine, "NEW", TODAY - timedelta(days=30), [("twitter", "new")])
    add_customer(engine, "CALM", TODAY - timedelta(days=3650), [("twitter", "calm")])
    slide = [(p, h, at(ago), 0.6 - (90 - ago) / 70) for p, h in (("twitter", "old"), ("twitter", "new"))
             for ago in range(89, -1, -1)]
    add(engine, slide + [("twitter", "calm", at(ago), 0.5) for ago in range(0, 90, 3)])
    config = load_config(data={})
    update_arcs(engine, ArcParams(), now=NOW)
    ranked = [s.display_id for s in pipeline.list_customers(engine, config, now=NOW)]
    assert ranked == ["OLD", "NEW", "CALM"]
    declining = [s.display_id for s in pipeline.list_customers(engine, config, now=NOW, trend="declining")]
    assert declining == ["OLD", "NEW"]
