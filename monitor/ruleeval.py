"""Evaluating alert rules: on the subjects touched since the last run (run_rules) or on all (test_rule)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from monitor import alerts
from monitor._alertoutcome import update_outcomes
from monitor._alertviews import severity_rank
from monitor._rulefacts import (SubjectFacts, all_subjects, brand_facts, daily_series, subject_facts,
                                touched_subjects, unrostered_are_customers)
from monitor.models import Alert, KeyValue, Mention, utcnow
from monitor.settings import Config
from rules.loader import Rule, RuleError, RuleSet, load_rules

log = logging.getLogger(__name__)
WATERMARK_KEY = "rules.watermark"
_LOCK_ID = 0x41524357  # "ARCW": one rule evaluation at a time on PostgreSQL


@dataclass
class RulesRun:
    """What one evaluation of the rules did."""

    subjects: int = 0
    matches: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)  # opened, reraised, updated, suppressed, ...
    snoozes_reopened: int = 0
    outcomes_updated: int = 0
    errors: list[str] = field(default_factory=list)
    delivery: Any = None  # the notification thread pipeline.run_rules started, if any
    memo: dict = field(default_factory=dict, repr=False)  # (rule, its fields' values) -> verdict, this run only

    def as_json(self) -> dict[str, Any]:
        """Plain JSON-ready values."""
        return {"subjects": self.subjects, "matches": self.matches, "actions": self.actions,
                "snoozes_reopened": self.snoozes_reopened, "outcomes_updated": self.outcomes_updated,
                "errors": self.errors}


@dataclass(frozen=True, kw_only=True)
class Flag:
    """A subject a rule would flag now, and why (for `rules test`)."""

    subject: str
    customer_id: str | None
    author: str
    why: dict[str, Any]
    open_alert: int | None


def rules_of(config: Config) -> RuleSet:
    """The configured rules ([rules] file, else the shipped defaults), compiled."""
    return load_rules(config.rules.file or None)


def _params(config: Config) -> dict[str, Any]:
    return {"long_time_customer_days": float(config.rules.long_time_customer_days)}


def _should_notify(rule: Rule, config: Config) -> bool:
    if rule.notify is not None:
        return rule.notify
    return severity_rank(rule.severity) >= severity_rank(config.alerts.notify_min_severity)


def _tenure(days: float) -> str:
    return f"{int(days // 365)}-year customer" if days >= 365 else f"customer for {int(days // 30)} months"


# How a manager reads the fields a rule fired on; other fields are shown as name=value.
_PHRASES: dict[str, Any] = {
    "tenure_days": _tenure,
    "trend": lambda v: f"arc {v}" if v != "stable" else "",
    "level": lambda v: f"level {v:+.2f}",
    "mean_30d": lambda v: f"30-day mean {v:+.2f}",
    "negative_30d": lambda v: f"{int(v)} negative mentions in 30 days",
    "cues": lambda v: "said: " + (", ".join(c.replace("_", " ") for c in v) or "-"),
    "volume_24h": lambda v: f"{int(v)} mentions in 24 h",
    "volume_z": lambda v: f"{v:.1f} sigma above the 14-day rate",
}
_IMPLIED = {"is_customer", "rostered", "long_time_customer_days", "slope", "mean_prior", "negative_days_30d",
            "volume_mean_14d", "volume_std_14d"}  # shown among the alert's facts, not in its headline


def _summary(rule: Rule, facts: dict[str, Any]) -> str:
    """A one-line reason a manager can read, from the fields the rule looked at."""
    parts = []
    for name, value in rule.explain(facts).items():
        if name in _IMPLIED or value is None:
            continue
        if name in _PHRASES:
            parts.append(_PHRASES[name](value))
            continue
        if isinstance(value, float):
            value = f"{value:g}" if value == int(value) else f"{value:.2f}"
        elif isinstance(value, list):
            value = ",".join(value) or "-"
        parts.append(f"{name}={value}")
    if facts.get("trend") == "stable" and "trend" in rule.fields and (facts.get("slope") or 0) < 0:
        parts.insert(1, f"arc sliding {facts['slope']:+.3f} a day")  # declining before the trend test says so
    if facts.get("rostered") is False and "buying_intent" in (facts.get("cues") or []):
        parts.insert(0, "not a customer")
    return ", ".join(p for p in parts if p) or rule.description.split(".")[0]


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _matching(rule: Rule, subject: SubjectFacts, run: RulesRun) -> bool:
    # An expression reads only its own fields, so its verdict is memoised on their values: most
    # subjects share them (not a customer, no cues), and rule-engine costs ~50 us an evaluation.
    key = (rule.name, *(_frozen(subject.facts.get(f)) for f in rule.fields))
    try:
        verdict = run.memo.get(key)
    except TypeError:  # an unhashable value: just evaluate
        key, verdict = None, None
    if verdict is not None:
        return verdict
    try:
        verdict = rule.matches(subject.facts)
    except RuleError as exc:
        if not any(e.startswith(f"rule {rule.name!r}") for e in run.errors):
            log.warning("%s (subject %s)", exc, subject.subject)
            run.errors.append(str(exc))
        verdict = False
    if key is not None and len(run.memo) < 200_000:
        run.memo[key] = verdict
    return verdict


def _finding(conn: Connection, rule: Rule, s: SubjectFacts, config: Config, now: datetime) -> alerts.Finding:
    arc = dict(s.arc or {})
    if s.subject != "brand":
        arc["daily"] = daily_series(conn, s.subject, now)
    # Mentions carrying a cue the rule names (e.g. churn_intent) lead the evidence: they are why it fired.
    wanted = set(rule.literals)
    ordered = sorted(s.evidence, key=lambda item: not wanted.intersection(item[1]))
    return alerts.Finding(rule=rule.name, subject=s.subject, customer_id=s.customer_id, author_id=s.author_id,
                          severity=rule.severity, cooldown_seconds=rule.cooldown_seconds,
                          notify=_should_notify(rule, config), facts=s.facts,
                          mention_ids=tuple(i for i, _ in ordered),
                          arc=arc, summary=_summary(rule, s.facts))


def _lock(conn: Connection, now: datetime) -> None:
    """One rule evaluation at a time, held until the transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    else:  # SQLite: a first write takes the database's write lock (waiting for a running evaluation)
        kv = KeyValue.__table__
        conn.execute(sqlite.insert(kv).values(key="rules.lock", value={"at": now.isoformat()})
                     .on_conflict_do_update(index_elements=["key"], set_={"value": {"at": now.isoformat()}}))


def _watermark(conn: Connection) -> tuple[int, datetime | None]:
    kv = KeyValue.__table__
    value = conn.execute(select(kv.c.value).where(kv.c.key == WATERMARK_KEY)).scalar()
    if not value:
        return 0, None
    at = value.get("at")
    return int(value.get("mention_id") or 0), datetime.fromisoformat(at) if at else None


def _save_watermark(conn: Connection, mention_id: int, at: datetime) -> None:
    kv = KeyValue.__table__
    insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(kv)
    value = {"mention_id": mention_id, "at": at.isoformat()}
    conn.execute(insert.values(key=WATERMARK_KEY, value=value)
                 .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def _evaluate(conn: Connection, ruleset: RuleSet, config: Config, now: datetime, subjects: Iterable[str],
              after_id: int, run: RulesRun, on_match) -> None:
    """Evaluate every rule on the brand and on each subject, calling on_match(rule, facts) for each hit."""
    params = _params(config)
    brand = brand_facts(conn, now, params)
    volume = {k: v for k, v in brand.facts.items() if k.startswith("volume_")}
    for rule in ruleset.rules:
        if rule.scope == "brand" and _matching(rule, brand, run):
            on_match(rule, brand)
    per_subject = [r for r in ruleset.rules if r.scope == "subject"]
    if not per_subject:
        return
    by_default = unrostered_are_customers(conn, config.customers.unrostered_are_customers)
    for facts in subject_facts(conn, subjects, now=now, after_mention_id=after_id,
                               customers_by_default=by_default, params={**params, **volume},
                               trigger_days=config.rules.trigger_days):
        run.subjects += 1
        for rule in per_subject:
            if _matching(rule, facts, run):
                on_match(rule, facts)


def run_rules(engine: Engine, config: Config, now: datetime | None = None, *,
              ruleset: RuleSet | None = None) -> RulesRun:
    """Evaluate the rules on what changed since the last run; raise, update or suppress alerts.

    One transaction: the alerts and the new watermark commit together, so a crash re-evaluates the
    same data instead of losing or duplicating an alert. Also reopens due snoozes and records outcomes."""
    now = now or utcnow()
    ruleset = ruleset or rules_of(config)
    run = RulesRun()
    run.snoozes_reopened = len(alerts.reopen_due_snoozes(engine, now))
    m = Mention.__table__
    with engine.begin() as conn:
        _lock(conn, now)
        after_id, last_at = _watermark(conn)
        top = conn.execute(select(m.c.id).order_by(m.c.id.desc()).limit(1)).scalar() or 0
        subjects = touched_subjects(conn, after_id, last_at)

        def on_match(rule: Rule, facts: SubjectFacts) -> None:
            run.matches[rule.name] = run.matches.get(rule.name, 0) + 1
            result = alerts.raise_or_update(conn, _finding(conn, rule, facts, config, now), now=now)
            run.actions[result.action] = run.actions.get(result.action, 0) + 1

        _evaluate(conn, ruleset, config, now, subjects, after_id, run, on_match)
        _save_watermark(conn, max(top, after_id), now)
    run.outcomes_updated = update_outcomes(engine, now)
    log.info("rules: %d subjects, matches %s, alerts %s", run.subjects, run.matches, run.actions)
    return run


def test_rule(engine: Engine, config: Config, name: str, now: datetime | None = None, *,
              ruleset: RuleSet | None = None) -> list[Flag]:
    """Which subjects one rule would flag now, and why; evaluates every subject, changes nothing."""
    now = now or utcnow()
    ruleset = ruleset or rules_of(config)
    rule = ruleset.get(name)
    flags: list[Flag] = []
    run = RulesRun()
    a = Alert.__table__
    with engine.connect() as conn:
        subjects = all_subjects(conn, now) if rule.scope == "subject" else set()

        def on_match(matched: Rule, facts: SubjectFacts) -> None:
            open_id = conn.execute(select(a.c.id).where(a.c.subject == facts.subject, a.c.rule == matched.name,
                                                        a.c.status != "resolved").limit(1)).scalar()
            flags.append(Flag(subject=facts.subject, customer_id=facts.customer_id,
                              author=str(facts.facts.get("author") or ""), why=matched.explain(facts.facts),
                              open_alert=open_id))

        single = RuleSet(source=ruleset.source, rules=(rule,))
        _evaluate(conn, single, config, now, subjects, 0, run, on_match)
    if run.errors:
        raise RuleError(run.errors)
    return flags
