"""`arcwatch evaluate`: bring every sentiment arc up to date, then run the alert rules."""
from __future__ import annotations

import sys

from monitor import pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.importer import parse_timestamp


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="bring every customer's and author's sentiment arc up to date, "
                              "then run the alert rules (the scheduler does this after each pull)")
    p.add_argument("--now", help="evaluate as of this ISO time instead of now (for historical data and demos)")
    p.add_argument("--rebuild", action="store_true", help="recompute every arc from scratch")
    p.add_argument("--no-rules", dest="rules", action="store_false", help="update the arcs only")
    add_format(p)
    p.set_defaults(func=cmd_evaluate)


def parse_now(text: str | None):
    """The --now option as a UTC datetime (None: now); exits with a clear message if it is not a date."""
    if not text:
        return None
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        print(f"arcwatch: error: --now: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_evaluate(args) -> int:
    config = config_of(args)
    now = parse_now(args.now)
    engine = store_of(config)
    summary = pipeline.evaluate(engine, config, now, rebuild=args.rebuild, rules=args.rules, wait=True)
    if args.format == "json":
        print_json(summary.as_json())
        return 0
    a = summary.arcs
    print(f"arcs as of {a.as_of}: {a.new_mentions:,} new mentions, {a.updated:,} arcs updated "
          f"({a.rebuilt:,} rebuilt, {a.refreshed:,} refreshed){' from scratch' if a.full else ''} "
          f"in {a.seconds:.2f} s")
    rules = summary.as_json()["rules"]
    if rules is not None:
        print(f"rules: {rules.get('subjects', 0):,} subjects evaluated, matches {rules.get('matches', {})}, "
              f"alerts {rules.get('actions', {})}")
        for error in rules.get("errors", []):
            print(f"  rule error: {error}", file=sys.stderr)
    return 0
