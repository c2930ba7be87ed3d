"""The customer roster: import, re-import that never silently drops links, bad rows by line."""
from __future__ import annotations

import json
import subprocess
import sys

from sqlalchemy import select

from monitor.models import AuthorLink, Customer
from monitor.roster import import_roster

ROSTER = (
    "customer_id,name,customer_since,account,tier,owner,email,twitter,reddit,mastodon,notes\n"
    "C1,Ann Lee,2015-03-01,Northwind,enterprise,dana,ann@northwind.example,@AnnLee;ann_alt,u/Ann_L,@ann@mastodon.social,vip\n"
    "C2,,2020-01-01,,,,,bob,,,\n"
    "C3,Cid Roe,not a date,,,,,cid,,,\n"
    "C4,Dee Fox,2024-02-29,,starter,,,,,,\n"
)


def _links(engine):
    with engine.connect() as conn:
        return {(r.customer_id, r.platform, r.handle_norm, r.active)
                for r in conn.execute(select(AuthorLink.__table__))}


def test_roster_import_links_normalised_handles_and_reports_bad_rows(engine, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    summary = import_roster(engine, path)
    assert (summary.read, summary.customers_added, summary.links_added) == (4, 2, 4)
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "required field 'name' is missing"), (4, "customer_since 'not a date' is not a date (YYYY-MM-DD)")]
    assert summary.ignored_columns == ["notes"]
    assert _links(engine) == {("C1", "twitter", "annlee", True), ("C1", "twitter", "ann_alt", True),
                              ("C1", "reddit", "ann_l", True), ("C1", "mastodon", "ann@mastodon.social", True)}
    with engine.connect() as conn:
        ann = conn.execute(select(Customer.__table__).where(Customer.customer_id == "C1")).one()
    assert (ann.name, str(ann.customer_since), ann.tier, ann.email) == \
        ("Ann Lee", "2015-03-01", "enterprise", "ann@northwind.example")


def test_reimport_updates_and_keeps_links_that_left_the_file(engine, tmp_path):
    first, second = tmp_path / "r1.csv", tmp_path / "r2.csv"
    first.write_text(ROSTER)
    import_roster(engine, first)
    second.write_text("customer_id,name,customer_since,tier,twitter,bluesky\n"
                      "C1,Ann Lee-Park,2015-03-01,pro,annlee,ann.bsky.social\n")
    summary = import_roster(engine, second)
    assert (summary.customers_added, summary.customers_updated, summary.links_added) == (0, 1, 1)
    assert sorted(summary.links_not_in_file) == [("C1", "mastodon", "ann@mastodon.social"),
                                                 ("C1", "reddit", "ann_l"), ("C1", "twitter", "ann_alt")]
    links = _links(engine)
    assert ("C1", "twitter", "ann_alt", True) in links, "a link missing from the new file must be kept"
    assert ("C1", "bluesky", "ann.bsky.social", True) in links
    with engine.connect() as conn:
        ann = conn.execute(select(Customer.__table__).where(Customer.customer_id == "C1")).one()
    assert (ann.name, ann.tier) == ("Ann Lee-Park", "pro")
    again = import_roster(engine, second)
    assert (again.customers_added, again.links_added) == (0, 0)


def test_cli_roster_import_json(cli_env, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    run = subprocess.run([sys.executable, "-m", "monitor.cli", "customers", "import", str(path), "--format", "json"],
                         capture_output=True, text=True, env=cli_env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["customers_added"] == 2
    assert [r["line"] for r in out["rejected"]] == [3, 4]
