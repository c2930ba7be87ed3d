"""Store functions: bulk writes through SQLAlchemy Core, and the queries other stages read through."""
from __future__ import annotations

import re
from functools import lru_cache
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from monitor._bulk import MENTION_COLUMNS, insert_rows, sqlite_time
from monitor.models import Alert, Author, Customer, Heartbeat, Mention as MentionRow, SourceState, utcnow
from monitor.types import Mention, Score

_HANDLE_PREFIX = re.compile(r"^(?:/?u/|@)+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def normalise_handle(handle: str) -> str:
    """A handle as matched against the roster: lower-case, without a leading @ or u/."""
    return _HANDLE_PREFIX.sub("", handle.strip()).lower()


def _insert(conn: Connection, table):
    """An INSERT that the dialect can turn into ON CONFLICT."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class AuthorCache:
    """Maps (platform, handle_norm) to author ids; bounded so memory stays flat on huge imports."""

    def __init__(self, limit: int = 200_000):
        self._ids: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._limit = limit

    def get(self, key: tuple[str, str]) -> int | None:
        found = self._ids.get(key)
        if found is not None:
            self._ids.move_to_end(key)
        return found

    def put(self, key: tuple[str, str], author_id: int) -> None:
        self._ids[key] = author_id
        if len(self._ids) > self._limit:
            self._ids.popitem(last=False)


def ensure_authors(conn: Connection, mentions: Sequence[Mention], cache: AuthorCache) -> dict:
    """Create missing authors for these mentions; return {(platform, handle_norm): author id}."""
    sqlite = conn.dialect.name == "sqlite"
    stamp = sqlite_time if sqlite else (lambda t: t)
    wanted = {}
    for m in mentions:
        key = (m.platform, normalise_handle(m.author))
        if key not in wanted:
            wanted[key] = (m.author, m.author_id, stamp(m.created_at))
    return resolve_authors(conn, wanted, cache)


def resolve_authors(conn: Connection, wanted: dict[tuple[str, str], tuple], cache: AuthorCache) -> dict:
    """Author ids for {(platform, handle_norm): (handle, external id, first seen as the driver takes it)},
    creating the authors not stored yet."""
    ids: dict[tuple[str, str], int] = {}
    missing = []
    for key, (handle, external_id, seen) in wanted.items():
        cached = cache.get(key)
        if cached is not None:
            ids[key] = cached
        else:
            missing.append((key[0], handle, key[1], external_id, seen, seen))
    if missing:
        for found in _insert_authors(conn, missing):
            ids[found[0]] = found[1]
            cache.put(*found)
    return ids


def _insert_authors(conn: Connection, rows: list[tuple]) -> Iterable[tuple[tuple[str, str], int]]:
    """((platform, handle_norm), id) for every author row, inserting those not stored yet.

    INSERT ... RETURNING hands back the new ids in the same statement; only authors that were already
    stored (another process made them) need a SELECT."""
    sqlite = conn.dialect.name == "sqlite"
    cursor = conn.connection.driver_connection.cursor()  # raw: thousands of rows per batch
    try:
        # SQLite takes at most 32,766 parameters per statement; PostgreSQL's arrays take any number, so a
        # batch's new authors go in one round trip (costly while the workers keep both cores busy)
        size = 1000 if sqlite else max(len(rows), 1)
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            if sqlite:  # one multi-row VALUES: SQLite's executemany cannot return rows
                holders = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk))
                cursor.execute(f"{_INSERT_AUTHORS} VALUES {holders} {_RETURNING}", [v for row in chunk for v in row])
            else:  # one array per column: a handful of parameters instead of thousands (binary: see _pairs_in)
                cursor.execute(f"{_INSERT_AUTHORS} SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], "
                               f"%b::text[], %b::timestamptz[], %b::timestamptz[]) {_RETURNING}",
                               [list(column) for column in zip(*chunk)])
            made = {(platform, norm): author_id for author_id, platform, norm in cursor.fetchall()}
            yield from made.items()
            stored = [(row[0], row[2]) for row in chunk if (row[0], row[2]) not in made]
            for platform, norm, author_id in _pairs_in(cursor, sqlite, "author", ("platform", "handle_norm"), stored,
                                                        "t.platform, t.handle_norm, t.id"):
                yield (platform, norm), author_id
    finally:
        cursor.close()


_INSERT_AUTHORS = "INSERT INTO author (platform, handle, handle_norm, external_id, first_seen, last_seen)"
_RETURNING = "ON CONFLICT (platform, handle_norm) DO NOTHING RETURNING id, platform, handle_norm"


def _pairs_in(cursor, sqlite: bool, table: str, key: tuple[str, str], pairs: list[tuple[str, str]],
              columns: str) -> list[tuple]:
    """`columns` of the rows of `table` whose two `key` columns hold one of `pairs` (table, key and columns are
    this module's constants; the pairs go as parameters).

    PostgreSQL answers in one statement over unnest: during an import both cores are busy scoring, and each
    round trip waits for the server and for this process to be scheduled again (~13 ms, for 0.2 ms of query;
    one query per platform per batch took 0.6-0.7 s of a 200,000-row import, one per batch 0.03 s). SQLite,
    in-process, takes one IN list per first-column value (at most 32,766 parameters per statement).

    The arrays go in binary (%b): psycopg writes a text array in Python, quoting each element, which cost
    4.4x as much (50,000 authors: 0.80 s against 0.18 s), in the import's one serial step."""
    if not pairs:
        return []
    first, second = key
    if not sqlite:
        cursor.execute(f"SELECT {columns} FROM {table} t JOIN unnest(%b::text[], %b::text[]) AS k(a, b) "
                       f"ON t.{first} = k.a AND t.{second} = k.b", [list(column) for column in zip(*pairs)])
        return cursor.fetchall()
    by_first: dict[str, list[str]] = {}
    for a, b in pairs:
        by_first.setdefault(a, []).append(b)
    found = []
    for a, values in by_first.items():
        for at in range(0, len(values), 5000):
            chunk = values[at:at + 5000]
            cursor.execute(f"SELECT {columns} FROM {table} t WHERE t.{first} = ? AND t.{second} IN "
                           f"({', '.join(['?'] * len(chunk))})", [a, *chunk])
            found.extend(cursor.fetchall())
    return found


def existing_keys(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of these (platform, external_id) keys are already stored."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        return set(_pairs_in(cursor, conn.dialect.name == "sqlite", "mention", ("platform", "external_id"),
                             list(keys), "t.platform, t.external_id"))
    finally:
        cursor.close()


def mention_row(m: Mention, s: Score, author_id: int, source: str, fetched_at: datetime) -> dict[str, Any]:
    """The column values of one scored mention."""
    return {
        "platform": m.platform, "external_id": m.external_id, "author_id": author_id, "source": source,
        "created_at": m.created_at, "fetched_at": fetched_at, "text": m.text, "title": m.title,
        "url": m.url, "parent_id": m.parent_id, "thread_id": m.thread_id, "lang": m.lang, "raw": m.raw,
        "compound": s.compound, "pos": s.pos, "neu": s.neu, "neg": s.neg, "score": s.score,
        "label": s.label, "cues": list(s.cues) or None, "deleted": m.deleted,
    }


def insert_mentions(conn: Connection, rows: list[dict[str, Any]], *, update_changed: bool = False) -> int:
    """Insert mention rows, skipping stored keys; with update_changed, rewrite rows whose text changed.

    Returns the number of rows inserted (or updated)."""
    if not update_changed:
        return insert_rows(conn, "mention", MENTION_COLUMNS, rows, ("platform", "external_id"))
    changed = ("text", "title", "raw", "compound", "pos", "neu", "neg", "score", "label", "cues", "deleted")
    return insert_rows(conn, "mention", MENTION_COLUMNS, rows, ("platform", "external_id"),
                       update=changed + ("edited_at = excluded.fetched_at",),
                       changed_when="mention.text <> excluded.text OR mention.deleted <> excluded.deleted")


def record_tenure_claims(conn: Connection, claims: dict[int, float]) -> None:
    """Keep the largest tenure (in years) each author has claimed."""
    table = Author.__table__
    for author_id, years in claims.items():
        conn.execute(update(table).where(table.c.id == author_id,
                                         (table.c.claimed_tenure_years.is_(None))
                                         | (table.c.claimed_tenure_years < years))
                     .values(claimed_tenure_years=years))


def mark_deleted(conn: Connection, platform: str, external_ids: Sequence[str]) -> int:
    """Blank the text of mentions deleted upstream (X's terms require it); return how many changed."""
    table = MentionRow.__table__
    result = conn.execute(update(table)
                          .where(table.c.platform == platform, table.c.external_id.in_(list(external_ids)),
                                 table.c.deleted.is_(False))
                          .values(deleted=True, text="", title=None, raw=None, edited_at=utcnow()))
    return result.rowcount


# --- sources: cursor and health -------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class SourceHealth:
    """A source's recorded state, as `sources list` and `status` show it."""

    name: str
    kind: str
    cursor: dict | None
    last_run: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    fetched: int
    last_fetched: int
    backoff_until: datetime | None


def source_health(engine: Engine, name: str | None = None) -> list[SourceHealth]:
    """Every recorded source (or one), by name."""
    table = SourceState.__table__
    query = select(table).order_by(table.c.name)
    if name is not None:
        query = query.where(table.c.name == name)
    with engine.connect() as conn:
        return [SourceHealth(name=r.name, kind=r.kind, cursor=r.cursor, last_run=r.last_run,
                             last_success=r.last_success, last_error=r.last_error,
                             consecutive_failures=r.consecutive_failures, fetched=r.fetched_total,
                             last_fetched=r.last_fetched, backoff_until=r.backoff_until)
                for r in conn.execute(query)]


def ensure_source(conn: Connection, name: str, kind: str) -> None:
    """Create a source's state row if it has none."""
    conn.execute(_insert(conn, SourceState.__table__).on_conflict_do_nothing(),
                 [{"name": name, "kind": kind, "consecutive_failures": 0, "fetched_total": 0, "last_fetched": 0}])


def save_cursor(conn: Connection, name: str, cursor: dict | None) -> None:
    """Store a source's cursor; call it in the same transaction that commits the mentions."""
    table = SourceState.__table__
    conn.execute(update(table).where(table.c.name == name).values(cursor=cursor))


def write_heartbeat(engine: Engine, name: str, pid: int, info: dict | None = None) -> None:
    """Record that a long-running process is alive."""
    with engine.begin() as conn:
        stmt = _insert(conn, Heartbeat.__table__)
        values = {"name": name, "at": utcnow(), "pid": pid, "info": info}
        conn.execute(stmt.on_conflict_do_update(index_elements=["name"],
                                                set_={"at": values["at"], "pid": pid, "info": info}), values)


# --- counts ---------------------------------------------------------------------------------

def status_counts(engine: Engine) -> dict[str, Any]:
    """Counts for `arcwatch status`."""
    m, a = MentionRow.__table__, Alert.__table__
    with engine.connect() as conn:
        by_platform = dict(conn.execute(select(m.c.platform, func.count()).group_by(m.c.platform)
                                        .order_by(m.c.platform)).all())
        authors = conn.execute(select(func.count()).select_from(Author.__table__)).scalar_one()
        customers = conn.execute(select(func.count()).select_from(Customer.__table__)).scalar_one()
        open_alerts = conn.execute(select(func.count()).select_from(a)
                                   .where(a.c.status != "resolved")).scalar_one()
        beats = conn.execute(select(Heartbeat.__table__)).all()
    return {"mentions": sum(by_platform.values()), "by_platform": by_platform, "authors": authors,
            "customers": customers, "alerts_open": open_alerts,
            "heartbeats": [{"name": b.name, "at": b.at.isoformat(), "pid": b.pid} for b in beats]}
