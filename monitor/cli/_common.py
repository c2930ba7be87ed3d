"""Helpers shared by the command modules: config, store and output."""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from monitor.db import open_store
from monitor.settings import Config, load_config


def config_of(args) -> Config:
    """The configuration chosen by --config / $ARCWATCH_CONFIG / ./config.toml."""
    return load_config(getattr(args, "config", None))


def store_of(config: Config) -> Engine:
    """An engine on the configured database, migrated to the newest schema."""
    return open_store(config.database.url)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(value: Any) -> None:
    """Write one JSON document to stdout."""
    json.dump(value, sys.stdout, default=_default, ensure_ascii=False)
    sys.stdout.write("\n")


def add_format(parser) -> None:
    """Add the --format text|json option."""
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
