"""`arcwatch customers show | list | link | unlink`."""
from __future__ import annotations

import getpass
import os
import sys
from datetime import date, timedelta

from monitor import pipeline
from monitor.arcs import TRENDS
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.cli.arcs import parse_now

BARS = "▁▂▃▄▅▆▇█"


def register(sub) -> None:
    """Add the customer views to the `customers` group."""
    p = sub.add_parser("show", help="a customer's handles, tenure, sentiment arc and recent mentions")
    p.add_argument("id", metavar="ID", help="roster customer id, or platform:handle for an unrostered author")
    p.add_argument("--mentions", type=int, default=20, metavar="N", help="recent mentions to show (default 20)")
    p.add_argument("--now", help="tenure as of this ISO time (default now)")
    add_format(p)
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("list", help="customers by risk: declining, negative lately, long-time first")
    p.add_argument("--trend", choices=TRENDS, help="only customers whose arc has this trend")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N customers (0: all; default 50)")
    p.add_argument("--all", dest="include_silent", action="store_true",
                   help="include rostered customers who have never been mentioned")
    p.add_argument("--now", help="tenure as of this ISO time (default now)")
    add_format(p)
    p.set_defaults(func=cmd_list)
    for name, verb in (("link", "link a handle to a customer"), ("unlink", "remove a handle's link (kept for audit)")):
        p = sub.add_parser(name, help=f"{verb}; the next `arcwatch evaluate` rebuilds the customer's arc")
        p.add_argument("customer", metavar="CUSTOMER")
        p.add_argument("platform", metavar="PLATFORM", help="twitter (or x), reddit, mastodon, bluesky, ...")
        p.add_argument("handle", metavar="HANDLE")
        p.add_argument("--as", dest="actor", default=None, metavar="USER",
                       help="who makes the change, for the audit trail (default: $USER)")
        add_format(p)
        p.set_defaults(func=cmd_link, unlink=name == "unlink")


def plain(text: object) -> str:
    """User text for a terminal: no control characters (escape sequences could rewrite the screen)."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def sparkline(points, *, end: date, days: int) -> str:
    """One character per day ending on `end`: the day's mean score from ▁ (-1) to █ (+1); · for no mentions."""
    by_day = {p.day: p.mean for p in points}
    chars = []
    for offset in range(days - 1, -1, -1):
        mean = by_day.get(end - timedelta(days=offset))
        chars.append("·" if mean is None else BARS[min(len(BARS) - 1, max(0, int((mean + 1) / 2 * len(BARS))))])
    return "".join(chars)


def _num(value: float | None, fmt: str = "+.2f") -> str:
    return "-" if value is None else format(value, fmt)


def _tenure(days: int | None) -> str:
    if days is None:
        return "unknown"
    years, rest = divmod(days, 365)
    return f"{years}y {rest // 30}m" if years else f"{days}d"


def cmd_show(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    profile = pipeline.customer_profile(engine, config, args.id, now=parse_now(args.now), mentions=args.mentions)
    if profile is None:
        print(f"arcwatch: error: no customer or author {args.id!r} (use a roster id or platform:handle)",
              file=sys.stderr)
        return 1
    if args.format == "json":
        print_json(profile.as_json())
        return 0
    _print_profile(profile)
    return 0


def _print_profile(profile) -> None:
    who, arc = profile.who, profile.who.arc
    kind = f"tier {plain(who.tier)}" if who.tier else ("roster" if who.rostered else "unrostered author"
                                                       + ("" if who.is_customer else " (community member)"))
    print(f"{plain(who.name)} [{plain(who.display_id)}]  {kind}  tenure {_tenure(who.tenure_days)}  risk {who.risk}")
    for h in profile.handles:
        state = "" if h.active else f"  REMOVED {h.removed_at:%Y-%m-%d} by {plain(h.removed_by)}"
        seen = f"first seen {h.first_seen:%Y-%m-%d}" if h.first_seen else "not seen yet"
        print(f"  {h.platform:<10} {plain(h.handle):<28} {plain(h.origin):<24} {seen}{state}")
    if arc is None:
        print("no mentions yet: no arc")
        return
    print(f"arc as of {arc.as_of}: {arc.trend.upper()}  level {_num(arc.level)}  30-day mean {_num(arc.mean_30d)}"
          f" (prior {_num(arc.mean_prior)})  slope {_num(arc.slope, '+.4f')}/day  negatives 7d {arc.negative_7d},"
          f" 30d {arc.negative_30d}  change point {arc.change_point or '-'}  mentions {arc.mentions:,}")
    start = profile.end - timedelta(days=profile.window_days - 1)
    line = sparkline(profile.daily, end=profile.end, days=profile.window_days)
    print(f"  +1 {line}\n     {start}{str(profile.end).rjust(max(len(line) - 10, 11))}")
    print("recent mentions:")
    for m in profile.mentions:
        cues = f"  [{', '.join(m.cues)}]" if m.cues else ""
        print(f"  {m.created_at:%Y-%m-%d %H:%M} {m.platform:<9} {plain(m.handle)[:24]:<24} {m.score:+.2f} "
              f"{m.label}{cues}\n      {plain(m.text)[:200]}")


def cmd_list(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    found = pipeline.list_customers(engine, config, trend=args.trend, now=parse_now(args.now),
                                    limit=args.limit or None, include_silent=args.include_silent)
    if args.format == "json":
        print_json([_row(x) for x in found])
        return 0
    if not found:
        print("no customers with an arc" + (f" trending {args.trend}" if args.trend else "")
              + " (run `arcwatch evaluate` after importing mentions)")
        return 0
    print(f"{'RISK':>5}  {'TREND':<9}  {'ID':<24}  {'NAME':<24}  {'TENURE':>7}  {'LEVEL':>6}  {'30D':>6}  "
          f"{'NEG30':>5}  {'MENTIONS':>8}  LAST")
    for x in found:
        a = x.arc
        last = f"{a.last_mention_at:%Y-%m-%d}" if a and a.last_mention_at else "-"
        print(f"{x.risk:>5}  {(a.trend if a else '-'):<9}  {plain(x.display_id)[:24]:<24}  {plain(x.name)[:24]:<24}  "
              f"{_tenure(x.tenure_days):>7}  {_num(a and a.level):>6}  {_num(a and a.mean_30d):>6}  "
              f"{(a.negative_30d if a else 0):>5}  {(a.mentions if a else 0):>8,}  {last}")
    return 0


def _row(x) -> dict:
    a = x.arc
    arc = None if a is None else {
        "trend": a.trend, "level": a.level, "mean_30d": a.mean_30d, "mean_prior": a.mean_prior, "slope": a.slope,
        "negative_7d": a.negative_7d, "negative_30d": a.negative_30d, "change_point": a.change_point,
        "mentions": a.mentions, "last_mention_at": a.last_mention_at, "as_of": a.as_of}
    return {"customer_id": x.display_id, "subject": x.subject, "name": x.name, "rostered": x.rostered,
            "is_customer": x.is_customer, "tier": x.tier, "tenure_days": x.tenure_days, "risk": x.risk, "arc": arc}


def cmd_link(args) -> int:
    engine = store_of(config_of(args))
    actor = args.actor or os.environ.get("USER") or getpass.getuser()
    act = pipeline.unlink_handle if args.unlink else pipeline.link_handle
    change = act(engine, args.customer, args.platform, args.handle, actor=actor)
    if args.format == "json":
        print_json(change.as_json())
        return 0
    print(f"{change.action}: {change.platform} handle {plain(change.handle_norm)!r} "
          f"{'from' if args.unlink else 'to'} customer {plain(change.customer_id)} ({plain(change.origin)})")
    if change.action != "already linked":
        print("  the next `arcwatch evaluate` rebuilds this customer's arc")
    if not args.unlink and change.author_id is None:
        print("  no mention from this handle yet; its mentions will count once it posts")
    if change.also_linked_to:
        print(f"  note: this handle is also linked to {', '.join(map(plain, change.also_linked_to))}")
    return 0
