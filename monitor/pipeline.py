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
