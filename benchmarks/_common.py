"""Helpers shared by the benchmarks: corpora, timing, fresh databases and ratio tables."""
from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def write_corpus(path: Path, n: int, seed: int = 11) -> list[str]:
    """Write n realistic mentions as JSON Lines; return their texts in order."""
    from monitor.demo import synthetic_mentions

    texts = []
    with open(path, "w", encoding="utf-8") as fh:
        for row in synthetic_mentions(n, seed=seed):
            texts.append(row["text"])
            fh.write(json.dumps(row) + "\n")
    return texts


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def vader_baseline(texts: list[str]) -> float:
    """Texts per second of upstream VADER's polarity_scores on one core (analyzer built once)."""
    from monitor.sentiment import VaderScorer

    analyzer = VaderScorer()
    seconds, _ = timed(lambda: [analyzer.polarity_scores(t) for t in texts])
    return len(texts) / seconds


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except Exception:
        return False


COPIES = ("scratch", "incremental")  # the names pg_copy keeps copies under (bench_evaluate)


@contextmanager
def pg_database():
    """A fresh PostgreSQL database, dropped afterwards with its copies; yields its URL. Unlike a schema, a
    database can be copied whole (CREATE DATABASE ... TEMPLATE): see pg_copy."""
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            for db in (name, *(f"{name}_{copy}" for copy in COPIES)):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}"')


def pg_copy(url: str, *, restore: bool, copy: str) -> None:
    """Keep a copy of the database at `url` under the name `copy` (one of COPIES; restore=False), or put it
    back from that copy (restore=True). Nothing may be connected to the database being copied or replaced."""
    import psycopg

    assert copy in COPIES, copy
    name = url.rsplit("/", 1)[1]
    kept = f"{name}_{copy}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        # PostgreSQL 15 copies a database through its WAL by default, leaving a checkpoint of the whole copy
        # to land inside the next timed step; a file copy checkpoints before it returns
        strategy = " STRATEGY = FILE_COPY" if conn.info.server_version >= 150000 else ""
        if restore:
            conn.execute(f'DROP DATABASE "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"{strategy}')
        else:
            conn.execute(f'DROP DATABASE IF EXISTS "{kept}"')  # an earlier copy
            conn.execute(f'CREATE DATABASE "{kept}" TEMPLATE "{name}"{strategy}')
        conn.execute("CHECKPOINT")
    os.sync()


@contextmanager
def pg_schema():
    """A fresh PostgreSQL schema, dropped afterwards; yields its URL."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def store_bench_parser(doc: str, *, new: bool = True, backend: str = "both") -> argparse.ArgumentParser:
    """The options shared by the benchmarks that fill a store with a million mentions."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    if new:
        parser.add_argument("--new", type=int, default=10_000, help="mentions added for the incremental step")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default=backend)
    return parser


def print_table(title: str, rows: list[tuple[str, float, float]], baseline_name: str) -> None:
    """Print rows of (name, per-second figure, ratio to the baseline)."""
    print(f"\n{title}")
    print(f"{'measurement':<44} {'per second':>12} {'x ' + baseline_name:>22}")
    for name, rate, ratio in rows:
        print(f"{name:<44} {rate:>12,.0f} {ratio:>21.2f}x")
