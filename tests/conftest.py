"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and the shared real data."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ARCWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
PG_URL = os.environ.get("ARCWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

_pg_state: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it answers."""
    if "reason" not in _pg_state:
        try:
            import psycopg

            with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), connect_timeout=3):
                _pg_state["reason"] = None
        except Exception as exc:  # any failure means: skip, and say why
            _pg_state["reason"] = f"no PostgreSQL server answers at {PG_URL}: {exc}"
    return _pg_state["reason"]


def _new_pg_schema() -> tuple[str, str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def _drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A URL of an empty database of its own: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arcwatch.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    schema, url = _new_pg_schema()
    try:
        yield url
    finally:
        _drop_pg_schema(schema)


@pytest.fixture
def engine(db_url):
    """A migrated engine on the test's own database."""
    from monitor.db import open_store

    eng = open_store(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite database of the test's own, for tests that only need one backend."""
    return f"sqlite:///{tmp_path / 'arcwatch.db'}"


@pytest.fixture
def shared_data() -> Path:
    """The real recorded data in ../shared/data; skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real recorded data not found at {SHARED_DATA} (../shared/data)")
    return SHARED_DATA


@pytest.fixture
def cli_env(db_url, tmp_path) -> dict[str, str]:
    """Environment for running `arcwatch` as a subprocess on the test's database."""
    env = dict(os.environ)
    env["ARCWATCH_DATABASE_URL"] = db_url
    env.pop("ARCWATCH_CONFIG", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env
