"""Every setting, declared once with its type, default and help; and the TOML loader.

`config.example.toml` mirrors this table; tests/test_config.py checks that the two agree.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from monitor.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    type: type  # str, int, float, bool or list (of str)
    default: Any
    help: str


S = Setting
SETTINGS: tuple[Setting, ...] = (
    S("database", "url", str, "sqlite:///arcwatch.db",
      "SQLAlchemy URL. sqlite:///FILE (default, in the working directory) or postgresql://user@host/db. "
      "$ARCWATCH_DATABASE_URL overrides it."),
    S("import", "batch_size", int, 20000,
      "Rows written per transaction during import. Larger batches write each index page less often; "
      "memory grows with it (about four batches are in flight)."),
    S("import", "max_text_chars", int, 40000, "Longer texts are rejected (Reddit's own limit is 40,000)."),
    S("import", "workers", int, 0, "Scoring processes for large imports; 0 means one per CPU core."),
    S("import", "parallel_min_bytes", int, 2_000_000,
      "Files smaller than this are scored in the importing process; larger ones use the worker pool."),
    S("sentiment", "scorer", str, "complaint",
      "Which scorer labels mentions: 'complaint' (VADER plus customer-service cues) or 'vader' (plain VADER)."),
    S("sentiment", "negative_terms", list, [],
      "Product-specific words that signal a complaint, e.g. [\"sync error\", \"paywall\"]."),
    S("sentiment", "positive_terms", list, [], "Product-specific words that signal praise."),
    S("customers", "unrostered_are_customers", str, "auto",
      "Treat authors who are not on the roster as customers: 'yes', 'no', or 'auto' (yes only when no roster "
      "has been imported, as a B2C brand wants)."),
    S("arcs", "half_life_days", float, 14.0,
      "Half-life in days of the exponentially weighted sentiment level (weights follow time, not post count)."),
    S("arcs", "trend_window_days", int, 90,
      "Days of daily means used for the Theil-Sen slope, the trend test and the change point; the prior "
      "window is the part of it before the last 30 days."),
    S("arcs", "decline_slope", float, -0.004,
      "Slope (score per day) at or below which a significant fall counts as declining; the mirror image is "
      "improving."),
    S("arcs", "workers", int, 0,
      "Processes that compute a large batch of arcs (1,000 or more per process); 0 means one per CPU core, "
      "1 computes them in the evaluating process."),
    S("rules", "file", str, "", "TOML file of alert rules; empty means the shipped default rules."),
    S("rules", "long_time_customer_days", int, 365,
      "Tenure in days from which a customer counts as long-time for the default rules."),
    S("rules", "trigger_days", int, 7,
      "Only mentions from the last N days set a rule's cues (e.g. churn_intent): an old post imported late "
      "does not raise an alert today."),
    S("alerts", "resolution_reasons", list,
      ["reached out", "recovered on its own", "not a customer", "false positive", "duplicate"],
      "Reasons a manager may give when resolving an alert."),
    S("alerts", "notify_min_severity", str, "high",
      "Alerts that open at or above this severity (low, medium, high, critical) are sent to the notifiers."),
    S("notify", "webhook_url_env", str, "",
      "Environment variable holding a Slack-compatible incoming webhook URL; empty disables it."),
    S("notify", "email_to", list, [], "Addresses that receive an email for each notified alert."),
    S("notify", "budget_seconds", float, 20.0,
      "Most time one delivery pass spends sending notifications (in the background); the rest waits for the next."),
    S("web", "host", str, "127.0.0.1", "Address `arcwatch serve` listens on."),
    S("web", "port", int, 8080, "Port `arcwatch serve` listens on."),
    S("web", "base_url", str, "http://127.0.0.1:8080", "Public URL of the web queue, used for links in emails."),
    S("web", "secret_key_env", str, "ARCWATCH_SECRET_KEY",
      "Environment variable holding the key that signs session cookies; a random one is used if unset."),
    S("web", "secure_cookies", bool, False, "Mark session cookies Secure; turn on behind HTTPS."),
    S("digest", "recipients", list, [], "Who receives the daily digest."),
    S("digest", "timezone", str, "UTC", "Time zone that defines the digest's day, e.g. Europe/Berlin."),
    S("digest", "time", str, "08:00", "Local time (HH:MM) at which `arcwatch run` sends the digest."),
    S("smtp", "host", str, "localhost", "SMTP server host."),
    S("smtp", "port", int, 25, "SMTP server port."),
    S("smtp", "sender", str, "arcwatch@localhost", "From address of digests and alert emails."),
    S("smtp", "username_env", str, "", "Environment variable with the SMTP user name; empty for no login."),
    S("smtp", "password_env", str, "", "Environment variable with the SMTP password."),
    S("smtp", "starttls", bool, False, "Upgrade the connection with STARTTLS."),
    S("smtp", "ssl", bool, False, "Connect with implicit TLS (usually port 465)."),
    S("smtp", "timeout_seconds", float, 30.0, "Timeout for each SMTP operation."),
    S("smtp", "retries", int, 3, "Retries of a transient SMTP failure (4xx, dropped or refused connection)."),
    S("smtp", "backoff_seconds", float, 2.0, "First SMTP retry delay; it doubles each attempt, with jitter."),
    S("report", "dir", str, "reports-out", "Folder that scheduled trend reports are written to."),
    S("report", "every", str, "7d", "How often `arcwatch run` writes the trend report; empty disables it."),
    S("report", "recipients", list, [], "Who receives the scheduled trend report by email."),
    S("report", "competitor_terms", list, [], "Competitor names for share of voice, e.g. [\"Acme\", \"Globex\"]."),
    S("templates", "dir", str, "", "Folder searched before the built-in templates, to restyle digests and reports."),
    S("scheduler", "heartbeat_seconds", int, 30, "How often `arcwatch run` records that it is alive."),
    S("scheduler", "jitter_seconds", int, 30, "Random delay added to each source's interval."),
    S("http", "timeout_seconds", float, 20.0, "Timeout of every network call a connector makes."),
    S("http", "max_retries", int, 4, "Retries of a transient failure (429, 5xx, timeout) within one pull."),
    S("http", "backoff_seconds", float, 1.0, "First retry delay; it doubles each attempt, with jitter."),
)
del S

_TYPE_WORDS = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list of strings"}


def declared(section: str, key: str) -> Setting:
    """Return the declaration of one setting."""
    for setting in SETTINGS:
        if (setting.section, setting.key) == (section, key):
            return setting
    raise KeyError(f"{section}.{key}")


def _check(file: str, setting: Setting, value: Any) -> Any:
    want = setting.type
    name = f"{setting.section}.{setting.key}"
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if want is list:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
    elif isinstance(value, want) and not (want is int and isinstance(value, bool)):
        return value
    raise ConfigError(file, name, _TYPE_WORDS[want], value)


class Config(SimpleNamespace):
    """Typed settings by section (`config.database.url`), plus `sources` and the file's path."""

    path: str
    sources: list[dict]

    def get(self, section: str, key: str) -> Any:
        return getattr(getattr(self, section), key)


def config_path(explicit: str | None) -> Path | None:
    """The file chosen by --config, else $ARCWATCH_CONFIG, else ./config.toml if it exists."""
    if explicit:
        return Path(explicit)
    if os.environ.get("ARCWATCH_CONFIG"):
        return Path(os.environ["ARCWATCH_CONFIG"])
    local = Path("config.toml")
    return local if local.exists() else None


def load_config(explicit: str | None = None, *, data: dict | None = None) -> Config:
    """Read and validate the configuration; raise ConfigError naming file, key and expectation."""
    path = config_path(explicit)
    file = str(path) if path else "<defaults>"
    if data is None:
        data = _read_toml(path) if path else {}
    sections: dict[str, dict[str, Any]] = {}
    for setting in SETTINGS:
        sections.setdefault(setting.section, {})[setting.key] = setting.default
    known_sections = set(sections) | {"sources"}
    for section, values in data.items():
        if section not in known_sections:
            raise ConfigError(file, section, f"one of the sections {sorted(known_sections)}")
        if section == "sources":
            continue
        if not isinstance(values, dict):
            raise ConfigError(file, section, "a table", values)
        for key, value in values.items():
            try:
                setting = declared(section, key)
            except KeyError:
                raise ConfigError(file, f"{section}.{key}", "a known setting (see config.example.toml)") from None
            sections[section][key] = _check(file, setting, value)
    if os.environ.get("ARCWATCH_DATABASE_URL"):
        sections["database"]["url"] = os.environ["ARCWATCH_DATABASE_URL"]
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise ConfigError(file, "sources", "[[sources]] tables")
    cfg = Config(**{name: SimpleNamespace(**values) for name, values in sections.items()})
    cfg.path, cfg.sources = file, sources
    return cfg


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "(file)", "an existing TOML file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"valid TOML: {exc}") from None


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as '90s', '15m', '6h', '7d' or '2w'; ValueError otherwise."""
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"expected a duration such as '15m', '6h' or '7d', got {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def secret_from_env(var: str) -> str | None:
    """The value of the environment variable a setting names, or None; never logged."""
    return os.environ.get(var) if var else None
