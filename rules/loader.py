"""Alert rules from TOML: parsed and type-checked at load time with rule-engine (never eval).

A rules file holds `[[rules]]` tables:

    [[rules]]
    name = "churn-intent"                  # unique, letters, digits, '-' and '_'
    description = "A customer says they will cancel."
    when = 'is_customer and "churn_intent" in cues'   # rule-engine syntax over rules.fields.FIELDS
    severity = "high"                      # low, medium, high or critical
    cooldown = "30d"                       # after resolution, not raised again within this (unless clearly worse)
    notify = true                          # optional: true always notifies, false never; unset follows
                                           # [alerts] notify_min_severity
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import rule_engine
from rule_engine import errors as re_errors

from monitor.errors import ArcwatchError
from rules.fields import BRAND_GROUPS, FIELD_TYPES, FIELDS

SEVERITIES = ("low", "medium", "high", "critical")
KEYS = {"name", "description", "when", "severity", "cooldown", "notify"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_BRAND_FIELDS = {f.name for f in FIELDS if f.group in BRAND_GROUPS}


class RuleError(ArcwatchError):
    """A rules file is wrong; the message names the file, the rule and the position."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One compiled rule."""

    name: str
    description: str
    when: str
    severity: str
    cooldown_seconds: float
    notify: bool | None  # None: by [alerts] notify_min_severity
    fields: tuple[str, ...]  # the fields its expression reads, in order of first use
    scope: str  # "subject" (per customer/author) or "brand" (only volume fields: evaluated once)
    literals: tuple[str, ...] = ()  # string constants in `when`, e.g. cue names: evidence carrying them comes first
    compiled: Any = field(repr=False, compare=False)

    def matches(self, facts: dict[str, Any]) -> bool:
        """Whether the expression holds for these facts; a runtime type problem raises RuleError."""
        try:
            return bool(self.compiled.matches(facts))
        except re_errors.EngineError as exc:
            raise RuleError([f"rule {self.name!r}: cannot evaluate: {_message(exc)}"]) from None

    def explain(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The values of the fields this rule reads: why it fired (or not)."""
        return {name: facts.get(name) for name in self.fields}


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """The rules of one file."""

    source: str
    rules: tuple[Rule, ...]

    def get(self, name: str) -> Rule:
        """The rule with this name; RuleError lists the known ones otherwise."""
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise RuleError([f"{self.source}: no rule named {name!r}; known: "
                         f"{', '.join(r.name for r in self.rules) or '(none)'}"])


def default_rules_path() -> str:
    """The shipped default rules file."""
    return str(resources.files("rules") / "default_rules.toml")


def parse_cooldown(value: Any) -> float:
    """Seconds in a duration such as '12h', '7d' or '2w' (or a number of seconds)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"expected a duration such as '12h', '7d' or '2w', got {value!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def _message(exc: Exception) -> str:
    return str(getattr(exc, "message", None) or exc)


def _tokens(text: str) -> list[Any]:
    # rule-engine's own lexer (from the parser every Rule shares: building one costs ~0.5 s), so
    # positions match its parser exactly.
    lexer = rule_engine.Rule.parser._lexer.clone()
    lexer.input(text)
    out = []
    while True:
        try:
            tok = lexer.token()
        except Exception:  # an unlexable character: the parser reports it
            break
        if tok is None:
            return out
        out.append(tok)
    return out


def _position(text: str, offset: int) -> str:
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _clauses(text: str) -> list[tuple[int, str]]:
    """The top-level and/or clauses of an expression with their offsets, to locate a type error."""
    clauses, depth, start = [], 0, 0
    for tok in _tokens(text):
        if tok.type in ("LPAREN", "LBRACKET", "LBRACE"):
            depth += 1
        elif tok.type in ("RPAREN", "RBRACKET", "RBRACE"):
            depth -= 1
        elif depth == 0 and tok.type in ("AND", "OR"):
            clauses.append((start, text[start:tok.lexpos]))
            start = tok.lexpos + len(tok.value)
    clauses.append((start, text[start:]))
    return [(off + len(c) - len(c.lstrip()), c.strip()) for off, c in clauses if c.strip()]


_RESOLVE = rule_engine.type_resolver_from_dict(FIELD_TYPES)  # raises SymbolResolutionError with a suggestion


def _context(seen: list[str]) -> rule_engine.Context:
    def resolve(name: str):
        found = _RESOLVE(name)
        if name not in seen:
            seen.append(name)
        return found

    return rule_engine.Context(type_resolver=resolve, default_timezone="UTC")


def _type_word(data_type: Any) -> str:
    name = getattr(data_type, "name", str(data_type))
    return {"FLOAT": "a number", "STRING": "a string", "BOOLEAN": "true/false"}.get(name, "a list of strings"
                                                                                    if "ARRAY" in name else name)


def _locate_type_error(text: str) -> str:
    for offset, clause in _clauses(text):
        try:
            rule_engine.Rule(clause, context=_context([]))
        except re_errors.EngineError:
            types = ", ".join(f"{t.value} is {_type_word(FIELD_TYPES[t.value])}" for t in _tokens(clause)
                              if t.type == "SYMBOL" and t.value in FIELD_TYPES)
            return f"{_position(text, offset)} (in `{clause}`{'; ' + types if types else ''})"
    return _position(text, 0)


def compile_when(text: str, where: str) -> tuple[Any, tuple[str, ...]]:
    """Parse and type-check an expression; RuleError says where (`where` names the rule) and why."""
    seen: list[str] = []
    try:
        compiled = rule_engine.Rule(text, context=_context(seen))
    except re_errors.SymbolResolutionError as exc:
        name = exc.symbol_name
        at = next((t.lexpos for t in _tokens(text) if t.type == "SYMBOL" and t.value == name), 0)
        hint = f" (did you mean {exc.suggestion!r}?)" if getattr(exc, "suggestion", None) else ""
        raise RuleError([f"{where}: when, {_position(text, at)}: unknown field {name!r}{hint}; "
                         "see `arcwatch rules fields`"]) from None
    except re_errors.RuleSyntaxError as exc:
        tok = exc.token
        at = _position(text, tok.lexpos) if tok is not None else "end of expression"
        near = f" near {tok.value!r}" if tok is not None else ""
        raise RuleError([f"{where}: when, {at}: syntax error{near}"]) from None
    except re_errors.EngineError as exc:
        raise RuleError([f"{where}: when, {_locate_type_error(text)}: type error: {_message(exc)}"]) from None
    result = compiled.statement.expression.result_type
    if result not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        raise RuleError([f"{where}: when: must be a condition (true or false), not {_type_word(result)}"])
    return compiled, tuple(seen)


def string_literals(text: str) -> tuple[str, ...]:
    """The string constants of an expression, e.g. ('churn_intent',) for `"churn_intent" in cues`."""
    values = (str(t.value).lstrip("rRsS") for t in _tokens(text) if t.type == "STRING")
    return tuple(dict.fromkeys(v[1:-1] for v in values if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\""))


def _rule_line(raw_text: str, name: Any, index: int) -> str:
    """Where the rule starts in the file (tomllib keeps no positions, so find its name line)."""
    if isinstance(name, str):
        match = re.search(r"^\s*name\s*=\s*[\"']" + re.escape(name) + r"[\"']", raw_text, re.MULTILINE)
        if match:
            return f"line {raw_text.count(chr(10), 0, match.start()) + 1}"
    return f"rule #{index + 1}"


def _build(entry: Any, where: str, problems: list[str]) -> Rule | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a [[rules]] table")
        return None
    before = len(problems)
    for key in sorted(set(entry) - KEYS):
        problems.append(f"{where}: unknown key {key!r} (expected {', '.join(sorted(KEYS))})")
    for key in ("name", "description", "when"):
        if not isinstance(entry.get(key), str) or not entry.get(key).strip():
            problems.append(f"{where}: {key} must be a non-empty string")
    if isinstance(entry.get("name"), str) and not _NAME.match(entry["name"]):
        problems.append(f"{where}: name may hold only letters, digits, '-' and '_'")
    severity = entry.get("severity", "medium")
    if severity not in SEVERITIES:
        problems.append(f"{where}: severity must be one of {', '.join(SEVERITIES)} (got {severity!r})")
    try:
        cooldown = parse_cooldown(entry.get("cooldown", "7d"))
    except ValueError as exc:
        problems.append(f"{where}: cooldown: {exc}")
        cooldown = math.nan
    notify = entry.get("notify")
    if notify is not None and not isinstance(notify, bool):
        problems.append(f"{where}: notify must be true or false")
    compiled = None
    if isinstance(entry.get("when"), str) and entry["when"].strip():
        try:
            compiled, used = compile_when(entry["when"].strip(), where)
        except RuleError as exc:
            problems.extend(exc.problems)
    if len(problems) > before or compiled is None:
        return None
    scope = "brand" if set(used) <= _BRAND_FIELDS else "subject"
    return Rule(name=entry["name"], description=entry["description"].strip(), when=entry["when"].strip(),
                severity=severity, cooldown_seconds=cooldown, notify=notify, fields=used, scope=scope,
                literals=string_literals(entry["when"]), compiled=compiled)


def parse_rules(text: str, source: str) -> RuleSet:
    """Compile every rule in a TOML document; RuleError lists every problem found, not just the first."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError([f"{source}: not valid TOML: {exc}"]) from None
    problems: list[str] = [f"{source}: unknown top-level key {k!r} (expected [[rules]])" for k in data
                           if k != "rules"]
    entries = data.get("rules", [])
    if not isinstance(entries, list) or not entries:
        problems.append(f"{source}: no [[rules]] tables")
        entries = []
    rules: list[Rule] = []
    for index, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"{source}: rule {name!r} ({_rule_line(text, name, index)})" if name else \
            f"{source}: {_rule_line(text, name, index)}"
        rule = _build(entry, where, problems)
        if rule is not None:
            if any(r.name == rule.name for r in rules):
                problems.append(f"{where}: duplicate rule name")
            rules.append(rule)
    if problems:
        raise RuleError(problems)
    return RuleSet(source=source, rules=tuple(rules))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rules of a file, or the shipped defaults when path is empty."""
    chosen = str(path) if path else default_rules_path()
    try:
        text = Path(chosen).read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError([f"{chosen}: cannot read the rules file: {exc.strerror or exc}"]) from None
    return parse_rules(text, chosen)
