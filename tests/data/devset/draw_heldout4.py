"""Reproduce the heldout4 draw: prints `source<TAB>id<TAB>stratum` for every drawn text (ids only, never texts).

Drawn like heldout3 (draw_heldout3.py), with a new seed and strata weighted toward positive posts, which are rare:
airline tweets, then twcs brands whose labelled tweets (all splits up to heldout3) were at least 20% positive, then
the other twcs brands, then a small ibm stratum (heldout3's 80 ibm texts held no positive post).

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout4.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_heldout3 import AIRLINES, main, pools  # noqa: E402  the same pool, excluding heldout3 too

SEED = 20261202
# twcs brands (airlines aside) with >= 5 labels up to heldout3 of which >= 20% were positive; fixed before the draw
RICH = {"ChipotleTweets", "AldiUK", "SpotifyCares", "VirginTrains", "Walmart", "ChaseSupport", "marksandspencer",
        "AskAmex"}
N_AIRLINE, N_RICH, N_OTHER, N_IBM = 130, 90, 60, 20


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout4, in draw order."""
    return stratified(SEED, ("dev", "dev2", "heldout", "heldout2", "heldout3"), RICH,
                      (N_AIRLINE, N_RICH, N_OTHER, N_IBM))


def stratified(seed: int, prior: tuple[str, ...], rich: set[str], sizes: tuple[int, int, int, int]) -> list[tuple]:
    """(source, id, stratum): airline, positive-rich and other twcs texts, then ibm texts, each stratum a fresh
    random.Random(seed).sample of the pool left by the `prior` splits."""
    tw_pool, ib_pool, brand = pools(prior)
    air = [k for k in tw_pool if brand.get(k) in AIRLINES]
    rich_pool = [k for k in tw_pool if brand.get(k) in rich]
    other = [k for k in tw_pool if brand.get(k) not in AIRLINES and brand.get(k) not in rich]
    n_air, n_rich, n_other, n_ibm = sizes
    out = [("twcs", k, "airline") for k in random.Random(seed).sample(air, n_air)]
    out += [("twcs", k, "rich") for k in random.Random(seed).sample(rich_pool, n_rich)]
    out += [("twcs", k, "other") for k in random.Random(seed).sample(other, n_other)]
    out += [("ibm", k, "ibm") for k in random.Random(seed).sample(ib_pool, n_ibm)]
    return out


if __name__ == "__main__":
    main(draw)
