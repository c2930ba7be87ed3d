"""`arcwatch digest` and `arcwatch report`."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from monitor import pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.reporting import report_file_name, report_period


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def register(subparsers) -> None:
    p = subparsers.add_parser("digest", help="send (or write) the daily sentiment digest",
                              description="Build the digest of one day (default: yesterday in [digest] timezone) "
                              "and send it to each recipient exactly once.")
    p.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="the day to cover")
    p.add_argument("--to", action="append", metavar="ADDR", help="send to this address instead of "
                   "[digest] recipients (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="render and print the text part; send nothing")
    p.add_argument("--out", metavar="FILE", help="write the digest to FILE (.html, .txt or .eml); send nothing")
    p.add_argument("--force", action="store_true", help="send again to recipients who already got this day")
    add_format(p)
    p.set_defaults(func=cmd_digest)

    p = subparsers.add_parser("report", help="write the executive HTML trend report",
                              description="One self-contained HTML file: the period (default: the last 30 days) "
                              "against the same span before it.")
    p.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="first day of the period")
    p.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="last day of the period (inclusive)")
    p.add_argument("--out", metavar="FILE", help="where to write the HTML (default: [report] dir/arcwatch-report-"
                   "FROM-to-TO.html)")
    p.add_argument("--mail", action="store_true", help="also mail it to [report] recipients (once per period)")
    p.set_defaults(func=cmd_report)


def cmd_digest(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    run = pipeline.digest(engine, config, day=args.date, to=args.to, dry_run=args.dry_run, out=args.out,
                          force=args.force)
    if args.format == "json":
        print_json({"day": run.day, "subject": run.subject, "written": run.written,
                    "results": [vars(r) for r in run.results]})
    elif args.dry_run and not args.out:
        sys.stdout.write(run.text)
    else:
        if run.written:
            print(f"wrote the digest for {run.day} to {run.written}")
        for r in run.results:
            detail = {"sent": f"sent ({r.message_id})", "skipped": "already sent; skipped (use --force to resend)",
                      "failed": f"FAILED: {r.error}"}[r.status]
            print(f"{r.recipient}: {detail}")
    return 1 if any(r.status == "failed" for r in run.results) else 0


def cmd_report(args) -> int:
    config = config_of(args)
    engine = store_of(config)
    start, end = report_period(config, args.start, args.end)
    out = args.out or str(Path(config.report.dir) / report_file_name(start, end))
    run = pipeline.report(engine, config, start=start, end=end, out=out, send=args.mail)
    print(f"wrote the trend report for {run.start} to {run.end} to {run.written}")
    for r in run.results:
        print(f"{r.recipient}: {r.status}{': ' + r.error if r.error else ''}")
    return 1 if any(r.status == "failed" for r in run.results) else 0
