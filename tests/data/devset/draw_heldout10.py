"""Reproduce the heldout10 draw: prints `source<TAB>id<TAB>stratum` for every drawn text (ids only, never texts).

Drawn like heldout9 (draw_heldout9.py) from what the eleven earlier splits left, with a new seed. The strata are
heldout4's, with the positive-rich brands recomputed by the same rule from the labels of all eleven earlier splits
(the same seven brands as heldout9's), and sizes fixed from the pool sizes before any text was seen: no airline and no
positive-rich text is left, all 322 other twcs texts (positive posts are what needs measuring, and twcs holds more of
them than ibm), 60 of the 609 ibm texts.

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout10.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_heldout3 import main  # noqa: E402
from draw_heldout4 import stratified  # noqa: E402  heldout4's strata, excluding heldout9 too

SEED = 20261209
# twcs brands (airlines aside) with >= 5 labels up to heldout9 of which >= 20% were positive; fixed before the draw
RICH = {"AldiUK", "ChaseSupport", "ChipotleTweets", "GWRHelp", "Morrisons", "Walmart", "marksandspencer"}
N_AIRLINE, N_RICH, N_OTHER, N_IBM = 0, 0, 322, 60
PRIOR = ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
         "heldout8", "heldout9")


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout10, in draw order."""
    return stratified(SEED, PRIOR, RICH, (N_AIRLINE, N_RICH, N_OTHER, N_IBM))


if __name__ == "__main__":
    main(draw)
