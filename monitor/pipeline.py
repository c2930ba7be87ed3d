"""The orchestration entry points. The CLI, the scheduler and the web app are thin shells over these.

Data flows one way: connectors -> store -> sentiment/arcs -> rules -> alerts -> digests/reports.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from monitor.importer import RowRules
from monitor.ingest import ImportSummary, import_files as _import_files
from monitor.sentiment import spec_from_config
from monitor.settings import Config


def import_files(engine: Engine, config: Config, paths: list[str | Path], *, platform: str | None = None,
                 mapping: dict[str, str] | None = None, progress: bool | None = None) -> ImportSummary:
    """Import JSON Lines / CSV mention files into the store, scoring every new mention."""
    imp = config.get("import", "batch_size"), getattr(config, "import")
    rules = RowRules(platform=platform, mapping=mapping or {}, max_text_chars=imp[1].max_text_chars)
    return _import_files(engine, paths, rules=rules, spec=spec_from_config(config), batch_size=imp[0],
                         workers=imp[1].workers, parallel_min_bytes=imp[1].parallel_min_bytes,
                         progress=progress)


def status(engine: Engine) -> dict:
    """Counts of everything stored, with each source's health, for `arcwatch status`."""
    from monitor.store import source_health, status_counts

    counts = status_counts(engine)
    counts["sources"] = [
        {"name": s.name, "kind": s.kind, "last_run": s.last_run and s.last_run.isoformat(),
         "last_success": s.last_success and s.last_success.isoformat(), "last_error": s.last_error,
         "consecutive_failures": s.consecutive_failures, "fetched": s.fetched}
        for s in source_health(engine)]
    return counts


def import_roster(engine: Engine, path: str | Path):
    """Import or update the customer roster from a CRM export."""
    from monitor.roster import import_roster as _import_roster

    return _import_roster(engine, path)


# --- arcs, identity and customers (issue 4) ---------------------------------------------------

def arc_params(config: Config):
    """The arc's tuning from [arcs]."""
    from monitor.arcs import ArcParams
    from monitor.errors import ConfigError

    arcs = config.arcs
    for key, ok, expected in (("half_life_days", arcs.half_life_days > 0, "a positive number of days"),
                              ("trend_window_days", arcs.trend_window_days >= 14, "at least 14 (days)"),
                              ("decline_slope", arcs.decline_slope < 0, "a negative slope, e.g. -0.004"),
                              ("workers", arcs.workers >= 0, "0 (one per CPU core) or a number of processes")):
        if not ok:
            raise ConfigError(config.path, f"arcs.{key}", expected, getattr(arcs, key))
    return ArcParams(half_life_days=arcs.half_life_days, trend_window_days=arcs.trend_window_days,
                     decline_slope=arcs.decline_slope)


def evaluate(engine: Engine, config: Config, now=None, *, rebuild: bool = False, rules: bool = True,
             wait: bool = False):
    """Bring every arc up to date (`_run_arcs`), then run the alert rules on it; an EvaluateSummary.

    The scheduler calls this after each pull. rebuild=True recomputes every arc from scratch; wait=True
    waits for the rules' notifications to be delivered (a command about to exit wants that)."""
    from monitor.arcupdate import EvaluateSummary

    arcs = _run_arcs(engine, config, now, rebuild=rebuild)
    return EvaluateSummary(arcs=arcs, rules=run_rules(engine, config, now, wait=wait) if rules else None)


def _run_arcs(engine: Engine, config: Config, now=None, *, rebuild: bool = False):
    from monitor._arcfork import workers_for
    from monitor.arcupdate import update_arcs

    return update_arcs(engine, arc_params(config), now=now, rebuild=rebuild, workers=workers_for(config.arcs.workers))


def _unrostered(conn, config: Config) -> bool:
    from monitor.arcstore import unrostered_are_customers

    return unrostered_are_customers(conn, config.customers.unrostered_are_customers)


def customer_profile(engine: Engine, config: Config, ref: str, *, now=None, mentions: int = 20):
    """A customer's handles, tenure, arc and recent mentions (a CustomerProfile), or None if unknown."""
    from monitor.models import utcnow
    from monitor.profile import customer_profile as _profile

    with engine.connect() as conn:
        return _profile(conn, ref, today=(now or utcnow()).date(), unrostered=_unrostered(conn, config),
                        window_days=config.arcs.trend_window_days, mentions=mentions)


def list_customers(engine: Engine, config: Config, *, trend: str | None = None, now=None,
                   limit: int | None = None, include_silent: bool = False):
    """Customers (and, when they count as customers, unlinked authors) by risk: a list of ArcSubject."""
    from monitor.arcstore import customer_subjects
    from monitor.models import utcnow

    with engine.connect() as conn:
        found = customer_subjects(conn, today=(now or utcnow()).date(), unrostered=_unrostered(conn, config),
                                  trend=trend, include_silent=include_silent)
    return found[:limit] if limit else found


def link_handle(engine: Engine, customer_id: str, platform: str, handle: str, *, actor: str):
    """Link a handle to a customer by hand; the next evaluation rebuilds the customer's arc."""
    from monitor.identity import link_handle as _link

    return _link(engine, customer_id, platform, handle, actor=actor)


def unlink_handle(engine: Engine, customer_id: str, platform: str, handle: str, *, actor: str):
    """Unlink a handle (kept for the audit trail); the next evaluation rebuilds the customer's arc."""
    from monitor.identity import unlink_handle as _unlink

    return _unlink(engine, customer_id, platform, handle, actor=actor)


def run_rules(engine: Engine, config: Config, now=None, *, notify: bool = True, wait: bool = False):
    """Evaluate the alert rules on what changed since the last run, then notify in the background.

    Called by `evaluate` after the arcs are up to date. Notification delivery starts after the rules'
    transaction committed and runs in its own thread (returned as `.delivery`); wait=True joins it."""
    from monitor import notify as _notify
    from monitor.ruleeval import run_rules as _run_rules

    run = _run_rules(engine, config, now)
    run.delivery = _notify.deliver_in_background(engine, config) if notify and _notify.channels(config) else None
    if wait and run.delivery is not None:
        run.delivery.join()
    return run


def test_rule(engine: Engine, config: Config, name: str, now=None, *, ruleset=None):
    """Which subjects one rule would flag now, and why, without changing anything."""
    from monitor.ruleeval import test_rule as _test_rule

    return _test_rule(engine, config, name, now, ruleset=ruleset)


def pull(engine: Engine, config: Config, names: list[str] | None = None, **options):
    """Run one fetch cycle of the named sources (all enabled by default); a list of SourceResult.

    Options (stop, sleep, bench, force) are those of monitor.pull.pull."""
    from monitor.pull import pull as _pull

    return _pull(engine, config, names, **options)


def digest(engine: Engine, config: Config, *, day=None, to: list[str] | None = None, dry_run: bool = False,
           out: str | None = None, force: bool = False, now=None):
    """Build the daily digest (default: yesterday in [digest] timezone); write it, or send it exactly once."""
    from monitor.reporting import run_digest

    return run_digest(engine, config, day=day, to=to, dry_run=dry_run, out=out, force=force, now=now)


def report(engine: Engine, config: Config, *, start=None, end=None, out: str | None = None, send: bool = False,
           to: list[str] | None = None, force: bool = False, now=None):
    """Build the executive trend report (default: last 30 days against the 30 before); write and/or mail it."""
    from monitor.reporting import run_report

    return run_report(engine, config, start=start, end=end, out=out, send=send, to=to, force=force, now=now)


def scheduled_report(engine: Engine, config: Config, now=None):
    """The scheduler's report job: write the default report into [report] dir and mail [report] recipients."""
    from monitor.reporting import scheduled_report as _scheduled

    return _scheduled(engine, config, now=now)


def run_demo(directory: str | Path, *, seed: int = 7, now=None):
    """The main job on the embedded default: build the demo world, import it, evaluate, write pages."""
    from monitor.db import open_store
    from monitor.demo import build_world
    from monitor.demorun import DemoResult, demo_config, fresh_directory, render_overview

    directory = Path(directory).resolve()
    fresh_directory(directory)
    world = build_world(directory, seed=seed, end=now)
    config = demo_config(directory)
    engine = open_store(config.database.url)
    result = DemoResult(directory=directory, database_url=config.database.url)
    roster = import_roster(engine, world.roster_file)
    result.steps.append(("customers import", f"{roster.customers_added} customers, {roster.links_added} handles"))
    imported = import_files(engine, config, [world.mentions_file], progress=False)
    result.steps.append(("import", f"{imported.imported:,} mentions scored and stored, "
                                   f"{imported.duplicates:,} duplicates, {len(imported.rejected)} rejected"))
    evaluated = evaluate(engine, config, now=world.end)
    if evaluated.rules is not None and evaluated.rules.delivery is not None:
        evaluated.rules.delivery.join()
    arcs = evaluated.arcs.as_json()
    actions = dict(evaluated.rules.actions) if evaluated.rules else {}
    result.steps.append(("evaluate", f"{arcs['updated']:,} sentiment arcs computed; alert rules: "
                         + (", ".join(f"{n} {what}" for what, n in sorted(actions.items())) or "nothing flagged")))
    digest_file = directory / "digest.html"
    digest(engine, config, out=str(digest_file), now=world.end)
    result.outputs.append(("Yesterday's digest, as the email would show it", digest_file))
    report_file = directory / "report.html"
    report(engine, config, end=world.end.date(), out=str(report_file), now=world.end)  # include today's alerts
    result.outputs.append(("Executive trend report, last 30 days", report_file))
    at_risk = [{"customer_id": s.display_id, "name": s.name, "trend": s.arc.trend, "level": s.arc.level,
                "negative_30d": s.arc.negative_30d}
               for s in list_customers(engine, config, trend="declining", now=world.end)[:15] if s.arc]
    page = render_overview(result, status(engine), at_risk, world.end)
    result.outputs.insert(0, ("Overview", page))
    engine.dispose()
    return result, world
