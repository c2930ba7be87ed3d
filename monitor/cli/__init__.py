"""The `arcwatch` command line: a thin shell over monitor.pipeline."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from monitor.errors import ArcwatchError

# One explicit table of command modules; each has register(subparsers) and sets `func` on its parsers.
COMMAND_MODULES = (
    "monitor.cli.core",
    "monitor.cli.customers",
    "monitor.cli.score",
    "monitor.cli.sources",
    "monitor.cli.arcs",
    "monitor.cli.alerts",
    "monitor.cli.web",
    "monitor.cli.digest",
)


def build_parser() -> argparse.ArgumentParser:
    """The parser with every available command group registered."""
    parser = argparse.ArgumentParser(prog="arcwatch", description="Social listening that catches a "
                                     "long-time customer's frustration before it blows up.")
    parser.add_argument("--config", metavar="FILE", help="TOML configuration (else $ARCWATCH_CONFIG, "
                        "else ./config.toml, else built-in defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency, not a command group still to come
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one arcwatch command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ArcwatchError as exc:
        print(f"arcwatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
