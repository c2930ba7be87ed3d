"""`arcwatch alerts ...` and `arcwatch rules ...` run as a user runs them: as a subprocess."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import timedelta

from monitor.ruleeval import run_rules
from monitor.settings import load_config
from tests.alertdata import NOW, add_author, add_mention, frustrated_customer


def arcwatch(cli_env, tmp_path, *args, check=True) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "monitor.cli", *args], env={**cli_env, "ARCWATCH_USER": "cli-user"},
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    if check:
        assert run.returncode == 0, run.stderr
    return run


def _seed(engine) -> dict[str, int]:
    with engine.begin() as conn:
        frustrated_customer(conn, "C1", name="Ada <script>alert(1)</script>")
        lead = add_author(conn, "prospect", platform="reddit")
        add_mention(conn, lead, NOW - timedelta(hours=1), score=0.0, cues=["buying_intent"], platform="reddit",
                    text="=HYPERLINK(\"http://evil\") any alternatives to Globex?", url="https://reddit.com/r/x/1")
    run_rules(engine, load_config(data={}), NOW)
    from monitor import alerts
    return {v.rule: v.id for v in alerts.list_alerts(engine)}


def test_list_json_has_the_documented_fields(engine, cli_env, tmp_path):
    ids = _seed(engine)
    listed = json.loads(arcwatch(cli_env, tmp_path, "alerts", "list", "--format", "json").stdout)
    assert {"id", "rule", "customer_id", "author", "severity", "status", "assignee", "created_at"} <= set(listed[0])
    by_rule = {a["rule"]: a for a in listed}
    assert by_rule["frustrated-long-time-customer"]["customer_id"] == "C1"
    assert by_rule["buying-intent"]["customer_id"] is None and by_rule["buying-intent"]["author"] == "prospect"
    assert by_rule["buying-intent"]["id"] == ids["buying-intent"] and by_rule["buying-intent"]["assignee"] is None
    only = json.loads(arcwatch(cli_env, tmp_path, "alerts", "list", "--rule", "buying-intent", "--format",
                               "json").stdout)
    assert [a["rule"] for a in only] == ["buying-intent"]
    text = arcwatch(cli_env, tmp_path, "alerts", "list").stdout
    assert "frustrated-long-time-customer" in text and "buying-intent" in text


def test_triage_from_the_command_line(engine, cli_env, tmp_path):
    ids = _seed(engine)
    aid = str(ids["frustrated-long-time-customer"])
    assert "claimed, assigned to sam" in arcwatch(cli_env, tmp_path, "alerts", "claim", aid, "--as", "sam").stdout
    arcwatch(cli_env, tmp_path, "alerts", "note", aid, "left a voicemail")  # --as defaults to $ARCWATCH_USER
    snoozed = arcwatch(cli_env, tmp_path, "alerts", "snooze", aid, "--until", "2d", "--as", "sam").stdout
    assert "snoozed until" in snoozed
    bad = arcwatch(cli_env, tmp_path, "alerts", "resolve", aid, "--reason", "meh", "--as", "sam", check=False)
    assert bad.returncode == 2 and "unknown resolution reason 'meh'" in bad.stderr and "reached out" in bad.stderr
    arcwatch(cli_env, tmp_path, "alerts", "resolve", aid, "--reason", "reached out", "--as", "sam")
    again = arcwatch(cli_env, tmp_path, "alerts", "claim", aid, "--as", "sam", check=False)
    assert again.returncode == 2 and "is resolved" in again.stderr
    missing = arcwatch(cli_env, tmp_path, "alerts", "show", "999", check=False)
    assert missing.returncode == 2 and "no alert #999" in missing.stderr
    shown = json.loads(arcwatch(cli_env, tmp_path, "alerts", "show", aid, "--format", "json").stdout)
    trail = [(e["kind"], e["actor"]) for e in shown["events"]]
    assert trail[-4:] == [("claimed", "sam"), ("note", "cli-user"), ("snoozed", "sam"), ("resolved", "sam")]
    assert shown["alert"]["status"] == "resolved" and shown["alert"]["resolution"] == "reached out"
    text = arcwatch(cli_env, tmp_path, "alerts", "show", aid).stdout
    assert "support ignored me again" in text and "left a voicemail" in text
    listed = json.loads(arcwatch(cli_env, tmp_path, "alerts", "list", "--format", "json").stdout)
    assert [a["rule"] for a in listed] == ["buying-intent"]  # resolved ones are hidden by default
    assert len(json.loads(arcwatch(cli_env, tmp_path, "alerts", "list", "--status", "all", "--format",
                                   "json").stdout)) == 2


def test_export_leads_as_csv_without_formula_injection(engine, cli_env, tmp_path):
    _seed(engine)
    out = arcwatch(cli_env, tmp_path, "alerts", "export", "--rule", "buying-intent", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert rows[0]["author"] == "prospect" and rows[0]["platform"] == "reddit" and rows[0]["customer_id"] == ""
    assert rows[0]["mention_url"] == "https://reddit.com/r/x/1" and rows[0]["cues"] == "buying_intent"
    assert rows[0]["mention_text"].startswith("'=HYPERLINK")  # a CRM or spreadsheet will not run it


def test_rules_check_and_test(engine, cli_env, tmp_path):
    _seed(engine)
    ok = arcwatch(cli_env, tmp_path, "rules", "check").stdout
    assert "4 rules OK" in ok and "volume-spike" in ok
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "oops"\ndescription = "x"\nwhen = "level < 0 and tier > 1"\n')
    failed = arcwatch(cli_env, tmp_path, "rules", "check", str(bad), check=False)
    assert failed.returncode == 2
    assert "rule 'oops'" in failed.stderr and "column 15" in failed.stderr and "tier is a string" in failed.stderr
    flagged = json.loads(arcwatch(cli_env, tmp_path, "rules", "test", "frustrated-long-time-customer", "--now",
                                  NOW.isoformat(), "--format", "json").stdout)
    assert [f["subject"] for f in flagged] == ["c:C1"]
    assert flagged[0]["why"]["trend"] == "declining" and flagged[0]["open_alert"] is not None
    text = arcwatch(cli_env, tmp_path, "rules", "test", "churn-intent", "--now", NOW.isoformat()).stdout
    assert "0 would be flagged" in text
    unknown = arcwatch(cli_env, tmp_path, "rules", "test", "nope", check=False)
    assert unknown.returncode == 2 and "no rule named 'nope'" in unknown.stderr
    fields = arcwatch(cli_env, tmp_path, "rules", "fields").stdout
    assert "tenure_days" in fields and "volume_z" in fields
