"""Reproduce the heldout7 draw: prints `source<TAB>id<TAB>stratum` for every drawn text (ids only, never texts).

Drawn like heldout6 (draw_heldout6.py) from what the eight earlier splits left, with a new seed. The strata are
heldout4's, with the positive-rich brands recomputed by the same rule from the labels of all eight earlier splits
(McDonalds drops out), and sizes fixed from the pool sizes before any text was seen: no airline text is left, all
5 positive-rich ones, 205 of the 947 others, 40 of 729 ibm texts.

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout7.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_heldout3 import main  # noqa: E402
from draw_heldout4 import stratified  # noqa: E402  heldout4's strata, excluding heldout6 too

SEED = 20261205
# twcs brands (airlines aside) with >= 5 labels up to heldout6 of which >= 20% were positive; fixed before the draw
RICH = {"AldiUK", "ChaseSupport", "ChipotleTweets", "Walmart", "marksandspencer"}
N_AIRLINE, N_RICH, N_OTHER, N_IBM = 0, 5, 205, 40
PRIOR = ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout7, in draw order."""
    return stratified(SEED, PRIOR, RICH, (N_AIRLINE, N_RICH, N_OTHER, N_IBM))


if __name__ == "__main__":
    main(draw)
