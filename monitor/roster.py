"""Importing the customer roster exported from a CRM, and linking handles to customers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine

from monitor.arcstore import mark_customers_dirty
from monitor.importer import PLATFORM_ALIASES, Rejection, read_csv
from monitor.models import AuthorLink, Customer, utcnow
from monitor.store import normalise_handle

BASE_COLUMNS = ("customer_id", "name", "customer_since", "account", "tier", "owner", "email")
PLATFORMS = ("twitter", "reddit", "discourse", "mastodon", "bluesky", "hackernews", "rss", "forum",
             "facebook", "instagram", "linkedin", "youtube", "tiktok", "github")


@dataclass
class RosterSummary:
    """What a roster import did."""

    read: int = 0
    customers_added: int = 0
    customers_updated: int = 0
    links_added: int = 0
    links_not_in_file: list[tuple[str, str, str]] = field(default_factory=list)  # kept, but reported
    ignored_columns: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"read": self.read, "customers_added": self.customers_added,
                "customers_updated": self.customers_updated, "links_added": self.links_added,
                "links_not_in_file": [list(x) for x in self.links_not_in_file],
                "ignored_columns": self.ignored_columns,
                "rejected": [{"file": r.file, "line": r.line, "reason": r.reason} for r in self.rejected]}


def _platform_of(column: str) -> str | None:
    name = PLATFORM_ALIASES.get(column.strip().lower(), column.strip().lower())
    return name if name in PLATFORMS else None


def _parse_since(value: str) -> date:
    text = (value or "").strip()
    if not text:
        raise ValueError("required field 'customer_since' is missing")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            raise ValueError(f"customer_since {value!r} is not a date (YYYY-MM-DD)") from None


def parse_roster_row(row: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """A customer's columns and its (platform, handle_norm) pairs; ValueError says why it is rejected."""
    for key in ("customer_id", "name"):
        if not (row.get(key) or "").strip():
            raise ValueError(f"required field {key!r} is missing")
    customer = {"customer_id": row["customer_id"].strip(), "name": row["name"].strip(),
                "customer_since": _parse_since(row.get("customer_since", ""))}
    for key in BASE_COLUMNS[3:]:
        customer[key] = (row.get(key) or "").strip() or None
    handles = []
    for column, value in row.items():
        platform = _platform_of(column) if column not in BASE_COLUMNS else None
        if platform:
            for handle in (value or "").split(";"):
                if handle.strip():
                    handles.append((platform, normalise_handle(handle)))
    return customer, handles


def import_roster(engine: Engine, path: str | Path) -> RosterSummary:
    """Add or update customers and their handles; links missing from the file are kept and reported."""
    path = Path(path)
    summary = RosterSummary()
    parsed: dict[str, tuple[dict, list]] = {}
    for line, row, error, _size in read_csv(path):
        summary.read += 1
        if row is not None and not summary.ignored_columns and summary.read == 1:
            summary.ignored_columns = [c for c in row if c not in BASE_COLUMNS and not _platform_of(c) and c]
        if error is None:
            try:
                parsed[row["customer_id"].strip() if row.get("customer_id") else ""] = parse_roster_row(row)
                continue
            except ValueError as exc:
                error = str(exc)
        summary.rejected.append(Rejection(file=str(path), line=line, reason=error))
    if parsed:
        _write_roster(engine, parsed, f"roster:{path.name}", summary)
    return summary


def _write_roster(engine: Engine, parsed: dict[str, tuple[dict, list]], origin: str,
                  summary: RosterSummary) -> None:
    cust, link = Customer.__table__, AuthorLink.__table__
    now = utcnow()
    with engine.begin() as conn:
        existing = {r[0] for r in conn.execute(select(cust.c.customer_id))}
        new = [dict(c, updated_at=now) for cid, (c, _) in parsed.items() if cid not in existing]
        old = [dict(c, updated_at=now, b_id=cid) for cid, (c, _) in parsed.items() if cid in existing]
        if new:
            conn.execute(cust.insert(), new)
        if old:
            values = {k: bindparam(k) for k in old[0] if k not in ("b_id", "customer_id")}
            conn.execute(update(cust).where(cust.c.customer_id == bindparam("b_id")).values(**values), old)
        summary.customers_added, summary.customers_updated = len(new), len(old)
        stored = {(r.customer_id, r.platform, r.handle_norm): r for r in conn.execute(select(link))}
        wanted = {(cid, p, h) for cid, (_, handles) in parsed.items() for p, h in handles}
        fresh = [{"customer_id": c, "platform": p, "handle_norm": h, "origin": origin, "active": True,
                  "created_at": now} for (c, p, h) in sorted(wanted - stored.keys())]
        if fresh:
            conn.execute(link.insert(), fresh)
            mark_customers_dirty(conn, {f["customer_id"] for f in fresh})  # their arcs gain these handles
        summary.links_added = len(fresh)
        summary.links_not_in_file = sorted(
            k for k, r in stored.items()
            if k[0] in parsed and k not in wanted and r.active and r.origin.startswith("roster:"))
