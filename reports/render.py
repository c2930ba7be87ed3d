"""The Jinja2 environment for digests and reports, and helpers that make hostile text safe to show.

A configured [templates] dir is searched before the built-in templates (ChoiceLoader), so a company can
restyle by dropping in a file of the same name. Autoescape is on for every template except the
plain-text ones (*.txt.j2): those feed a text/plain part, where HTML entities would only garble the text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean(text: str | None, limit: int = 280) -> str:
    """One line of user text: control and bidi characters removed, whitespace collapsed, truncated."""
    if not text:
        return ""
    flat = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None: never a javascript: or data: link."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or _CONTROL.search(url) or " " in url:
        return None
    return url


def signed(value: float | None, digits: int = 2) -> str:
    """A number with an explicit sign, or an en dash for none."""
    return "–" if value is None else f"{value:+.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage."""
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def change(value: float | None) -> str:
    """A relative change as +12% / −8%, or an en dash."""
    if value is None:
        return "–"
    return f"{value * 100:+.0f}%"


def when(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A date or time formatted for a reader."""
    if value is None:
        return "–"
    return value.strftime(fmt if isinstance(value, datetime) else "%Y-%m-%d")


@lru_cache(maxsize=8)
def make_environment(templates_dir: str | Path | None = None) -> Environment:
    """The environment: [templates] dir first (if set), then the built-in templates (cached; files are
    re-read when they change)."""
    loaders = []
    if templates_dir:
        loaders.append(FileSystemLoader(str(templates_dir)))
    loaders.append(PackageLoader("reports", "templates"))
    env = Environment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True,
                      autoescape=select_autoescape(enabled_extensions=("html", "htm", "html.j2", "xml"),
                                                   disabled_extensions=("txt.j2", "txt"),
                                                   default_for_string=True, default=True))
    env.filters.update(signed=signed, pct=pct, change=change, when=when, clean=clean)
    return env
