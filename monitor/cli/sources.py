"""`arcwatch pull`, `arcwatch sources list|test` and `arcwatch run`."""
from __future__ import annotations

import logging
import sys

from monitor import pipeline
from monitor.cli._common import add_format, config_of, print_json, store_of
from monitor.errors import ConfigError, TerminalError, TransientError


def register(subparsers) -> None:
    p = subparsers.add_parser("pull", help="fetch new mentions from the configured sources once")
    p.add_argument("names", nargs="*", metavar="NAME", help="sources to pull (default: all enabled; naming a "
                   "source also pulls it while it is backing off)")
    add_format(p)
    p.set_defaults(func=cmd_pull)

    p = subparsers.add_parser("sources", help="the configured sources and their health")
    sub = p.add_subparsers(dest="sources_command", metavar="SUBCOMMAND", required=True)
    lp = sub.add_parser("list", help="each source with its last run, last success, last error and counts")
    add_format(lp)
    lp.set_defaults(func=cmd_list)
    tp = sub.add_parser("test", help="try one source once, store nothing, and explain any failure")
    tp.add_argument("name", metavar="NAME")
    tp.set_defaults(func=cmd_test)

    p = subparsers.add_parser("run", help="run unattended: pull each source on its schedule until stopped")
    p.set_defaults(func=cmd_run)


def _quiet_http_logs() -> None:
    for name in ("httpx", "urllib3", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def cmd_pull(args) -> int:
    _quiet_http_logs()
    logging.getLogger("arcwatch.pull").setLevel(logging.WARNING)  # the command prints the same facts
    config = config_of(args)
    engine = store_of(config)
    results = pipeline.pull(engine, config, args.names or None)
    evaluated, eval_error = _evaluate_if_new(engine, config, results)
    if args.format == "json":
        print_json({"sources": [vars(r) for r in results], "evaluated": evaluated, "evaluation_error": eval_error})
    else:
        width = max([len(r.name) for r in results] + [4])
        for r in results:
            line = f"{r.name:<{width}}  {r.kind:<10}  {r.status:<7}  new {r.new:>5}  updated {r.updated:>4}  " \
                   f"deleted {r.deleted:>4}"
            print(line + (f"  error: {r.error}" if r.error else ""))
        if not results:
            print("no sources configured: add [[sources]] tables to the configuration (see config.example.toml)")
        if eval_error:
            print(f"evaluation failed: {eval_error}", file=sys.stderr)
    return 1 if eval_error or any(r.status == "failed" for r in results) else 0


def _evaluate_if_new(engine, config, results) -> tuple[bool, str | None]:
    step = getattr(pipeline, "evaluate", None)
    if step is None or not any(r.new or r.updated or r.deleted for r in results):
        return False, None
    try:
        step(engine, config)
    except Exception as exc:  # noqa: BLE001 - the mentions are stored; report the failure, keep them
        return False, f"{type(exc).__name__}: {exc}"
    return True, None


def cmd_list(args) -> int:
    from monitor.pull import source_specs
    from monitor.store import source_health

    config = config_of(args)
    engine = store_of(config)
    health = {h.name: h for h in source_health(engine)}
    rows = []
    for spec in source_specs(config):
        rows.append(_row(spec.name, spec.kind, health.pop(spec.name, None), configured=True,
                         every=spec.every, enabled=spec.enabled))
    for h in health.values():  # stored state of sources no longer in the configuration
        rows.append(_row(h.name, h.kind, h, configured=False, every=None, enabled=False))
    if args.format == "json":
        print_json(rows)
        return 0
    if not rows:
        print("no sources configured")
    for r in rows:
        when = r["last_run"].strftime("%Y-%m-%d %H:%M") if r["last_run"] else "never run"
        state = "ok" if r["last_run"] and not r["last_error"] else ("failing" if r["last_error"] else "-")
        extra = "" if r["configured"] else "  (not configured any more)"
        print(f"{r['name']:<20} {r['kind']:<10} {state:<8} last run {when}  fetched {r['fetched']:,}{extra}")
        if r["last_error"]:
            print(f"    last error ({r['consecutive_failures']} in a row): {r['last_error']}")
        if r["backoff_until"]:
            print(f"    backing off until {r['backoff_until']:%Y-%m-%d %H:%M:%S}Z")
    return 0


def _row(name, kind, h, *, configured: bool, every: float | None, enabled: bool) -> dict:
    return {"name": name, "kind": kind, "configured": configured, "enabled": enabled, "every_seconds": every,
            "last_run": h.last_run if h else None, "last_success": h.last_success if h else None,
            "last_error": h.last_error if h else None,
            "consecutive_failures": h.consecutive_failures if h else 0, "fetched": h.fetched if h else 0,
            "last_fetched": h.last_fetched if h else 0, "backoff_until": h.backoff_until if h else None,
            "cursor": h.cursor if h else None}


def cmd_test(args) -> int:
    from monitor.pull import try_source

    _quiet_http_logs()
    outcome = try_source(config_of(args), args.name)
    if outcome.error is None:
        print(f"{outcome.name} ({outcome.kind}): ok, the first page has {len(outcome.mentions)} mention(s)")
        for m in outcome.mentions[:3]:
            print(f"  {m.created_at:%Y-%m-%d %H:%M} {m.author}: {' '.join(m.text.split())[:100]}")
        return 0
    print(f"{outcome.name} ({outcome.kind}): FAILED: {outcome.error}")
    print(f"  {_explain(outcome.error)}")
    return 1


def _explain(error: BaseException) -> str:
    if isinstance(error, ConfigError):
        return "The source's settings are wrong or incomplete; fix the key named above in the configuration."
    if isinstance(error, TransientError):
        return ("This may pass on its own: the service was unreachable, slow, overloaded or rate limiting. "
                "Check base_url/url and the network; `arcwatch run` retries with backoff.")
    if isinstance(error, TerminalError):
        return ("Retrying will not help: check the credentials (the environment variables the source names) "
                "and what the source asks for (query, subreddits, hashtags...).")
    return "Unexpected failure inside Arcwatch; run with -v and report it with the message above."


def cmd_run(args) -> int:
    from monitor.scheduler import run

    _quiet_http_logs()
    logging.getLogger("arcwatch.pull").setLevel(logging.WARNING)  # each job logs its own JSON line
    run_log = logging.getLogger("arcwatch.run")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))  # one JSON object per line
    run_log.addHandler(handler)
    run_log.setLevel(logging.INFO)
    run_log.propagate = False
    config = config_of(args)
    return run(store_of(config), config)
