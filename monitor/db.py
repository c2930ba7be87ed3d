"""Engines for SQLite (WAL) and PostgreSQL, and schema migrations through Alembic."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

_MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """Map a plain postgresql:// URL onto the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for the URL, with SQLite tuned for WAL and concurrent readers."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL stays consistent after a crash
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def bulk_write_pragmas(conn: Connection) -> list[str]:
    """Tune an SQLite connection for a bulk write (an import, an arc update); returns the pragmas that undo it.

    A 64 MB page cache keeps the hot pages of the tables and indexes written in memory: with the default 2 MB,
    random inserts into the mention indexes, and an arc update's rewrites spread over ArcState and ArcDaily,
    re-read pages all the time, and dirty ones spill into the WAL before the commit writes them once more. It
    bounds memory however large the write is. Checkpoints every ~40 MB of WAL rather than every 4 MB: each one
    syncs, and an fsync is costly here (~150 ms of a 10,000-mention arc update on this machine's disk); pages
    rewritten by successive writes are copied back once per checkpoint. Durability is unchanged (WAL,
    synchronous=NORMAL)."""
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in ("cache_size", "wal_autocheckpoint")}
    conn.exec_driver_sql("PRAGMA cache_size=-65536")
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=10000")
    conn.commit()
    return [f"PRAGMA {name}={int(value)}" for name, value in before.items()]


def alembic_config(engine: Engine) -> AlembicConfig:
    """An Alembic configuration bound to this engine."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest revision; keeps all data."""
    command.upgrade(alembic_config(engine), "heads")


def open_store(url: str) -> Engine:
    """An engine whose schema is up to date."""
    engine = make_engine(url)
    migrate(engine)
    return engine
