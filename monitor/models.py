"""The store's tables. Every timestamp is tz-aware UTC; every schema change gets an Alembic migration."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, Column, DateTime, Index, LargeBinary, PrimaryKeyConstraint, Text, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, tz-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back tz-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Arcwatch stores tz-aware UTC only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _ts(**kw: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kw))


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(JSON, **kw))


class Author(SQLModel, table=True):
    """A person on one platform, keyed by normalised handle."""

    __table_args__ = (UniqueConstraint("platform", "handle_norm", name="uq_author_platform_handle"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    handle: str = Field(max_length=256)
    handle_norm: str = Field(max_length=256)  # lower-cased, without @ or u/
    external_id: Optional[str] = Field(default=None, max_length=128)
    first_seen: Optional[datetime] = _ts(nullable=True)
    last_seen: Optional[datetime] = _ts(nullable=True)
    claimed_tenure_years: Optional[float] = None  # largest tenure the author claimed in a post


class Mention(SQLModel, table=True):
    """One scored post from any platform; unique on (platform, external_id)."""

    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_mention_platform_external"),
        Index("ix_mention_created_at", "created_at"),
        Index("ix_mention_author_created", "author_id", "created_at"),
        # 0003: partial, so the import's inserts (never edited) do not maintain it
        Index("ix_mention_edited_at", "edited_at", sqlite_where=text("edited_at IS NOT NULL"),
              postgresql_where=text("edited_at IS NOT NULL")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    external_id: str = Field(max_length=256)
    # no foreign key: checked on every insert, it was the import's largest cost on PostgreSQL; a trigger on
    # author refuses to delete an author that has mentions instead (migration 0008)
    author_id: int
    source: Optional[str] = Field(default=None, max_length=128)  # source name or "import"
    created_at: datetime = _ts(nullable=False)
    fetched_at: datetime = _ts(nullable=False)
    text: str = Field(sa_column=Column(Text, nullable=False))
    title: Optional[str] = Field(default=None, sa_column=Column(Text))
    url: Optional[str] = Field(default=None, sa_column=Column(Text))
    parent_id: Optional[str] = Field(default=None, max_length=256)
    thread_id: Optional[str] = Field(default=None, max_length=256)
    lang: Optional[str] = Field(default=None, max_length=16)
    raw: Optional[dict] = _json()
    compound: float = 0.0
    pos: float = 0.0
    neu: float = 0.0
    neg: float = 0.0
    score: float = 0.0
    label: str = Field(default="neutral", max_length=16)
    cues: Optional[list] = _json()
    deleted: bool = False
    edited_at: Optional[datetime] = _ts(nullable=True)


class Customer(SQLModel, table=True):
    """A customer from the CRM roster."""

    customer_id: str = Field(primary_key=True, max_length=128)
    name: str
    customer_since: date
    account: Optional[str] = None
    tier: Optional[str] = None
    owner: Optional[str] = None
    email: Optional[str] = None
    updated_at: Optional[datetime] = _ts(nullable=True)


class AuthorLink(SQLModel, table=True):
    """A handle on a platform that belongs to a customer, and where that link came from."""

    __table_args__ = (UniqueConstraint("platform", "handle_norm", "customer_id", name="uq_link"),
                      Index("ix_link_handle", "platform", "handle_norm"))
    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: str = Field(foreign_key="customer.customer_id", max_length=128)
    platform: str = Field(max_length=32)
    handle_norm: str = Field(max_length=256)
    origin: str = Field(max_length=64)  # "roster:FILE", "manual:USER"
    active: bool = True
    created_at: datetime = _ts(nullable=False)
    removed_at: Optional[datetime] = _ts(nullable=True)
    removed_by: Optional[str] = None


class SourceState(SQLModel, table=True):
    """A configured source's cursor and health."""

    name: str = Field(primary_key=True, max_length=128)
    kind: str = Field(max_length=32)
    cursor: Optional[dict] = _json()
    last_run: Optional[datetime] = _ts(nullable=True)
    last_success: Optional[datetime] = _ts(nullable=True)
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    consecutive_failures: int = 0
    fetched_total: int = 0
    last_fetched: int = 0
    backoff_until: Optional[datetime] = _ts(nullable=True)


class Heartbeat(SQLModel, table=True):
    """The scheduler's sign of life."""

    name: str = Field(primary_key=True, max_length=64)
    at: datetime = _ts(nullable=False)
    pid: int = 0
    info: Optional[dict] = _json()


class ArcState(SQLModel, table=True):
    """The derived sentiment arc of a customer or an author (subject 'c:ID' or 'a:ID').

    Rewritten in place by every evaluation that touches it, so nothing that changes is indexed (0006)."""

    subject: str = Field(primary_key=True, max_length=160)
    customer_id: Optional[str] = Field(default=None, max_length=128)
    author_id: Optional[int] = None
    trend: str = Field(default="stable", max_length=16)
    level: Optional[float] = None
    mean_30d: Optional[float] = None
    mean_prior: Optional[float] = None
    slope: Optional[float] = None
    negative_7d: int = 0
    negative_30d: int = 0
    change_point: Optional[date] = None
    mentions: int = 0
    first_seen: Optional[datetime] = _ts(nullable=True)
    last_mention_at: Optional[datetime] = _ts(nullable=True)
    updated_at: Optional[datetime] = _ts(nullable=True)
    # 0009: the test statistics behind the trend, in columns of their own (they were a JSON document)
    as_of: Optional[date] = None  # the evaluation day the figures are as of
    slope_z: Optional[float] = None
    recent_slope: Optional[float] = None
    recent_z: Optional[float] = None
    shift: Optional[float] = None  # the change point's step
    drop_t: Optional[float] = None
    active_days: int = 0
    mentions_30d: int = 0  # 0002
    negative_days_30d: int = 0  # 0002
    refresh_on: Optional[date] = None  # 0002: next day a window boundary changes this arc (0006: not indexed)
    # 0005: the days from window_from on, as in ArcDaily, packed (monitor/_arcwindow.py), so an
    # incremental evaluation reads one row per arc instead of its daily rows
    window_days: Optional[bytes] = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    window_from: Optional[date] = None


class ArcDaily(SQLModel, table=True):
    """Daily sum and count of a subject's scores: the arc's incremental building block.

    Keyed day first (0007): an evaluation adds rows for recent days, so they land together at the end of
    the key instead of on a page of every subject's (monitor/_arcdays.py reads a subject by its days)."""

    __table_args__ = (PrimaryKeyConstraint("day", "subject"),)
    subject: str = Field(primary_key=True, max_length=160)
    day: date = Field(primary_key=True)
    total: float = 0.0
    count: int = 0
    negatives: int = 0
    first_at: Optional[datetime] = _ts(nullable=True)  # 0002: earliest and latest mention that day
    last_at: Optional[datetime] = _ts(nullable=True)


class ArcDirty(SQLModel, table=True):
    """A subject whose daily rows must be rebuilt, e.g. a customer whose links changed (0002)."""

    subject: str = Field(primary_key=True, max_length=160)
    marked_at: datetime = _ts(nullable=False)


class LinkEvent(SQLModel, table=True):
    """The audit trail of links between handles and customers: who linked or unlinked what, when (0002)."""

    __table_args__ = (Index("ix_linkevent_customer", "customer_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _ts(nullable=False)
    actor: str = Field(max_length=256)
    action: str = Field(max_length=16)  # link, unlink, relink
    customer_id: str = Field(max_length=128)
    platform: str = Field(max_length=32)
    handle_norm: str = Field(max_length=256)
    origin: str = Field(max_length=64)


class KeyValue(SQLModel, table=True):
    """Small named state, such as the evaluation watermark."""

    key: str = Field(primary_key=True, max_length=128)
    value: Optional[dict] = _json()


class Alert(SQLModel, table=True):
    """A flagged subject in the triage queue."""

    __table_args__ = (
        Index("ix_alert_status", "status"),
        Index("ix_alert_subject_rule", "subject", "rule"),
        # 0004: the database itself holds "one unresolved alert per subject and rule"
        Index("uq_alert_open_subject_rule", "subject", "rule", unique=True,
              sqlite_where=text("status <> 'resolved'"), postgresql_where=text("status <> 'resolved'")),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    rule: str = Field(max_length=128)
    subject: str = Field(max_length=160)
    customer_id: Optional[str] = Field(default=None, max_length=128)
    author_id: Optional[int] = None
    severity: str = Field(default="medium", max_length=16)
    status: str = Field(default="open", max_length=16)
    assignee: Optional[str] = None
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime = _ts(nullable=False)
    first_action_at: Optional[datetime] = _ts(nullable=True)
    snoozed_until: Optional[datetime] = _ts(nullable=True)
    resolved_at: Optional[datetime] = _ts(nullable=True)
    resolution: Optional[str] = None
    evidence: Optional[dict] = _json()
    arc_snapshot: Optional[dict] = _json()
    outcome: Optional[dict] = _json()
    notified_at: Optional[datetime] = _ts(nullable=True)


class AlertEvent(SQLModel, table=True):
    """One entry of an alert's audit trail."""

    id: Optional[int] = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    at: datetime = _ts(nullable=False)
    actor: str = Field(max_length=256)
    kind: str = Field(max_length=32)  # opened, updated, claimed, note, snoozed, reopened, resolved, notified
    detail: Optional[dict] = _json()


class DigestSend(SQLModel, table=True):
    """A digest sent (or being sent) to one recipient for one day: the exactly-once ledger."""

    __table_args__ = (UniqueConstraint("day", "recipient", "kind", name="uq_digest_day_recipient"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(default="digest", max_length=32)
    day: date
    recipient: str = Field(max_length=320)
    status: str = Field(default="pending", max_length=16)  # pending, sent, failed
    attempts: int = 0
    message_id: Optional[str] = None
    sent_at: Optional[datetime] = _ts(nullable=True)
    error: Optional[str] = Field(default=None, sa_column=Column(Text))


class User(SQLModel, table=True):
    """A person who may use the web queue."""

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    role: str = Field(max_length=16)  # admin, manager, viewer
    password_hash: str
    api_token_hash: Optional[str] = None
    created_at: datetime = _ts(nullable=False)
    disabled: bool = False


class LoginAttempt(SQLModel, table=True):
    """A login attempt, kept for rate limiting."""

    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, index=True)  # email or client address
    at: datetime = _ts(nullable=False)
    ok: bool = False
