"""Reading mention files (JSON Lines and CSV) row by row, turning each row into a validated row or a rejection."""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator


REQUIRED = ("platform", "id", "author", "created_at", "text")
OPTIONAL = ("url", "author_id", "parent_id", "title", "lang")
PLATFORM_ALIASES = {"x": "twitter", "hn": "hackernews", "bsky": "bluesky"}
_PLATFORM = re.compile(r"^[a-z0-9_-]{1,32}$")
_BOM = b"\xef\xbb\xbf"
_CR_MARK = "\ue000"  # stands in for a bare CR inside a CSV line while the csv module splits it


@dataclass(frozen=True, kw_only=True, slots=True)
class Rejection:
    """A row that could not be imported, and why."""

    file: str
    line: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class RowRules:
    """How rows are read: a default platform, column renames and the text limit."""

    platform: str | None = None
    mapping: dict[str, str] | None = None  # mention field -> column name in the file
    max_text_chars: int = 40_000


def parse_mapping(text: str | None) -> dict[str, str]:
    """Parse --map 'field=column,...' into {field: column}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValueError(f"--map expects field=column pairs separated by commas, got {part!r}")
        if field.strip() not in REQUIRED + OPTIONAL:
            raise ValueError(f"--map: {field.strip()!r} is not a mention field; fields are "
                             f"{', '.join(REQUIRED + OPTIONAL)}")
        mapping[field.strip()] = column.strip()
    return mapping


def parse_timestamp(value: Any) -> datetime:
    """A UTC datetime from ISO 8601 (offset or Z; naive means UTC), epoch seconds, or RFC 2822."""
    if type(value) is str and len(value) >= 20 and value[4] == "-":  # the common case: full ISO 8601
        try:
            stamp = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if stamp.tzinfo is not None and 1990 <= stamp.year <= 2200:
                return stamp.astimezone(timezone.utc)
    if isinstance(value, bool):
        raise ValueError("a boolean is not a date")
    if isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"\s*\d{9,11}(\.\d+)?\s*", value)):
        stamp = datetime.fromtimestamp(float(value), tz=timezone.utc)
    elif isinstance(value, str):
        text = value.strip()
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            try:  # RFC 2822 and Twitter's "Tue Oct 31 22:10:47 +0000 2017"
                stamp = (datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y") if re.match(r"^\w{3} \w{3} ", text)
                         else parsedate_to_datetime(text))
            except (TypeError, ValueError, IndexError):
                raise ValueError(f"cannot parse date {value!r}") from None
    else:
        raise ValueError(f"created_at must be a string or epoch seconds, got {type(value).__name__}")
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    if not 1990 <= stamp.year <= 2200:
        raise ValueError(f"date {value!r} is out of range")
    return stamp.astimezone(timezone.utc)


def _strip_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_strip_nul(k): _strip_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_nul(v) for v in value]
    return value


def _field(row: dict, name: str, mapping: dict[str, str]) -> Any:
    return row.get(mapping.get(name, name))


def _text_field(row: dict, name: str, mapping: dict[str, str], *, required: bool, ids: bool = False) -> str | None:
    value = row.get(mapping.get(name, name)) if mapping else row.get(name)
    if type(value) is str and value and not (ids and value.endswith(".0")):
        return value  # the common case, checked first: this runs ~10 times per imported row
    if value is None or value == "":
        if required:
            raise ValueError(f"required field {name!r} is missing")
        return None
    if ids and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and ids and value.is_integer():
        return str(int(value))  # pandas writes integer ids as "3.0"
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} must be a string, got {type(value).__name__}")
    if ids and re.fullmatch(r"\d+\.0", value):
        return value[:-2]
    return value


@lru_cache(maxsize=256)
def _platform_name(value: str) -> str:
    name = PLATFORM_ALIASES.get(value.strip().lower(), value.strip().lower())
    if not _PLATFORM.match(name):
        raise ValueError(f"platform {value!r} is not a short lower-case name")
    return name


# Column widths of the mention and author tables: a longer value would fail the whole batch on PostgreSQL.
_MAX_CHARS = {"id": 256, "author": 256, "author_id": 128, "parent_id": 256, "lang": 16}

# A validated row, as validate_row returns it.
ValidRow = tuple  # (platform, id, author, author_id, created_at, text, title, url, parent_id, lang)


def validate_row(row: dict[str, Any], rules: RowRules) -> ValidRow:
    """Validate one decoded row into a ValidRow tuple; ValueError says why it is rejected."""
    if not rules.mapping:
        plain = _plain_row(row, rules)
        if plain is not None:
            return plain
    return _checked_row(row, rules)


def _plain_row(row: dict[str, Any], rules: RowRules) -> ValidRow | None:
    """The common case, checked in one pass: every field is a non-empty string that needs no conversion.

    None sends the row through _checked_row, which converts what it can and words the rejection. This
    runs once per imported row, so it avoids a function call per field."""
    get = row.get
    platform, ext, author, text, created = (get("platform") or rules.platform, get("id"), get("author"),
                                            get("text"), get("created_at"))
    if (type(platform) is not str or type(ext) is not str or type(author) is not str or type(text) is not str
            or not (ext and author and text and created) or ext.endswith(".0") or author.endswith(".0")
            or len(ext) > 256 or len(author) > 256 or len(text) > rules.max_text_chars):
        return None
    author_id, parent_id, url, title, lang = get("author_id"), get("parent_id"), get("url"), get("title"), get("lang")
    for value in (author_id, parent_id, url, title, lang):
        if value is not None and (type(value) is not str or not value):
            return None
    if (author_id and (author_id.endswith(".0") or len(author_id) > 128)
            or parent_id and (parent_id.endswith(".0") or len(parent_id) > 256) or lang and len(lang) > 16):
        return None
    return (_platform_name(platform), ext, author, author_id, parse_timestamp(created), text, title, url,
            parent_id, lang)


def _checked_row(row: dict[str, Any], rules: RowRules) -> ValidRow:
    mapping = rules.mapping or {}
    platform = _text_field(row, "platform", mapping, required=False) or rules.platform
    if not platform:
        raise ValueError("required field 'platform' is missing (or give --platform)")
    platform = _platform_name(platform)
    text = _text_field(row, "text", mapping, required=True)
    if len(text) > rules.max_text_chars:
        raise ValueError(f"text is {len(text):,} characters, over max_text_chars ({rules.max_text_chars:,})")
    created = _field(row, "created_at", mapping)
    if created is None or created == "":
        raise ValueError("required field 'created_at' is missing")
    fields = (_text_field(row, "id", mapping, required=True, ids=True),
              _text_field(row, "author", mapping, required=True, ids=True),
              _text_field(row, "author_id", mapping, required=False, ids=True))
    parent_id = _text_field(row, "parent_id", mapping, required=False, ids=True)
    lang = _text_field(row, "lang", mapping, required=False)
    if len(fields[0]) > 256 or len(fields[1]) > 256 or _too_long(fields[2], parent_id, lang):
        _raise_too_long(fields, parent_id, lang)
    return (platform, fields[0], fields[1], fields[2], parse_timestamp(created), text,
            _text_field(row, "title", mapping, required=False), _text_field(row, "url", mapping, required=False),
            parent_id, lang)


def _too_long(author_id: str | None, parent_id: str | None, lang: str | None) -> bool:
    return len(author_id or "") > 128 or len(parent_id or "") > 256 or len(lang or "") > 16


def _raise_too_long(fields: tuple, parent_id: str | None, lang: str | None) -> None:
    values = {"id": fields[0], "author": fields[1], "author_id": fields[2], "parent_id": parent_id, "lang": lang}
    for name, limit in _MAX_CHARS.items():
        if len(values[name] or "") > limit:
            raise ValueError(f"field {name!r} is {len(values[name]):,} characters, over its limit of {limit}")


def sniff_format(path: Path) -> str:
    """'csv' or 'jsonl', from the extension or else the first non-blank byte."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with open(path, "rb") as fh:
        head = fh.read(4096).removeprefix(_BOM).lstrip()
    return "jsonl" if head[:1] in (b"{", b"[") else "csv"


_raw_decode = json.JSONDecoder().raw_decode


def parse_json_line(raw: bytes) -> tuple[dict | None, str | None, str | None]:
    """(row, error, row as JSON text if verbatim) for one JSON Lines line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})", None
    try:
        value, end = _raw_decode(line)  # the common case, a line that is one JSON value, without loads' checks
        if end != len(line) and not line[end:].isspace():
            raise ValueError("extra data")
    except ValueError:
        try:  # leading blanks, trailing data or invalid JSON: loads accepts or words the error
            value = json.loads(line)
        except ValueError as exc:
            return None, f"not valid JSON: {exc.msg} at column {exc.colno}", None
    if not isinstance(value, dict):
        return None, f"not a JSON object (a {type(value).__name__})", None
    if b"\\u0000" in raw:  # PostgreSQL cannot store NUL; only such rows pay for the scrub
        return _strip_nul(value), None, None
    return value, None, line


def _physical_lines(fh: io.BufferedReader, state: dict) -> Iterator[str]:
    """Lines split on LF only, so a bare CR inside a field stays part of it."""
    for lineno, raw in enumerate(fh, 1):
        state["line"], state["bytes"] = lineno, state["bytes"] + len(raw)
        if lineno == 1:
            raw = raw.removeprefix(_BOM)
        body = raw[:-2] if raw.endswith(b"\r\n") else raw.rstrip(b"\n")
        text = body.decode("utf-8", errors="surrogateescape")
        if "\x00" in text:  # PostgreSQL cannot store NUL
            text = text.replace("\x00", "")
        if "\r" in text:
            text = text.replace("\r", _CR_MARK)
        yield text + "\n"


def read_csv(path: Path) -> Iterator[tuple[int, dict | None, str | None, int]]:
    """Yield (line, row, error, bytes consumed) for each record of a CSV file with a header row.

    Exactly one of row and error is set; line is the file line the record starts on."""
    state = {"line": 0, "bytes": 0}
    with open(path, "rb") as fh:
        reader = csv.reader(_physical_lines(fh, state))
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        consumed = state["bytes"]
        start = state["line"] + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, None, f"not valid CSV: {exc}", state["bytes"] - consumed
                consumed, start = state["bytes"], state["line"] + 1
                continue
            size, consumed = state["bytes"] - consumed, state["bytes"]
            line, start = start, state["line"] + 1
            if not record or all(not f.strip() for f in record):
                continue
            yield (line, *_csv_record(record, header), size)


def _csv_record(record: list[str], header: list[str]) -> tuple[dict | None, str | None]:
    if len(record) != len(header):
        return None, f"has {len(record)} fields, the header has {len(header)}"
    row = {}
    for name, value in zip(header, record):
        if _CR_MARK in value:
            value = value.replace(_CR_MARK, "\r")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None, f"not valid UTF-8 (in column {name!r})"
        row[name] = value
    return row, None
