"""The streaming import: hostile files keep their good rows, re-imports change nothing, crashes lose nothing."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sqlalchemy import func, select, text

from monitor.models import Author, Mention
from monitor.settings import load_config
from monitor import pipeline


def _config(db_url, **imp):
    cfg = load_config(data={"database": {"url": db_url}, "import": imp})
    return cfg


def _line(**fields) -> bytes:
    return json.dumps(fields).encode() + b"\n"


GOOD = dict(platform="twitter", author="@Alice", created_at="2026-03-01T09:30:00Z")


def hostile_jsonl(path):
    """A file covering every rejection case, with good rows between them. Returns the good ids."""
    rows = [
        b"\xef\xbb\xbf" + _line(id="1", text="Support fixed it fast, thank you!", **GOOD),   # 1: BOM line
        _line(id="2", text="Been waiting 9 days for a reply", **GOOD)[:-1] + b"\r\n",          # 2: CRLF
        b"{not json\n",                                                                        # 3
        b"[1, 2, 3]\n",                                                                        # 4
        _line(id="5", platform="twitter", author="bob", created_at="2026-03-01T00:00:00Z"),  # 5: no text
        _line(id="6", text=["a", "list"], **GOOD),                                             # 6: wrong type
        _line(id="7", text="when?", platform="reddit", author="u/carol", created_at="next tuesday"),  # 7
        b'{"platform": "twitter", "id": "8", "author": "d\xff", "created_at": 1, "text": "x"}\n',  # 8
        _line(id="9", text="x" * 40001, **GOOD),                                               # 9: too long
        _line(id="10", text="nul\u0000 inside", platform="reddit", author="u/Dave",
              created_at=1772357400, url="https://example.com/r/1", extra_field={"kept": True}),  # 10
        _line(id="11", text="offset time", platform="mastodon", author="@eve@example.social",
              created_at="2026-03-01T10:00:00+02:00", lang="en", parent_id=10),                   # 11
        _line(text="no id", **GOOD),                                                           # 12
        _line(id="1", text="Support fixed it fast, thank you!", **GOOD),                       # 13: dup in file
        b"\n",                                                                                 # 14: blank
        _line(id="x" * 257, text="an id longer than the column", **GOOD),                      # 15
        _line(id="16", text="a language tag that is no tag", lang="english-as-spoken-here", **GOOD),  # 16
    ]
    path.write_bytes(b"".join(rows))
    return {("twitter", "1"), ("twitter", "2"), ("reddit", "10"), ("mastodon", "11")}


EXPECTED_REJECTED = {3: "not valid JSON", 4: "not a JSON object", 5: "'text' is missing",
                     6: "'text' must be a string", 7: "cannot parse date", 8: "not valid UTF-8",
                     9: "over max_text_chars", 12: "'id' is missing", 15: "'id' is 257 characters",
                     16: "'lang' is 22 characters"}


def test_hostile_file_keeps_good_rows_and_reports_each_bad_line(engine, db_url, tmp_path):
    path = tmp_path / "hostile.jsonl"
    good = hostile_jsonl(path)
    summary = pipeline.import_files(engine, _config(db_url), [path])

    assert summary.read == 15
    assert summary.imported == 4
    assert summary.duplicates == 1
    rejected = {r.line: r.reason for r in summary.rejected}
    assert set(rejected) == set(EXPECTED_REJECTED)
    for line, reason in EXPECTED_REJECTED.items():
        assert reason in rejected[line], (line, rejected[line])
    assert all(r.file == str(path) for r in summary.rejected)

    with engine.connect() as conn:
        stored = {(r.platform, r.external_id): r for r in conn.execute(select(Mention.__table__))}
    assert set(stored) == good
    nul_row = stored[("reddit", "10")]
    assert nul_row.text == "nul inside"
    assert nul_row.raw["extra_field"] == {"kept": True}
    assert nul_row.url == "https://example.com/r/1"
    assert nul_row.created_at.isoformat() == "2026-03-01T09:30:00+00:00"
    assert stored[("mastodon", "11")].created_at.isoformat() == "2026-03-01T08:00:00+00:00"
    assert stored[("mastodon", "11")].parent_id == "10"
    assert stored[("twitter", "1")].label == "positive"
    for row in stored.values():
        assert row.label in ("negative", "neutral", "positive")
        assert -1 <= row.compound <= 1 and abs(row.pos + row.neu + row.neg - 1) < 0.01


def test_reimport_imports_nothing(engine, db_url, tmp_path):
    path = tmp_path / "hostile.jsonl"
    hostile_jsonl(path)
    cfg = _config(db_url)
    pipeline.import_files(engine, cfg, [path])
    again = pipeline.import_files(engine, cfg, [path])
    assert again.imported == 0
    assert again.duplicates == 5
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Mention.__table__)).scalar_one() == 4


def test_authors_match_case_insensitively_without_at_sign(engine, db_url, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(_line(id="1", text="hi", **GOOD) +
                     _line(id="2", text="hello", **dict(GOOD, author="alice")) +
                     _line(id="3", text="hey", **dict(GOOD, author="ALICE", platform="reddit")))
    pipeline.import_files(engine, _config(db_url), [path])
    with engine.connect() as conn:
        authors = conn.execute(select(Author.platform, Author.handle_norm).order_by(Author.platform)).all()
    assert [tuple(a) for a in authors] == [("reddit", "alice"), ("twitter", "alice")]


def test_csv_with_column_map_bom_crlf_and_bare_cr(engine, db_url, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(
        b"\xef\xbb\xbf,tweet_id,user,when,body\r\n"
        b"0,100,@Zed,Tue Oct 31 22:10:47 +0000 2017,\"multi\r\nline, quoted\"\r\n"
        b"1,101,zed,2017-10-31T22:11:45Z,bare \r\rcarriage returns\r\n"
        b"2,102,zed,not a date,bad\r\n"
        b"3,103,zed,2017-10-31T22:11:45Z\r\n")
    mapping = {"id": "tweet_id", "author": "user", "created_at": "when", "text": "body"}
    summary = pipeline.import_files(engine, _config(db_url), [path], platform="twitter", mapping=mapping)
    assert summary.imported == 2
    assert {(r.line, r.reason.split(" ")[0]) for r in summary.rejected} == {(5, "cannot"), (6, "has")}
    with engine.connect() as conn:
        texts = dict(conn.execute(select(Mention.external_id, Mention.text)).all())
    assert texts == {"100": "multi\nline, quoted", "101": "bare \r\rcarriage returns"}  # CRLF normalised


def test_cli_json_summary_and_exit_status(cli_env, tmp_path):
    path = tmp_path / "hostile.jsonl"
    hostile_jsonl(path)
    run = subprocess.run([sys.executable, "-m", "monitor.cli", "import", str(path), "--format", "json"],
                         capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert (summary["read"], summary["imported"], summary["duplicates"]) == (15, 4, 1)
    assert {r["line"] for r in summary["rejected"]} == set(EXPECTED_REJECTED)
    assert all(set(r) == {"file", "line", "reason"} for r in summary["rejected"])

    missing = subprocess.run([sys.executable, "-m", "monitor.cli", "import", str(tmp_path / "nope.jsonl")],
                             capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert missing.returncode != 0
    assert "nope.jsonl" in missing.stderr


def test_pooled_import_scores_each_text_once_and_stores_the_scorers_own_scores(engine, db_url, tmp_path):
    from monitor.sentiment import build_scorer, spec_from_config

    texts = ["Still waiting on my refund, third email this week", "Love the new dashboard!",
             "how do I export my data?", "Support closed my ticket without fixing anything. Again.",
             "ok thanks", "worst update ever, everything is slow", "Customer for 8 years and this is a first"]
    path = tmp_path / "retweets.jsonl"
    path.write_bytes(b"".join(_line(id=str(i), text=texts[i % len(texts)], platform="twitter",
                                    author=f"user{i % 40}", created_at=1767225600 + i) for i in range(3000)))
    cfg = _config(db_url, batch_size=500, parallel_min_bytes=1)  # the worker pool, in six batches
    summary = pipeline.import_files(engine, cfg, [path])
    assert (summary.imported, summary.scored) == (3000, len(texts))

    scorer = build_scorer(spec_from_config(cfg))
    with engine.connect() as conn:
        stored = conn.execute(select(Mention.text, Mention.compound, Mention.pos, Mention.neu, Mention.neg,
                                     Mention.score, Mention.label, Mention.cues)).all()
    assert len(stored) == 3000
    for text, compound, pos, neu, neg, score, label, cues in stored:
        expected = scorer.score(text)
        assert (compound, pos, neu, neg, label) == (expected.compound, expected.pos, expected.neu, expected.neg,
                                                    expected.label)
        assert score == pytest.approx(expected.score) and (cues or []) == list(expected.cues)
    with engine.connect() as conn:
        claimed = conn.execute(select(Author.claimed_tenure_years).where(Author.claimed_tenure_years.is_not(None)))
        assert {round(r[0]) for r in claimed} == {8}

    again = pipeline.import_files(engine, cfg, [path])
    assert (again.imported, again.duplicates, again.scored) == (0, 3000, 0)


def test_a_file_with_a_few_stored_rows_keeps_the_rest(engine, db_url, tmp_path):
    """Stored rows scattered through a large batch are skipped, not failed on, and counted as duplicates."""
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(b"".join(_line(id=str(i), text=f"early post {i}", **GOOD) for i in (5, 77, 333)))
    second.write_bytes(b"".join(_line(id=str(i), text=f"post {i}", **GOOD) for i in range(10_000)))
    cfg = _config(db_url)
    assert pipeline.import_files(engine, cfg, [first]).imported == 3
    summary = pipeline.import_files(engine, cfg, [second])
    assert (summary.read, summary.imported, summary.duplicates) == (10_000, 9_997, 3)
    with engine.connect() as conn:
        texts = dict(conn.execute(select(Mention.external_id, Mention.text)).all())
    assert len(texts) == 10_000
    assert texts["77"] == "early post 77" and texts["78"] == "post 78"  # the stored row is left as it was


def _write_corpus(path, n):
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"platform": "twitter", "id": str(i), "author": f"user{i % 997}",
                                 "created_at": 1767225600 + i * 60,
                                 "text": f"Order {i % 50} arrived late again, still waiting on support"
                                 if i % 3 else f"Love the new release number {i % 7}!"}) + "\n")


def _count(engine_url):
    from monitor.db import make_engine

    eng = make_engine(engine_url)
    try:
        with eng.connect() as conn:
            return conn.execute(text("SELECT count(*), count(DISTINCT external_id) FROM mention")).one()
    except Exception:
        return (0, 0)
    finally:
        eng.dispose()


def _big_import(tmp_path, n: int, config: str) -> list[str]:
    """The `arcwatch import` command line of an n-row corpus, in small batches on the pool, with more config."""
    path = tmp_path / "big.jsonl"
    _write_corpus(path, n)
    (tmp_path / "config.toml").write_text("[import]\nbatch_size = 500\nparallel_min_bytes = 1\n" + config)
    return [sys.executable, "-m", "monitor.cli", "--config", str(tmp_path / "config.toml"),
            "import", str(path), "--format", "json"]


def test_kill_9_mid_import_then_reimport_stores_every_row_exactly_once(db_url, cli_env, tmp_path):
    n = 30_000
    cmd = _big_import(tmp_path, n, "")
    proc = subprocess.Popen(cmd, env=cli_env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while _count(db_url)[0] < 2000 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "import finished before it could be killed; make the corpus larger"
    os.killpg(proc.pid, signal.SIGKILL)  # the importer and its scoring workers, with no chance to clean up
    proc.wait()
    stored_before, _ = _count(db_url)
    assert 0 < stored_before < n

    rerun = subprocess.run(cmd, env=cli_env, cwd=tmp_path, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    total, distinct = _count(db_url)
    assert (total, distinct) == (n, n)
    assert summary["imported"] == n - stored_before
    assert summary["duplicates"] == stored_before


def _children(pid: int) -> list[int]:
    """Live child processes of pid, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads worker processes from /proc")
def test_a_scoring_worker_killed_mid_import_loses_nothing_and_the_import_finishes(db_url, cli_env, tmp_path):
    # what the OOM killer does to one worker: with multiprocessing.Pool or ProcessPoolExecutor the import
    # waited for ever for the lost result (monitor/_procpool.py)
    n = 30_000
    proc = subprocess.Popen(_big_import(tmp_path, n, "workers = 2\n"), env=cli_env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # killed as soon as it exists: jobs of all 60 batches are yet to be sent to it
    assert proc.poll() is None, "import finished before a worker could be killed; make the corpus larger"
    victim = _children(proc.pid)[0]
    os.kill(victim, signal.SIGKILL)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the import hung after one of its workers died")
    assert proc.returncode == 0, err
    assert f"worker process {victim} died (killed by signal 9)" in err
    summary = json.loads(out)
    assert (summary["read"], summary["imported"], summary["rejected"]) == (n, n, [])
    assert _count(db_url) == (n, n)
    from monitor.db import make_engine

    eng = make_engine(db_url)
    with eng.connect() as conn:  # every row scored, by the worker or by the importer that took over
        assert conn.execute(text("SELECT count(*) FROM mention WHERE label IS NULL")).scalar_one() == 0
    eng.dispose()


def test_memory_stays_flat_as_the_file_grows(sqlite_url, tmp_path):
    """Peak memory of importing 5x more rows stays close to the smaller import's."""
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    _write_corpus(small, 20_000)
    _write_corpus(large, 100_000)
    probe = ("import resource, sys; from monitor.cli import main; main(sys.argv[1:]); "
             "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")
    # Small batches, so that the small file already holds more batches than are ever in flight at once.
    (tmp_path / "config.toml").write_text("[import]\nbatch_size = 2000\n")
    peaks = []
    for i, path in enumerate((small, large)):
        env = dict(os.environ, ARCWATCH_DATABASE_URL=f"sqlite:///{tmp_path}/m{i}.db")
        run = subprocess.run([sys.executable, "-c", probe, "--config", str(tmp_path / "config.toml"), "import",
                              str(path)], env=env, cwd=tmp_path,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        peaks.append(int(run.stderr.rsplit("RSS ", 1)[1].split()[0]))
    assert peaks[1] < peaks[0] * 1.25 + 16_000, f"peak RSS grew from {peaks[0]} KiB to {peaks[1]} KiB"
