"""`arcwatch customers ...`: the roster and customer views."""
from __future__ import annotations

from monitor import pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.cli import _customer_views


def register(subparsers) -> None:
    group = subparsers.add_parser("customers", help="the customer roster and customers' arcs")
    sub = group.add_subparsers(dest="customers_command", metavar="SUBCOMMAND", required=True)
    p = sub.add_parser("import", help="import or update the roster from a CRM export (CSV)")
    p.add_argument("roster", metavar="ROSTER.csv")
    add_format(p)
    p.set_defaults(func=cmd_import)
    _customer_views.register(sub)  # show, list, link, unlink


def cmd_import(args) -> int:
    engine = store_of(config_of(args))
    summary = pipeline.import_roster(engine, args.roster)
    if args.format == "json":
        print_json(summary.as_json())
    else:
        print(f"read {summary.read:,} rows: {summary.customers_added:,} customers added, "
              f"{summary.customers_updated:,} updated, {summary.links_added:,} handles linked, "
              f"{len(summary.rejected):,} rejected")
        for r in summary.rejected:
            print(f"  {r.file}:{r.line}: {r.reason}")
        if summary.ignored_columns:
            print(f"  ignored columns (not a platform): {', '.join(summary.ignored_columns)}")
        if summary.links_not_in_file:
            print(f"  {len(summary.links_not_in_file):,} linked handles are no longer in this file; they were kept. "
                  "Remove one with `arcwatch customers unlink CUSTOMER PLATFORM HANDLE`:")
            for cid, platform, handle in summary.links_not_in_file[:20]:
                print(f"    {cid} {platform} {handle}")
    return 1 if summary.read == 0 else 0
