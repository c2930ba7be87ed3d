"""`arcwatch score`: score texts from stdin, one per line, with the configured scorer; JSON lines out, in order."""
from __future__ import annotations

import io
import json
import sys
from dataclasses import replace

from monitor.cli._common import config_of
from monitor.sentiment import build_scorer, spec_from_config


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "score", help="score texts read from stdin (one per line) and print one JSON object per line",
        description="Reads UTF-8 text from stdin, one text per line, and writes one JSON object per input line, "
                    "in the same order: {\"compound\", \"score\", \"label\", \"cues\"}. Bytes that are not UTF-8 "
                    "are replaced, never dropped, so output line N always belongs to input line N.")
    p.add_argument("--scorer", choices=("complaint", "vader"),
                   help="override the configured scorer ([sentiment] scorer)")
    p.set_defaults(func=cmd_score)


def cmd_score(args) -> int:
    spec = spec_from_config(config_of(args))
    if args.scorer:
        spec = replace(spec, name=args.scorer)
    scorer = build_scorer(spec)
    # Only "\n" ends a text ("\r\n" too): a bare CR inside a post stays part of it.
    source = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    out = sys.stdout
    interactive = sys.stdin.isatty()
    for line in source:
        text = line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line
        s = scorer.score(text)
        out.write(json.dumps({"compound": s.compound, "score": s.score, "label": s.label, "cues": list(s.cues)}))
        out.write("\n")
        if interactive:
            out.flush()
    out.flush()
    return 0
