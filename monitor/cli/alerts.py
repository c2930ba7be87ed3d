"""`arcwatch alerts ...` (triage from the terminal) and `arcwatch rules ...` (check and try rules)."""
from __future__ import annotations

import csv
import getpass
import os
import sys
from datetime import datetime, timezone

from monitor import alerts, pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of

# rules.* (rule-engine) is imported inside the commands that need it: it takes ~1 s to load, and every
# other `arcwatch` command would pay for it.


def _default_user() -> str:
    return os.environ.get("ARCWATCH_USER") or getpass.getuser()


def _add_user(p, required: bool = False) -> None:
    p.add_argument("--as", dest="user", metavar="USER", required=required, default=None if required else None,
                   help="who acts (default: $ARCWATCH_USER, else your login name)")


def register(subparsers) -> None:
    group = subparsers.add_parser("alerts", help="the alert queue: list, show, claim, note, snooze, resolve")
    sub = group.add_subparsers(dest="alerts_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("list", help="alerts, by default every one that is not resolved")
    p.add_argument("--status", help="open, claimed, snoozed, resolved or all")
    p.add_argument("--rule")
    p.add_argument("--severity")
    p.add_argument("--assignee")
    add_format(p)
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="one alert: why it fired, its evidence, arc and audit trail")
    p.add_argument("id", type=int)
    add_format(p)
    p.set_defaults(func=cmd_show)
    for name, helptext in (("claim", "take an alert"), ("release", "hand a claimed alert back"),
                           ("reopen", "bring a resolved or snoozed alert back")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("id", type=int)
        _add_user(p)
        p.set_defaults(func=cmd_action, action=name)
    p = sub.add_parser("note", help="add a note to an alert's audit trail")
    p.add_argument("id", type=int)
    p.add_argument("text")
    _add_user(p)
    p.set_defaults(func=cmd_action, action="note")
    p = sub.add_parser("snooze", help="hide an alert until a time; it reopens then")
    p.add_argument("id", type=int)
    p.add_argument("--until", required=True, metavar="WHEN", help="ISO time (UTC if no offset) or a duration: 2d, 6h")
    _add_user(p)
    p.set_defaults(func=cmd_action, action="snooze")
    p = sub.add_parser("resolve", help="close an alert with a reason from [alerts] resolution_reasons")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    p.add_argument("--note", help="an optional note kept with the resolution")
    _add_user(p)
    p.set_defaults(func=cmd_action, action="resolve")
    p = sub.add_parser("export", help="alerts as CSV or JSON, e.g. buying-intent leads for the CRM")
    p.add_argument("--rule")
    p.add_argument("--status", default="all", help="open, claimed, snoozed, resolved or all (default)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_export)
    _register_rules(subparsers)


def _register_rules(subparsers) -> None:
    group = subparsers.add_parser("rules", help="alert rules: check a file, list fields, try a rule on today's data")
    sub = group.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("check", help="parse and type-check a rules file (default: the configured one)")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=cmd_rules_check)
    p = sub.add_parser("test", help="which customers a rule would flag now, and why (changes nothing)")
    p.add_argument("name")
    p.add_argument("--file", help="rules file (default: the configured one)")
    p.add_argument("--now", help="evaluate as of this ISO time instead of now (for historical data)")
    add_format(p)
    p.set_defaults(func=cmd_rules_test)
    p = sub.add_parser("fields", help="the fields a rule's `when` may use")
    add_format(p)
    p.set_defaults(func=cmd_rules_fields)


def cmd_list(args) -> int:
    engine = store_of(config_of(args))
    views = alerts.list_alerts(engine, status=args.status, rule=args.rule, severity=args.severity,
                               assignee=args.assignee)
    if args.format == "json":
        print_json([v.as_json() for v in views])
        return 0
    if not views:
        print("no alerts")
        return 0
    print(f"{'ID':>5}  {'SEVERITY':<8}  {'STATUS':<8}  {'RULE':<30}  {'WHO':<32}  {'ASSIGNEE':<16}  CREATED")
    for v in views:
        who = v.customer_name or v.customer_id or (_at(v.author) if v.author else v.subject)
        print(f"{v.id:>5}  {v.severity:<8}  {v.status:<8}  {v.rule[:30]:<30}  {_plain(who)[:32]:<32}  "
              f"{(v.assignee or '-')[:16]:<16}  {v.created_at:%Y-%m-%d %H:%M}")
    return 0


def _plain(text: str) -> str:
    """User text for a terminal: no control characters (escape sequences could rewrite the screen)."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def cmd_show(args) -> int:
    engine = store_of(config_of(args))
    detail = alerts.get_alert(engine, args.id)
    if args.format == "json":
        print_json(detail.as_json())
        return 0
    v = detail.alert
    print(f"alert #{v.id}  {v.severity}  {v.status}  rule {v.rule}")
    print(f"  subject:  {v.subject}" + (f"  customer {v.customer_id} ({_plain(v.customer_name or '')})"
                                        if v.customer_id else ""))
    if v.author:
        print(f"  author:   {_at(_plain(v.author))} on {v.platform}")
    print(f"  assignee: {v.assignee or '-'}   created {v.created_at:%Y-%m-%d %H:%M} UTC"
          + (f"   snoozed until {v.snoozed_until:%Y-%m-%d %H:%M}" if v.snoozed_until else "")
          + (f"   resolved: {v.resolution}" if v.resolution else ""))
    print(f"  why:      {_plain(v.summary)}")
    if detail.arc:
        arc = detail.arc
        print(f"  arc:      trend {arc.get('trend')}, level {arc.get('level')}, 30-day mean {arc.get('mean_30d')},"
              f" negatives 7d/30d {arc.get('negative_7d')}/{arc.get('negative_30d')}")
    if detail.outcome:
        print(f"  outcome:  {detail.outcome}")
    print("evidence:")
    for m in detail.mentions:
        print(f"  [{m.created_at:%Y-%m-%d}] {m.platform} {_at(_plain(m.author))} {m.score:+.2f} {m.label}"
              f" {','.join(m.cues)}\n      {_plain(m.text)[:200]}" + (f"\n      {m.url}" if m.url else ""))
    print("audit trail:")
    for e in detail.events:
        extra = e.detail.get("text") or e.detail.get("reason") or e.detail.get("until") or \
            e.detail.get("channel") or ""
        print(f"  {e.at:%Y-%m-%d %H:%M}  {e.actor:<16}  {e.kind:<16}  {_plain(extra)}")
    return 0


def cmd_action(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    user = args.user or _default_user()
    if args.action == "claim":
        view = alerts.claim(engine, args.id, user)
    elif args.action == "release":
        view = alerts.release(engine, args.id, user)
    elif args.action == "reopen":
        view = alerts.reopen(engine, args.id, user)
    elif args.action == "note":
        view = alerts.add_note(engine, args.id, user, args.text)
    elif args.action == "snooze":
        view = alerts.snooze(engine, args.id, user, alerts.parse_until(args.until))
    else:
        view = alerts.resolve(engine, args.id, user, args.reason, reasons=config.alerts.resolution_reasons,
                              note=args.note)
    suffix = f" until {view.snoozed_until:%Y-%m-%d %H:%M} UTC" if view.status == "snoozed" else ""
    print(f"alert #{view.id}: {view.status}{suffix}" + (f", assigned to {view.assignee}" if view.assignee else ""))
    return 0


EXPORT_COLUMNS = ("id", "rule", "status", "severity", "created_at", "customer_id", "customer_name", "platform",
                  "author", "assignee", "resolution", "summary", "mention_text", "mention_url", "cues")


def _cell(value) -> str:
    text = "" if value is None else (value.isoformat() if isinstance(value, datetime) else str(value))
    # A cell starting with = + - @ is a formula to Excel and most CRMs: neutralise it (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def cmd_export(args) -> int:
    engine = store_of(config_of(args))
    views = alerts.list_alerts(engine, status=args.status, rule=args.rule)
    rows = []
    for v in views:
        detail = alerts.get_alert(engine, v.id)
        first = detail.mentions[0] if detail.mentions else None
        rows.append({**{k: getattr(v, k) for k in EXPORT_COLUMNS if hasattr(v, k)},
                     "mention_text": first.text if first else "", "mention_url": first.url if first else "",
                     "cues": ",".join(sorted({c for m in detail.mentions for c in m.cues}))})
    out = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        if args.format == "json":
            import json
            json.dump([{k: (r[k].isoformat() if isinstance(r[k], datetime) else r[k]) for k in EXPORT_COLUMNS}
                       for r in rows], out, ensure_ascii=False)
            out.write("\n")
        else:
            writer = csv.writer(out)
            writer.writerow(EXPORT_COLUMNS)
            for r in rows:
                writer.writerow([_cell(r[k]) for k in EXPORT_COLUMNS])
    finally:
        if args.output:
            out.close()
    if args.output:
        print(f"wrote {len(rows):,} alerts to {args.output}", file=sys.stderr)
    return 0


def cmd_rules_check(args) -> int:
    from rules.loader import load_rules

    config = config_of(args)
    chosen = args.file or config.rules.file or None
    ruleset = load_rules(chosen)  # RuleError lists every problem; main() prints it and exits 2
    print(f"{ruleset.source}: {len(ruleset.rules)} rules OK")
    for rule in ruleset.rules:
        print(f"  {rule.name:<32} {rule.severity:<8} {rule.scope:<7} reads {', '.join(rule.fields)}")
    return 0


def cmd_rules_test(args) -> int:
    from rules.loader import load_rules

    config = config_of(args)
    engine = store_of(config)
    ruleset = load_rules(args.file or config.rules.file or None)
    now = alerts.parse_until(args.now) if args.now else datetime.now(timezone.utc)
    flags = pipeline.test_rule(engine, config, args.name, now=now, ruleset=ruleset)
    if args.format == "json":
        print_json([{"subject": f.subject, "customer_id": f.customer_id, "author": f.author, "why": f.why,
                     "open_alert": f.open_alert} for f in flags])
        return 0
    rule = ruleset.get(args.name)
    print(f"rule {rule.name}: {len(flags)} would be flagged now")
    print(f"  when: {' '.join(rule.when.split())}")
    for f in flags:
        why = ", ".join(f"{k}={_short(v)}" for k, v in f.why.items())
        state = f"  (open alert #{f.open_alert})" if f.open_alert else ""
        print(f"  {f.subject:<24} {_plain(f.author)[:24]:<24} {why}{state}")
    return 0


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if value == int(value) else f"{value:.3f}"
    if isinstance(value, list):
        return "[" + ",".join(value) + "]"
    return _plain(str(value))


def cmd_rules_fields(args) -> int:
    from rules.fields import FIELDS

    if args.format == "json":
        print_json([{"name": f.name, "group": f.group, "type": getattr(f.type, "name", str(f.type)),
                     "nullable": f.nullable, "help": f.help} for f in FIELDS])
        return 0
    for f in FIELDS:
        kind = getattr(f.type, "name", str(f.type)).lower() + (" or null" if f.nullable else "")
        print(f"{f.name:<26} {f.group:<9} {kind:<18} {f.help}")
    return 0


def _at(handle: str) -> str:
    """A handle shown with one leading @ (Mastodon handles already carry theirs)."""
    return handle if handle.startswith("@") else f"@{handle}"
