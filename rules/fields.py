"""The documented fields a rule's `when` expression may use, with their types.

Numbers are floats (rule-engine has one numeric type). A field marked nullable may be null: guard it,
e.g. `change_point_days_ago != null and change_point_days_ago <= 30`. Other numbers are 0 when unknown.
"""
from __future__ import annotations

from dataclasses import dataclass

from rule_engine import DataType

STRINGS = DataType.ARRAY(DataType.STRING)


@dataclass(frozen=True, kw_only=True)
class FieldDoc:
    """One field: its rule-engine type, group, whether it may be null, and what it means."""

    name: str
    type: object
    group: str  # customer, arc, mentions, volume, setting
    help: str
    nullable: bool = False


def _f(name: str, type_: object, group: str, help_: str, nullable: bool = False) -> FieldDoc:
    return FieldDoc(name=name, type=type_, group=group, help=help_, nullable=nullable)


F, S, B = DataType.FLOAT, DataType.STRING, DataType.BOOLEAN
FIELDS: tuple[FieldDoc, ...] = (
    # The subject: a customer ("c:ID") or, for authors linked to no customer, an author ("a:ID").
    _f("subject", S, "customer", "The subject key: 'c:<customer_id>' or 'a:<author_id>'."),
    _f("is_customer", B, "customer", "On the roster, or an unrostered author counted as a customer "
       "([customers] unrostered_are_customers)."),
    _f("rostered", B, "customer", "On the CRM roster."),
    _f("customer_id", S, "customer", "The roster's customer id; null for authors.", True),
    _f("tier", S, "customer", "The roster's tier, e.g. 'enterprise'.", True),
    _f("tenure_days", F, "customer", "Days a customer: from customer_since on the roster, else from the "
       "earliest of first seen and a claimed tenure ('customer for 10 years'). 0 when unknown."),
    _f("author", S, "customer", "Handle of the author of the newest mention."),
    # The sentiment arc (issue 4), as of this evaluation.
    _f("trend", S, "arc", "'declining', 'stable' or 'improving'."),
    _f("level", F, "arc", "Exponentially weighted sentiment level, -1..1."),
    _f("mean_30d", F, "arc", "Mean score of the last 30 days."),
    _f("mean_prior", F, "arc", "Mean score of the window before the last 30 days."),
    _f("slope", F, "arc", "Theil-Sen slope of daily means, score per day."),
    _f("negative_7d", F, "arc", "Negative mentions in the last 7 days."),
    _f("negative_30d", F, "arc", "Negative mentions in the last 30 days."),
    _f("negative_days_30d", F, "arc", "Distinct days with a negative mention in the last 30 days "
       "(2 or more means it is not one bad day)."),
    _f("mentions_30d", F, "arc", "Mentions in the last 30 days."),
    _f("mentions_total", F, "arc", "Mentions ever."),
    _f("change_point_days_ago", F, "arc", "Days since the arc's level shifted; null if it never did.", True),
    # The triggering mentions: the subject's mentions new since the last evaluation (last 7 days only).
    _f("cues", STRINGS, "mentions", "Cues of the triggering mentions: waiting, repeat_contact, unresolved, "
       "outage, billing, churn_intent, escalation, sarcasm, tenure_claim, domain_negative, buying_intent."),
    _f("platforms", STRINGS, "mentions", "Platforms of the triggering mentions."),
    _f("new_mentions", F, "mentions", "Number of triggering mentions."),
    _f("new_negative", F, "mentions", "Triggering mentions labelled negative."),
    _f("last_mention_score", F, "mentions", "Score of the newest mention, -1..1."),
    _f("last_mention_label", S, "mentions", "Label of the newest mention ('' when none)."),
    _f("last_mention_days_ago", F, "mentions", "Days since the newest mention."),
    # Brand volume: every stored mention counts.
    _f("volume_24h", F, "volume", "Brand mentions in the last 24 hours."),
    _f("volume_mean_14d", F, "volume", "Mean of the 14 daily (24 h) counts before that."),
    _f("volume_std_14d", F, "volume", "Standard deviation of those 14 daily counts."),
    _f("volume_z", F, "volume", "(volume_24h - volume_mean_14d) / max(volume_std_14d, sqrt(volume_mean_14d), 1)."),
    # Settings a rule may compare with.
    _f("long_time_customer_days", F, "setting", "[rules] long_time_customer_days."),
)
del F, S, B

FIELD_TYPES = {f.name: f.type for f in FIELDS}
BRAND_GROUPS = ("volume", "setting")  # a rule using only these fields is evaluated once, for the brand


def field_names() -> tuple[str, ...]:
    """Every field name, in documentation order."""
    return tuple(f.name for f in FIELDS)
