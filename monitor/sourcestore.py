"""Store functions for pulled sources: one page's mentions with the cursor in one transaction, and health."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from monitor.models import SourceState, utcnow
from monitor.store import (AuthorCache, SourceHealth, ensure_authors, ensure_source, existing_keys, insert_mentions,
                           mark_deleted, mention_row, normalise_handle, save_cursor, source_health)
from monitor.types import Mention, Score


@dataclass(frozen=True, kw_only=True)
class PageCounts:
    """What committing one page changed."""

    new: int = 0
    updated: int = 0
    deleted: int = 0


def prepare_source(engine: Engine, name: str, kind: str) -> SourceHealth:
    """A source's state row (created if missing); a cursor left by a different kind is dropped."""
    table = SourceState.__table__
    with engine.begin() as conn:
        ensure_source(conn, name, kind)
        stored = conn.execute(select(table.c.kind).where(table.c.name == name)).scalar_one()
        if stored != kind:  # the name now means another kind of source: its old cursor is meaningless
            conn.execute(update(table).where(table.c.name == name).values(kind=kind, cursor=None))
    return source_health(engine, name)[0]


def commit_page(engine: Engine, *, source: str, platform: str, mentions: Sequence[Mention],
                scores: Sequence[Score], deleted_ids: Sequence[str], cursor: dict | None,
                fetched_at: datetime | None = None) -> PageCounts:
    """Store a page's mentions, blank its deletes and save its cursor, all in one transaction."""
    fetched_at = fetched_at or utcnow()
    live: dict[tuple[str, str], tuple[Mention, Score]] = {}
    gone: dict[str, set[str]] = {platform: set(deleted_ids)} if deleted_ids else {}
    for mention, score in zip(mentions, scores, strict=True):
        if mention.deleted:  # deleted upstream: never store its text, blank it if we have it
            gone.setdefault(mention.platform, set()).add(mention.external_id)
        else:
            live[(mention.platform, mention.external_id)] = (mention, score)
    with engine.begin() as conn:
        new = updated = deleted = 0
        if live:
            before = existing_keys(conn, live)
            # a fresh cache per transaction: ids cached from a rolled-back insert would not exist
            ids = ensure_authors(conn, [m for m, _ in live.values()], AuthorCache())
            rows = [mention_row(m, s, ids[(m.platform, normalise_handle(m.author))], source, fetched_at)
                    for m, s in live.values()]
            changed = insert_mentions(conn, rows, update_changed=True)
            new = len(live.keys() - before)
            updated = max(0, changed - new)
        for plat, external_ids in gone.items():
            deleted += mark_deleted(conn, plat, sorted(external_ids))
        if cursor is not None:
            save_cursor(conn, source, cursor)
    return PageCounts(new=new, updated=updated, deleted=deleted)


def record_run(engine: Engine, name: str, *, ok: bool, new: int, error: str | None = None,
               backoff_until: datetime | None = None, count_failure: bool = True) -> None:
    """Record how a run of a source went: last run/success/error, failures in a row, mentions fetched."""
    table = SourceState.__table__
    now = utcnow()
    values: dict = {"last_run": now, "last_fetched": new, "fetched_total": table.c.fetched_total + new}
    if ok:
        values.update(last_success=now, last_error=None, consecutive_failures=0, backoff_until=None)
    else:
        values.update(last_error=(error or "failed")[:2000], backoff_until=backoff_until)
        if count_failure:
            values["consecutive_failures"] = table.c.consecutive_failures + 1
    with engine.begin() as conn:
        conn.execute(update(table).where(table.c.name == name).values(**values))
