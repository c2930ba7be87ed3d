"""`arcwatch demo`: build the demo world, run every stage on a fresh SQLite store, and write pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from monitor.settings import Config, load_config


@dataclass
class DemoResult:
    """What the demo did and where its outputs are."""

    directory: Path
    database_url: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, what happened)
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (what, file)


def demo_config(directory: Path) -> Config:
    """Defaults, with the database inside the demo folder."""
    return load_config(data={"database": {"url": f"sqlite:///{directory / 'arcwatch.db'}"},
                             "digest": {"recipients": ["community@brightdesk.example"]},
                             "report": {"dir": str(directory), "competitor_terms": ["Zendesk", "Freshdesk"]}})


def fresh_directory(directory: Path) -> None:
    """Remove a previous demo's database so the demo always starts from nothing."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("arcwatch.db", "arcwatch.db-wal", "arcwatch.db-shm"):
        (directory / name).unlink(missing_ok=True)


def render_overview(result: DemoResult, counts: dict, at_risk: list[dict], end: datetime) -> Path:
    """Write the demo's overview page (index.html) and return its path."""
    env = Environment(loader=PackageLoader("monitor", "templates"), autoescape=select_autoescape(default=True))
    page = env.get_template("demo.html.j2").render(result=result, counts=counts, at_risk=at_risk, end=end)
    path = result.directory / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
