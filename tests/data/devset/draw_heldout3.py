"""Reproduce the heldout3 draw: prints `source<TAB>id` for every drawn text (ids only, never texts).

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout3.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from tests.corpora import DEVSET_LABELS, ibm_client_turns, twcs_inbound, twcs_rows  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SEED = 20260410
AIRLINES = {"Delta", "British_Airways", "SouthwestAir", "AmericanAir", "AirAsiaSupport", "AlaskaAir",
            "VirginAtlantic", "VirginAmerica", "JetBlue"}
N_AIRLINE, N_OTHER, N_IBM = 110, 120, 80


def _norm(text: str) -> str:
    return text.strip().lower()


def _earlier_draws(tw_ids: list[str]) -> tuple[set[str], set[str]]:
    """Ids of the first two documented draws (seeds 20260401/02); later draws are all labelled."""
    ibm_all = []
    for name in ("dev.json", "test.json"):
        path = SHARED / "customer-support" / "ibm_twitter_customer_care" / name
        for conv in json.loads(path.read_text(encoding="utf-8")):
            ibm_all += [u["tweet_ID"] for u in conv["dialogContent"] if "client" in u]
    rnd = random.Random(20260401)
    tw, ib = set(rnd.sample(tw_ids, 280)), set(rnd.sample(ibm_all, 140))
    tw |= set(random.Random(20260402).sample([k for k in tw_ids if k not in tw], 200))
    return tw, ib


def _brands() -> dict[str, str]:
    """Brand account of each inbound twcs tweet, from the company tweets of its thread."""
    rows = twcs_rows(SHARED)
    author = {r["tweet_id"]: r["author_id"] for r in rows}
    inbound = {r["tweet_id"] for r in rows if r["inbound"] == "True"}
    links: dict[str, set[str]] = {}
    for r in rows:
        nbrs = [x for x in r["response_tweet_id"].split(",") if x]
        if r["in_response_to_tweet_id"]:
            nbrs.append(str(int(float(r["in_response_to_tweet_id"]))))
        for n in nbrs:
            links.setdefault(r["tweet_id"], set()).add(n)
            links.setdefault(n, set()).add(r["tweet_id"])
    brand: dict[str, str] = {}
    for start in inbound:
        seen, todo = {start}, [start]
        while todo:
            for n in links.get(todo.pop(), ()):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        found = sorted(author[t] for t in seen if t in author and t not in inbound)
        if found:
            brand[start] = found[0]
    return brand


def pools(prior_splits: tuple[str, ...]) -> tuple[list[str], list[str], dict[str, str]]:
    """(twcs pool, ibm pool, brand of each twcs tweet): the texts, in file order, that a draw after these labelled
    splits may take: not labelled, not in the first two draws, and equal (after strip and lower-casing) to no
    labelled text and no earlier text of the pool."""
    tw, ib = twcs_inbound(SHARED), ibm_client_turns(SHARED)
    with open(DEVSET_LABELS, encoding="utf-8", newline="") as fh:
        labelled = [(r["source"], r["source_id"]) for r in csv.DictReader(fh) if r["split"] in prior_splits]
    texts = {"twcs": tw, "ibm": ib}
    seen_text = {_norm(texts[s][k]) for s, k in labelled}
    old_tw, old_ib = _earlier_draws(list(tw))
    old_tw |= {k for s, k in labelled if s == "twcs"}
    old_ib |= {k for s, k in labelled if s == "ibm"}

    def pool(ids, old, src):
        out = []
        for k in ids:
            t = _norm(texts[src][k])
            if k not in old and t not in seen_text:
                seen_text.add(t)  # one copy of a repeated text (retweets) at most
                out.append(k)
        return out

    return pool(list(tw), old_tw, "twcs"), pool(list(ib), old_ib, "ibm"), _brands()


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout3, in draw order."""
    # the splits drawn before this one; later splits were drawn from what this draw left
    tw_pool, ib_pool, brand = pools(("dev", "dev2", "heldout", "heldout2"))
    air = [k for k in tw_pool if brand.get(k) in AIRLINES]
    other = [k for k in tw_pool if brand.get(k) not in AIRLINES]
    out = [("twcs", k, "airline") for k in random.Random(SEED).sample(air, N_AIRLINE)]
    out += [("twcs", k, "other") for k in random.Random(SEED).sample(other, N_OTHER)]
    out += [("ibm", k, "ibm") for k in random.Random(SEED).sample(ib_pool, N_IBM)]
    return out


def main(draw_fn) -> None:
    """Print the draw's ids (and, with --texts, its texts: never to be saved in the repository)."""
    show = "--texts" in sys.argv
    texts = {"twcs": twcs_inbound(SHARED), "ibm": ibm_client_turns(SHARED)} if show else {}
    for src, k, stratum in draw_fn():
        line = f"{src}\t{k}\t{stratum}"
        print(line + ("\t" + " ".join(texts[src][k].split()) if show else ""))


if __name__ == "__main__":
    main(draw)
