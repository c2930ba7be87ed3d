"""SQL for the arcs' daily sums: mentions grouped per author or customer and UTC day, added into ArcDaily.

The grouping runs inside the database: a rebuild is one INSERT ... SELECT ... GROUP BY per kind of
subject, and an incremental evaluation reads the grouped sums of its new mentions (a row per subject
and day, never a row per mention) and adds them into ArcDaily and into the stored windows alike.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Date, String, and_, case, cast, func, literal_column, or_, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from monitor import _arcraw as raw
from monitor._arcdays import delete_subjects
from monitor._arcwriter import PendingWrite
from monitor.models import ArcDaily, Author, AuthorLink, Mention

DAILY_COLUMNS = ("subject", "day", "total", "count", "negatives", "first_at", "last_at")
CHUNK = 500


def chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    """Slices of at most `size` items, for IN lists."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def dialect_insert(conn: Connection, table):
    """An INSERT that the dialect can turn into ON CONFLICT (PostgreSQL or SQLite)."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def utc_day(conn: Connection, column) -> Any:
    """The UTC calendar day of a timestamp column, as the database can group on it."""
    if conn.dialect.name == "sqlite":
        return func.substr(column, 1, 10)  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
    return cast(func.timezone("UTC", column), Date)


def mention_filter(lo: int, hi: int, gaps: list[tuple[int, int]]) -> Any:
    """Mentions with lo < id <= hi, or inside one of the gap ranges (inclusive)."""
    m = Mention.__table__
    clauses = [and_(m.c.id > lo, m.c.id <= hi)]
    clauses += [m.c.id.between(a, b) for a, b in gaps]
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


def _sums(m, day) -> list:
    return [day, func.sum(m.c.score), func.count(), func.sum(case((m.c.label == "negative", 1), else_=0)),
            func.min(m.c.created_at), func.max(m.c.created_at)]


def author_daily(conn: Connection, where: Any):
    """SELECT of ('a:<author_id>', day, total, count, negatives, first_at, last_at) for live mentions."""
    m = Mention.__table__
    day = utc_day(conn, m.c.created_at)
    subject = literal_column("'a:'") + cast(m.c.author_id, String)
    return (select(subject, *_sums(m, day)).where(m.c.deleted.is_(False), where)
            .group_by(m.c.author_id, day))


def customer_daily(conn: Connection, where: Any):
    """The same per customer, over the authors of its active links (any platform)."""
    m, a, link = Mention.__table__, Author.__table__, AuthorLink.__table__
    day = utc_day(conn, m.c.created_at)
    joined = m.join(a, a.c.id == m.c.author_id).join(
        link, and_(link.c.platform == a.c.platform, link.c.handle_norm == a.c.handle_norm, link.c.active.is_(True)))
    subject = literal_column("'c:'") + link.c.customer_id
    return (select(subject, *_sums(m, day)).select_from(joined).where(m.c.deleted.is_(False), where)
            .group_by(link.c.customer_id, day))


def read_new_days(conn: Connection, where: Any) -> tuple[list[tuple], PendingWrite]:
    """The daily sums of the live mentions matching `where`: (subject, day, total, count, negatives, first_at,
    last_at) per author and customer subject and UTC day, in the driver's own form (read raw: see _arcraw); and
    the write that adds them into ArcDaily (summing into existing days), held back so that it can run on the
    writer thread beside the arcs' computation (monitor/arcstate.py). It must run before anything reads or
    rebuilds ArcDaily, and before the commit."""
    compiled, args = _compiled(conn, union_all(author_daily(conn, where), customer_daily(conn, where)))
    if conn.dialect.name == "postgresql":  # the sums stay in the server, for the write to take them from there
        raw.execute(conn, "DROP TABLE IF EXISTS arcdaily_add")
        raw.execute(conn, f"CREATE TEMP TABLE arcdaily_add ON COMMIT DROP AS {compiled.string}", args)
        return raw.fetch(conn, "SELECT * FROM arcdaily_add"), PendingWrite(lambda: raw.execute(
            conn, _PG_ADD.format(rows="SELECT * FROM arcdaily_add")))
    rows = sorted(raw.fetch(conn, compiled.string, args), key=_key_order)
    return rows, PendingWrite(lambda: _add_rows(conn, rows))


def _compiled(conn: Connection, stmt) -> tuple[Any, Any]:
    """The statement's SQL for the raw driver, and its parameters."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    return compiled, [params[name] for name in compiled.positiontup] if compiled.positional else params


def _add_rows(conn: Connection, rows: list[tuple]) -> None:
    """SQLite: add these daily rows, in ArcDaily's key order, into ArcDaily."""
    raw.execute_many(conn, _SQLITE_ADD, rows)


def _add_returning(conn: Connection, stmt) -> list[tuple]:
    """Add the rows of a SELECT of DAILY_COLUMNS into ArcDaily (summing into existing days); return them."""
    compiled, args = _compiled(conn, stmt)
    if conn.dialect.name == "postgresql":  # one round trip: a data-modifying CTE adds what it returns
        added = _PG_ADD.format(rows="SELECT * FROM new")
        return raw.fetch(conn, f"WITH new AS ({compiled.string}), added AS ({added}) SELECT * FROM new", args)
    rows = sorted(raw.fetch(conn, compiled.string, args), key=_key_order)
    _add_rows(conn, rows)
    return rows


def _key_order(row: tuple) -> tuple:
    return row[1], row[0]  # ArcDaily's key: (day, subject)


# the same sums as add_daily's and as _arcwindow.add_days', so ArcDaily and the stored windows stay equal
_DAILY_UPSERT = ("ON CONFLICT (subject, day) DO UPDATE SET total = arcdaily.total + excluded.total, "
                 "count = arcdaily.count + excluded.count, negatives = arcdaily.negatives + excluded.negatives, "
                 "first_at = {least}(arcdaily.first_at, excluded.first_at), "
                 "last_at = {greatest}(arcdaily.last_at, excluded.last_at)")
_INSERT_DAILY = f"INSERT INTO arcdaily ({', '.join(DAILY_COLUMNS)})"
# PostgreSQL adds the rows of a SELECT ({rows}), in ArcDaily's key order; SQLite adds rows sent with the statement
_PG_ADD = f"{_INSERT_DAILY} {{rows}} ORDER BY 2, 1 {_DAILY_UPSERT.format(least='least', greatest='greatest')}"
_SQLITE_ADD = f"{_INSERT_DAILY} VALUES (?, ?, ?, ?, ?, ?, ?) {_DAILY_UPSERT.format(least='min', greatest='max')}"


def add_daily(conn: Connection, query) -> None:
    """Add the query's rows into ArcDaily (summing into existing days), all inside the database."""
    d = ArcDaily.__table__
    stmt = dialect_insert(conn, d).from_select(list(DAILY_COLUMNS), query)
    ex = stmt.excluded
    least = func.least if conn.dialect.name == "postgresql" else func.min  # sqlite: two-argument min()
    greatest = func.greatest if conn.dialect.name == "postgresql" else func.max
    conn.execute(stmt.on_conflict_do_update(index_elements=["subject", "day"], set_={
        "total": d.c.total + ex.total, "count": d.c.count + ex.count, "negatives": d.c.negatives + ex.negatives,
        "first_at": least(d.c.first_at, ex.first_at), "last_at": greatest(d.c.last_at, ex.last_at)}))


def rebuild_daily(conn: Connection, *, authors: list[int], customers: list[str], top: int) -> list[tuple]:
    """Replace the daily rows of these subjects by sums over all their live mentions with id <= top;
    return the new rows, as add_new_days does."""
    m, link = Mention.__table__, AuthorLink.__table__
    delete_subjects(conn, [f"a:{a}" for a in authors] + [f"c:{c}" for c in customers])
    rows = []
    for chunk in chunks(authors):
        rows += _add_returning(conn, author_daily(conn, and_(m.c.author_id.in_(chunk), m.c.id <= top)))
    for chunk in chunks(customers):
        rows += _add_returning(conn, customer_daily(conn, and_(link.c.customer_id.in_(chunk), m.c.id <= top)))
    return rows


def refresh_statistics(conn: Connection) -> None:
    """After a rebuild on PostgreSQL, ANALYZE the arc tables: stale statistics turn the next incremental
    run's lookups by subject into whole-table scans."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE arcdaily, arcstate")


# The tables an evaluation reads its new mentions through, and when a table's statistics are stale: never
# gathered (reltuples -1), or autovacuum's default rule, more rows changed since its last ANALYZE than 50
# plus a tenth of its rows (a database made from a template starts that count at 0, hence the first test)
_SOURCE_TABLES = ("mention", "author", "authorlink")
_STALE = "(c.reltuples < 0 OR s.n_mod_since_analyze > 50 + 0.1 * c.reltuples)"


def refresh_stale_statistics(conn: Connection) -> list[str]:
    """PostgreSQL: ANALYZE the source tables whose statistics are stale, as autovacuum would; return them.

    A bulk import leaves the planner with no statistics, or old ones, until autovacuum analyzes the
    tables, and not at all on a server where autovacuum is off. Planned blind, the evaluation's join of
    new mentions to customers hashed every author and link in the store (measured after importing
    1,000,000 mentions: 146 ms for 10,000 new ones, 112 ms once analyzed). An ANALYZE reads a sample
    (about 30,000 rows), whatever the table's size."""
    if conn.dialect.name != "postgresql":
        return []
    stale = [r[0] for r in conn.exec_driver_sql(
        "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
        f"WHERE s.relid = ANY(%(tables)s::regclass[]) AND {_STALE} ORDER BY s.relname",
        {"tables": list(_SOURCE_TABLES)})]
    if stale:
        conn.exec_driver_sql(f"ANALYZE {', '.join(stale)}")  # names from the catalog, matched to ours above
    return stale


def customers_of_authors(conn: Connection, author_ids: list[int]) -> set[str]:
    """Customers actively linked to any of these authors."""
    a, link = Author.__table__, AuthorLink.__table__
    found: set[str] = set()
    for chunk in chunks(author_ids):
        found.update(r[0] for r in conn.execute(
            select(link.c.customer_id).select_from(a.join(link, and_(
                link.c.platform == a.c.platform, link.c.handle_norm == a.c.handle_norm)))
            .where(a.c.id.in_(chunk), link.c.active.is_(True)).distinct()))
    return found


def missing_ids(conn: Connection, lo: int, hi: int) -> list[tuple[int, int]]:
    """Ranges of ids in (lo, hi] that no visible mention has: rows other transactions may still commit."""
    if hi <= lo:
        return []
    m = Mention.__table__
    present = conn.execute(select(func.count()).where(m.c.id > lo, m.c.id <= hi)).scalar_one()
    if present == hi - lo:
        return []
    prev = func.lag(m.c.id).over(order_by=m.c.id)
    inner = select(m.c.id.label("id"), prev.label("prev")).where(m.c.id > lo, m.c.id <= hi).subquery()
    rows = conn.execute(select(inner.c.prev, inner.c.id)
                        .where(inner.c.id - func.coalesce(inner.c.prev, lo) > 1)).all()
    gaps = [((prev if prev is not None else lo) + 1, ident - 1) for prev, ident in rows]
    last = conn.execute(select(func.max(m.c.id)).where(m.c.id > lo, m.c.id <= hi)).scalar()
    if last is None:
        return [(lo + 1, hi)]
    if last < hi:
        gaps.append((last + 1, hi))
    return gaps


def still_missing(conn: Connection, gaps: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """The parts of these ranges that still hold no visible mention, as (first, last, index of range)."""
    m = Mention.__table__
    present: set[int] = set()
    for chunk in chunks(gaps, 100):
        present.update(r[0] for r in conn.execute(
            select(m.c.id).where(or_(*[m.c.id.between(a, b) for a, b in chunk]))))
    left: list[tuple[int, int, int]] = []
    for index, (a, b) in enumerate(gaps):
        start = a
        for ident in sorted(i for i in present if a <= i <= b):
            if ident > start:
                left.append((start, ident - 1, index))
            start = ident + 1
        if start <= b:
            left.append((start, b, index))
    return left
