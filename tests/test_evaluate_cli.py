"""`arcwatch evaluate` and `arcwatch customers show|list|link|unlink`, run as a user runs them."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from monitor import pipeline
from monitor.settings import load_config
from tests.arcdata import NOW, at

GOOD = "Love the new dashboard, great work team!"
BAD = "Still waiting 9 days for support to reply. Terrible service, thinking of cancelling."
WHEN = NOW.isoformat()


def arcwatch(env, cwd, *args, code=0) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "monitor.cli", *args], env=env, cwd=cwd, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == code, run.stderr
    return run


def _setup(engine, tmp_path) -> None:
    """The roster and the posts, imported in-process (the commands under test run as subprocesses)."""
    (tmp_path / "roster.csv").write_text("customer_id,name,customer_since,tier,twitter,reddit\n"
                                         "C1,Jane Doe,2014-02-01,gold,@JaneDoe,jane_d\n"
                                         "C2,Zed Corp,2023-09-01,,zed,\n")
    rows = [{"platform": "twitter", "id": f"t{ago}", "author": "@JaneDoe", "created_at": at(ago).isoformat(),
             "text": GOOD} for ago in range(89, 45, -1)]
    rows += [{"platform": "reddit", "id": f"r{ago}", "author": "jane_d", "created_at": at(ago).isoformat(),
              "text": BAD} for ago in range(45, -1, -1)]
    rows += [{"platform": "twitter", "id": f"z{ago}", "author": "zed", "created_at": at(ago).isoformat(),
              "text": GOOD} for ago in range(60, -1, -3)]
    rows.append({"platform": "reddit", "id": "evil", "author": "jane_d", "created_at": at(0, hour=20).isoformat(),
                 "text": "Still broken \x1b[2J\x1b[31m again, terrible support"})
    (tmp_path / "posts.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    config = load_config(data={})
    pipeline.import_roster(engine, tmp_path / "roster.csv")
    assert pipeline.import_files(engine, config, [tmp_path / "posts.jsonl"]).imported == 112


def test_evaluate_then_list_and_show(engine, cli_env, tmp_path):
    _setup(engine, tmp_path)
    first = json.loads(arcwatch(cli_env, tmp_path, "evaluate", "--now", WHEN, "--no-rules", "--format", "json").stdout)
    assert first["arcs"]["full"] is True and first["arcs"]["new_mentions"] == 112
    again = json.loads(arcwatch(cli_env, tmp_path, "evaluate", "--now", WHEN, "--format", "json").stdout)
    assert again["arcs"]["new_mentions"] == 0 and again["arcs"]["updated"] == 0
    listed = json.loads(arcwatch(cli_env, tmp_path, "customers", "list", "--now", WHEN, "--format", "json").stdout)
    assert [c["customer_id"] for c in listed] == ["C1", "C2"]
    assert listed[0]["arc"]["trend"] == "declining"
    declining = json.loads(arcwatch(cli_env, tmp_path, "customers", "list", "--trend", "declining", "--now", WHEN,
                                    "--format", "json").stdout)
    assert [c["customer_id"] for c in declining] == ["C1"]

    shown = json.loads(arcwatch(cli_env, tmp_path, "customers", "show", "C1", "--now", WHEN, "--format", "json").stdout)
    assert {"customer_id", "tenure_days", "handles", "arc", "mentions"} <= shown.keys()
    assert shown["customer_id"] == "C1"
    assert shown["tenure_days"] == (NOW.date() - at(0).date().replace(year=2014, month=2, day=1)).days
    assert {(h["platform"], h["handle"]) for h in shown["handles"]} == {("twitter", "@JaneDoe"), ("reddit", "jane_d")}
    arc = shown["arc"]
    assert {"trend", "level", "mean_30d", "mean_prior", "slope", "negative_30d", "change_point", "daily"} <= arc.keys()
    assert arc["trend"] == "declining" and arc["slope"] < 0 and arc["negative_30d"] == 31
    assert arc["change_point"] == str(at(45).date())
    assert arc["daily"][0][0] == str(at(89).date()) and len(arc["daily"]) == 90
    assert all(len(d) == 3 for d in arc["daily"])
    newest = shown["mentions"][0]
    assert newest["label"] == "negative" and newest["score"] < 0 and newest["cues"]

    text = arcwatch(cli_env, tmp_path, "customers", "show", "C1", "--now", WHEN).stdout
    assert "Jane Doe" in text and "DECLINING" in text and "jane_d" in text
    assert "█" in text and "▁" in text  # the sparkline: good weeks, then bad ones
    assert "\x1b" not in text  # a post cannot drive the terminal


def test_link_and_unlink_by_hand(engine, cli_env, tmp_path):
    _setup(engine, tmp_path)
    env = {**cli_env, "USER": "tester"}
    arcwatch(env, tmp_path, "evaluate", "--now", WHEN, "--no-rules")
    linked = json.loads(arcwatch(env, tmp_path, "customers", "link", "C2", "x", "@JaneDoe", "--as", "alice",
                                 "--format", "json").stdout)
    assert linked["action"] == "linked" and linked["origin"] == "manual:alice"
    assert linked["also_linked_to"] == ["C1"]
    out = arcwatch(env, tmp_path, "customers", "unlink", "C2", "twitter", "zed").stdout
    assert "unlinked" in out and "rebuilds" in out
    summary = json.loads(arcwatch(env, tmp_path, "evaluate", "--now", WHEN, "--no-rules", "--format", "json").stdout)
    assert summary["arcs"]["rebuilt"] == 1
    shown = json.loads(arcwatch(env, tmp_path, "customers", "show", "C2", "--now", WHEN, "--format", "json").stdout)
    handles = {h["handle"]: h for h in shown["handles"]}
    assert handles["zed"]["active"] is False and handles["zed"]["removed_by"] == "tester"
    assert handles["@JaneDoe"]["active"] is True and handles["@JaneDoe"]["origin"] == "manual:alice"
    assert shown["arc"]["mentions"] == 44  # Jane's tweets, no longer Zed's
    assert [(e["actor"], e["action"]) for e in shown["link_history"]] == [("alice", "link"), ("tester", "unlink")]
    # the unlinked handle is now its own community member
    zed = json.loads(arcwatch(env, tmp_path, "customers", "show", "twitter:zed", "--now", WHEN,
                              "--format", "json").stdout)
    assert zed["rostered"] is False and zed["arc"]["mentions"] == 21


def test_errors_are_clear(engine, cli_env, tmp_path):
    _setup(engine, tmp_path)
    bad = arcwatch(cli_env, tmp_path, "customers", "unlink", "C2", "twitter", "nobody", code=2)
    assert "is not linked to customer 'C2'" in bad.stderr
    missing = arcwatch(cli_env, tmp_path, "customers", "link", "C9", "twitter", "x", code=2)
    assert "no customer 'C9'" in missing.stderr
    unknown = arcwatch(cli_env, tmp_path, "customers", "show", "NOPE", code=1)
    assert "no customer or author 'NOPE'" in unknown.stderr
    when = arcwatch(cli_env, tmp_path, "evaluate", "--now", "yesterday", code=2)
    assert "--now" in when.stderr


def test_evaluate_text_reports_the_update(engine, cli_env, tmp_path):
    _setup(engine, tmp_path)
    out = arcwatch(cli_env, tmp_path, "evaluate", "--now", WHEN, "--no-rules").stdout
    assert "112 new mentions" in out and "from scratch" in out
    later = (NOW + timedelta(days=8)).isoformat()
    out = arcwatch(cli_env, tmp_path, "evaluate", "--now", later, "--no-rules").stdout
    assert "0 new mentions" in out and "refreshed" in out
