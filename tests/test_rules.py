"""Alert rules: parsing and type errors, and each default rule on constructed customers and arcs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from monitor.ruleeval import run_rules, test_rule as flags_of
from monitor.settings import load_config
from rules.loader import RuleError, load_rules, parse_rules
from tests.alertdata import NOW, add_author, add_customer, add_mention, frustrated_customer, link


def _rules(when: str, **extra) -> str:
    lines = [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {str(v).lower()}" for k, v in extra.items()]
    return "[[rules]]\nname = \"r1\"\ndescription = \"test\"\nwhen = '''" + when + "'''\n" + "\n".join(lines) + "\n"


# --- parsing ------------------------------------------------------------------------------------

def test_default_rules_load_and_are_documented():
    ruleset = load_rules()
    names = [r.name for r in ruleset.rules]
    assert names == ["frustrated-long-time-customer", "churn-intent", "buying-intent", "volume-spike"]
    assert all(len(r.description) > 40 for r in ruleset.rules)
    assert ruleset.get("volume-spike").scope == "brand"
    assert ruleset.get("churn-intent").scope == "subject"
    assert ruleset.get("buying-intent").notify is False


def test_unknown_field_is_reported_with_rule_name_position_and_suggestion():
    text = "\n\n" + _rules('is_customer and\n   tenure_dayz >= 365')
    with pytest.raises(RuleError) as err:
        parse_rules(text, "mine.toml")
    message = str(err.value)
    assert "mine.toml: rule 'r1' (line 4)" in message  # the line of its name
    assert "line 2, column 4" in message
    assert "unknown field 'tenure_dayz'" in message and "did you mean 'tenure_days'" in message


def test_type_error_is_reported_with_the_clause_and_the_field_type():
    with pytest.raises(RuleError) as err:
        parse_rules(_rules('is_customer and\n  tier > 3'), "t.toml")
    message = str(err.value)
    assert "rule 'r1'" in message and "line 2, column 3" in message
    assert "tier > 3" in message and "tier is a string" in message and "type error" in message


def test_syntax_error_and_non_condition_are_refused():
    with pytest.raises(RuleError, match="syntax error"):
        parse_rules(_rules("level >= "), "t.toml")
    with pytest.raises(RuleError, match="must be a condition"):
        parse_rules(_rules("level + 1"), "t.toml")


def test_every_problem_in_a_file_is_listed_not_just_the_first():
    text = _rules("level > 0", severity="urgent", cooldown="soon") + \
        '[[rules]]\nname = "r1"\ndescription = "dup"\nwhen = "level > 0"\nextra = 1\n'
    with pytest.raises(RuleError) as err:
        parse_rules(text, "t.toml")
    problems = err.value.problems
    assert any("severity must be one of" in p for p in problems)
    assert any("cooldown" in p for p in problems)
    assert any("unknown key 'extra'" in p for p in problems)


def test_duplicate_names_and_missing_rules_are_refused():
    with pytest.raises(RuleError, match="duplicate rule name"):
        parse_rules(_rules("level > 0") + _rules("level < 0"), "t.toml")
    with pytest.raises(RuleError, match="no \\[\\[rules\\]\\]"):
        parse_rules("", "t.toml")
    with pytest.raises(RuleError, match="not valid TOML"):
        parse_rules("[[rules]\n", "t.toml")


def test_expressions_are_never_evaluated_as_python():
    with pytest.raises(RuleError):
        parse_rules(_rules("__import__('os').system('touch /tmp/pwned') == 0"), "t.toml")


def test_rule_reads_fields_and_explains_them():
    rule = parse_rules(_rules('"churn_intent" in cues and level < 0', severity="high", cooldown="2d"),
                       "t.toml").rules[0]
    assert rule.fields == ("cues", "level") and rule.cooldown_seconds == 2 * 86400
    assert rule.matches({"cues": ["churn_intent"], "level": -0.2})
    assert not rule.matches({"cues": ["billing"], "level": -0.2})
    assert rule.explain({"cues": ["x"], "level": 1.0, "tier": "gold"}) == {"cues": ["x"], "level": 1.0}


# --- the default rules on constructed data ------------------------------------------------------

def _config(**rules):
    return load_config(data={"rules": rules} if rules else {})


def _flagged(engine, name, **rules) -> set[str]:
    return {f.subject for f in flags_of(engine, _config(**rules), name, now=NOW)}


def test_frustrated_long_time_customer_fires_on_a_real_decline(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C1")
    flags = flags_of(engine, _config(), "frustrated-long-time-customer", now=NOW)
    assert [f.subject for f in flags] == ["c:C1"]
    assert flags[0].why["trend"] == "declining" and flags[0].why["negative_30d"] == 3


def test_one_bad_day_does_not_fire_it(engine):
    with engine.begin() as conn:
        # Three angry posts on one day; even if the arc called that a decline, it is one bad day.
        frustrated_customer(conn, "C2", days=(3, 3, 3))
    assert _flagged(engine, "frustrated-long-time-customer") == set()


def test_a_recovered_decline_does_not_fire_it(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "C3", days=(12, 15, 20), trend="improving", level=0.15, mean_30d=-0.1)
        frustrated_customer(conn, "C4", "other", days=(12, 15, 20), trend="declining", level=0.1, mean_30d=-0.1)
    assert _flagged(engine, "frustrated-long-time-customer") == set()


def test_tenure_threshold_is_configurable(engine):
    with engine.begin() as conn:
        frustrated_customer(conn, "NEW", since=(NOW - timedelta(days=100)).date())
    assert _flagged(engine, "frustrated-long-time-customer") == set()
    assert _flagged(engine, "frustrated-long-time-customer", long_time_customer_days=90) == {"c:NEW"}


def test_churn_intent_fires_for_customers_only(engine):
    with engine.begin() as conn:
        add_customer(conn, "C9", since=date(2024, 1, 1))
        cust = add_author(conn, "leaver")
        link(conn, "C9", "leaver")
        add_mention(conn, cust, NOW - timedelta(hours=3), cues=["churn_intent"], text="cancelling my plan")
        stranger = add_author(conn, "stranger")  # not on the roster, and a roster exists
        add_mention(conn, stranger, NOW - timedelta(hours=2), cues=["churn_intent"], text="cancel")
        add_author(conn, "oldpost")
        link(conn, "C9", "oldpost")
    assert _flagged(engine, "churn-intent") == {"c:C9"}


def test_churn_intent_ignores_old_backfilled_mentions(engine):
    with engine.begin() as conn:
        add_customer(conn, "C10", since=date(2024, 1, 1))
        author = add_author(conn, "backfill")
        link(conn, "C10", "backfill")
        add_mention(conn, author, NOW - timedelta(days=40), cues=["churn_intent"])
    assert _flagged(engine, "churn-intent") == set()


def test_buying_intent_fires_for_non_customers_only(engine):
    with engine.begin() as conn:
        add_customer(conn, "C11", since=date(2020, 1, 1))
        cust = add_author(conn, "happy")
        link(conn, "C11", "happy")
        add_mention(conn, cust, NOW - timedelta(hours=1), score=0.2, cues=["buying_intent"])
        lead = add_author(conn, "prospect", platform="reddit")
        add_mention(conn, lead, NOW - timedelta(hours=1), score=0.0, cues=["buying_intent"], platform="reddit",
                    text="any alternatives to Globex? their sync keeps failing")
    assert _flagged(engine, "buying-intent") == {f"a:{lead}"}


def _volume(conn, per_day: list[int], last_24h: int) -> None:
    author = add_author(conn, "crowd")
    for day, n in enumerate(per_day, start=1):
        for i in range(n):
            add_mention(conn, author, NOW - timedelta(days=day, minutes=30 + i), score=0.0)
    for i in range(last_24h):
        add_mention(conn, author, NOW - timedelta(minutes=5 + i), score=-0.3)


@pytest.mark.parametrize("history,last_24h,fires", [
    ([10, 12, 9, 11, 10, 8, 12, 10, 11, 9, 10, 13, 9, 10], 60, True),   # z ~ 15
    ([10, 12, 9, 11, 10, 8, 12, 10, 11, 9, 10, 13, 9, 10], 14, False),  # within noise
    ([0] * 14, 20, False),                                              # below the minimum count of 25
    ([30, 45, 20, 50, 25, 40, 35, 30, 45, 20, 50, 25, 40, 35], 60, False),  # busy, noisy brand: z < 3
])
def test_volume_spike(engine, history, last_24h, fires):
    with engine.begin() as conn:
        _volume(conn, history, last_24h)
    assert _flagged(engine, "volume-spike") == ({"brand"} if fires else set())


def test_run_rules_raises_one_alert_per_rule_and_subject(engine):
    with engine.begin() as conn:
        author = frustrated_customer(conn, "C1")
        add_mention(conn, author, NOW - timedelta(hours=2), cues=["churn_intent"], text="switching to Globex")
    run = run_rules(engine, _config(), NOW)
    assert run.actions == {"opened": 2}
    assert run.matches == {"frustrated-long-time-customer": 1, "churn-intent": 1}


def test_evaluate_runs_the_rules_on_real_arcs(engine):
    """Through the real arcs stage: a slow slide fires; one bad day and a recovered decline do not."""
    from monitor import alerts, pipeline

    def customer(conn, cid: str, scores_by_day: dict[int, float]) -> int:
        add_customer(conn, cid, since=date(2019, 1, 1))
        author = add_author(conn, cid.lower(), first_seen=NOW - timedelta(days=200))
        link(conn, cid, cid.lower())
        for days_ago, score in scores_by_day.items():
            add_mention(conn, author, NOW - timedelta(days=days_ago, hours=1), score=score)
        return author

    with engine.begin() as conn:
        customer(conn, "SLIDE", {**{d: 0.5 for d in range(90, 30, -4)}, **{d: -0.5 for d in (25, 20, 16, 12, 8, 5, 2)}})
        bad = customer(conn, "BADDAY", {d: 0.5 for d in range(90, 3, -4)})
        for hours in (1, 2, 3):
            add_mention(conn, bad, NOW - timedelta(days=2, hours=hours), score=-0.7, text="down!!")
        customer(conn, "RECOVERED", {**{d: 0.5 for d in range(90, 50, -4)}, **{d: -0.5 for d in range(50, 20, -3)},
                                     **{d: 0.5 for d in range(20, 0, -2)}})
    summary = pipeline.evaluate(engine, _config(), NOW)
    assert summary.rules.matches == {"frustrated-long-time-customer": 1}
    assert [v.subject for v in alerts.list_alerts(engine)] == ["c:SLIDE"]
    # Incremental: one new mention touches one subject only.
    with engine.begin() as conn:
        add_mention(conn, bad, NOW + timedelta(hours=1), score=0.4)
    again = pipeline.evaluate(engine, _config(), NOW + timedelta(hours=2))
    assert again.rules.subjects == 1 and again.rules.actions == {}
