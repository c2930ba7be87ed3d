"""`arcwatch import`, `status` and `demo`."""
from __future__ import annotations

import sys

from monitor import pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.importer import parse_mapping


def register(subparsers) -> None:
    p = subparsers.add_parser("import", help="import mentions from JSON Lines or CSV files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--platform", help="platform of rows that do not name one (twitter, reddit, ...)")
    p.add_argument("--map", dest="mapping", metavar="FIELD=COLUMN,...",
                   help="take a mention field from a differently named column, e.g. id=tweet_id,author=user")
    add_format(p)
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("demo", help="run Arcwatch end to end on a generated demo world (no network)")
    p.add_argument("--dir", default="arcwatch-demo", help="folder for the demo's data, database and pages")
    p.add_argument("--seed", type=int, default=7, help="seed of the demo world")
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("status", help="counts of mentions, authors, customers, alerts and sources")
    add_format(p)
    p.set_defaults(func=cmd_status)


def cmd_import(args) -> int:
    config = config_of(args)
    try:
        mapping = parse_mapping(args.mapping)
    except ValueError as exc:
        print(f"arcwatch: error: {exc}", file=sys.stderr)
        return 2
    engine = store_of(config)
    summary = pipeline.import_files(engine, config, args.files, platform=args.platform, mapping=mapping)
    for problem in summary.unreadable:
        print(f"arcwatch: cannot read {problem}", file=sys.stderr)
    if args.format == "json":
        print_json(summary.as_json())
    else:
        print(f"read {summary.read:,} rows: imported {summary.imported:,}, duplicates {summary.duplicates:,}, "
              f"rejected {len(summary.rejected):,}")
        for r in summary.rejected[:50]:
            print(f"  {r.file}:{r.line}: {r.reason}")
        if len(summary.rejected) > 50:
            print(f"  ... and {len(summary.rejected) - 50:,} more (use --format json for all)")
    return 1 if summary.read == 0 else 0


def cmd_status(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    status = pipeline.status(engine)
    if args.format == "json":
        print_json(status)
        return 0
    print(f"mentions:  {status['mentions']:,}")
    for platform, n in status["by_platform"].items():
        print(f"  {platform:<12} {n:,}")
    print(f"authors:   {status['authors']:,}")
    print(f"customers: {status['customers']:,}")
    print(f"open alerts: {status['alerts_open']:,}")
    for s in status["sources"]:
        health = "ok" if not s["last_error"] else f"FAILING x{s['consecutive_failures']}: {s['last_error']}"
        print(f"source {s['name']} ({s['kind']}): fetched {s['fetched']:,}, last run {s['last_run'] or 'never'}, "
              f"{health}")
    for beat in status["heartbeats"]:
        print(f"scheduler {beat['name']}: last heartbeat {beat['at']} (pid {beat['pid']})")
    return 0


def cmd_demo(args) -> int:
    print(f"Building the demo world in {args.dir} ...", flush=True)
    result, world = pipeline.run_demo(args.dir, seed=args.seed)
    print(f"A year of mentions of the fictional brand Brightdesk, up to {world.end:%Y-%m-%d %H:%M} UTC:")
    for step, what in result.steps:
        print(f"  {step:<18} {what}")
    print(f"\nPlanted: {len(world.planted_sliding)} long-time customers whose sentiment slides over the last weeks "
          f"({', '.join(world.planted_sliding)}),\nand {len(world.planted_decoys)} decoys that must not look like one "
          "(one bad day, a decline that recovered, new customers).")
    print("\nLook at:")
    for what, path in result.outputs:
        print(f"  {what}: {path}")
    db = result.database_url
    print(f"\nTry the CLI on the demo database:\n  export ARCWATCH_DATABASE_URL={db}\n"
          "  arcwatch alerts list\n  arcwatch customers list --trend declining\n  arcwatch status\n"
          "  arcwatch users add you@example.com --role admin && arcwatch serve   # the triage queue in a browser")
    return 0
