"""Single-core scoring speed of upstream VADER, FastVader and the complaint-aware scorer, measured in one run.

    python benchmarks/bench_scorer.py [--rounds 5] [--limit N]

Texts: the VADER tweets ground truth plus the customer tweets of twcs_head5000.csv from ../shared/data (a built-in
sample of support-style texts when that folder is absent). Each round runs every scorer over the same texts,
alternating every 250 texts and counting process CPU time, and the best round counts: these shared machines drift
by 5-40% from moment to moment. Only the ratios mean anything: compare them, never absolute times across runs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitor.complaint import ComplaintScorer  # noqa: E402
from monitor.fastvader import FastVader  # noqa: E402
from monitor.sentiment import VaderScorer  # noqa: E402

_FALLBACK = [
    "Been waiting 9 days for a reply from support.", "Thanks for the quick fix, support was great!",
    "@AcmeHelp my order never arrived and the tracking says delivered. Third time this month!!",
    "Customer for 10 years and never been this disappointed. Looking for alternatives.",
    "The app crashes every time I open it since the update", "Love the new dark mode :)",
    "Charged twice for the same order, I want a refund NOW", "ok thanks", "Any recommendations for a CRM tool?",
    "Great job... not. Still no reply from your team, escalating to a manager",
]


def load_texts(limit: int | None) -> tuple[list[str], str]:
    """Benchmark texts and where they came from."""
    shared = Path(os.environ.get("ARCWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not shared.is_dir():
        texts = _FALLBACK * 500
        return texts[:limit] if limit else texts, "built-in sample (../shared/data absent)"
    from tests.corpora import ground_truth, twcs_inbound

    texts = [r.text for r in ground_truth(shared, "tweets")] + list(twcs_inbound(shared).values())
    return texts[:limit] if limit else texts, "VADER tweets ground truth + twcs customer tweets"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N texts")
    args = parser.parse_args(argv)
    texts, origin = load_texts(args.limit)
    upstream, fast, complaint = VaderScorer(), FastVader(), ComplaintScorer()
    runs = {"upstream polarity_scores": upstream.polarity_scores, "FastVader.polarity_scores": fast.polarity_scores,
            "ComplaintScorer.score": complaint.score}
    best = {name: float("inf") for name in runs}
    blocks = [texts[i:i + 250] for i in range(0, len(texts), 250)]
    for _ in range(args.rounds):
        spent = dict.fromkeys(runs, 0.0)
        for block in blocks:  # alternate scorers every 250 texts, so load drift hits all of them alike
            for name, fn in runs.items():
                start = time.process_time()
                for text in block:
                    fn(text)
                spent[name] += time.process_time() - start
        for name in runs:
            best[name] = min(best[name], spent[name] / len(texts))
    base = best["upstream polarity_scores"]
    print(f"{len(texts):,} texts ({origin}), CPU time, best of {args.rounds} rounds, one core")
    print(f"{'scorer':<28}{'us/text':>10}{'texts/s':>11}{'speed vs upstream':>19}")
    for name, seconds in best.items():
        print(f"{name:<28}{seconds * 1e6:>10.1f}{1 / seconds:>11,.0f}{base / seconds:>18.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
