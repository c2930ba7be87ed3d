"""`arcwatch status`, the scorer behind the import, and `arcwatch demo` end to end."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import func, select

from monitor.models import Mention
from monitor.scoring import BatchScorer
from monitor.sentiment import ScorerSpec, VaderScorer
from monitor.store import normalise_handle


def _cli(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "monitor.cli", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)


def test_status_json_counts(cli_env, tmp_path):
    path = tmp_path / "m.jsonl"
    rows = [{"platform": p, "id": str(i), "author": f"a{i % 3}", "created_at": "2026-05-01T00:00:00Z",
             "text": "fine"} for i, p in enumerate(["twitter", "twitter", "reddit"])]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert _cli(["import", str(path)], cli_env, tmp_path).returncode == 0
    run = _cli(["status", "--format", "json"], cli_env, tmp_path)
    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout)
    assert status["mentions"] == 3
    assert status["by_platform"] == {"reddit": 1, "twitter": 2}
    assert status["authors"] == 3
    assert status["customers"] == 0 and status["alerts_open"] == 0
    assert status["sources"] == []


def test_identical_texts_are_scored_once_and_match_vader():
    texts = ["RT great product!", "worst support ever", "RT great product!", "worst support ever", "ok"]
    with BatchScorer(ScorerSpec("vader"), workers=1) as scorer:
        scores = scorer.score_all(texts)
        assert scorer.scored == 3
        scorer.score_all(["ok", "ok"])
        assert scorer.scored == 3
    vader = VaderScorer()
    for text, score in zip(texts, scores):
        expected = vader.polarity_scores(text)
        assert (score.compound, score.pos, score.neu, score.neg) == \
            (expected["compound"], expected["pos"], expected["neu"], expected["neg"])


def test_pool_scores_equal_local_scores():
    texts = [f"text number {i} is {'awful' if i % 2 else 'lovely'}" for i in range(200)]
    with BatchScorer(ScorerSpec("complaint"), workers=1) as local:
        expected = local.score_all(texts)
    with BatchScorer(ScorerSpec("complaint"), workers=2) as pooled:
        pooled.start_pool()
        assert pooled.score_all(texts) == expected


def test_handles_normalise():
    assert normalise_handle(" @Ann_Lee ") == "ann_lee"
    assert normalise_handle("u/Bob") == normalise_handle("/u/bob") == "bob"
    assert normalise_handle("@eve@Mastodon.Social") == "eve@mastodon.social"


def test_demo_runs_end_to_end_on_a_fresh_sqlite(tmp_path):
    from monitor.db import make_engine

    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("ARCWATCH_")}
    run = subprocess.run([sys.executable, "-m", "monitor.cli", "demo", "--dir", str(tmp_path / "demo")],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    demo = tmp_path / "demo"
    for page in ("index.html", "report.html", "digest.html"):
        assert (demo / page).stat().st_size > 1000, page
        assert str(demo / page) in run.stdout
    engine = make_engine(f"sqlite:///{demo / 'arcwatch.db'}")
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Mention.__table__)).scalar_one()
        platforms = conn.execute(select(func.count(func.distinct(Mention.platform)))).scalar_one()
        span = conn.execute(select(func.min(Mention.created_at), func.max(Mention.created_at))).one()
    assert total >= 10_000 and platforms >= 3
    assert (span[1] - span[0]).days >= 360
    status = json.loads(subprocess.run(
        [sys.executable, "-m", "monitor.cli", "status", "--format", "json"], capture_output=True, text=True,
        env=dict(env, ARCWATCH_DATABASE_URL=f"sqlite:///{demo / 'arcwatch.db'}"), cwd=tmp_path).stdout)
    assert status["customers"] >= 200
    assert status["alerts_open"] >= 1
    index = (demo / "index.html").read_text()
    assert "Customers whose arc is declining" in index
