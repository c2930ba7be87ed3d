"""Reproduce the heldout6 draw: prints `source<TAB>id<TAB>stratum` for every drawn text (ids only, never texts).

Drawn like heldout5 (draw_heldout5.py) from what the seven earlier splits left, with a new seed. The strata are
heldout4's, with the positive-rich brands recomputed by the same rule from the labels of all seven earlier splits
(SpotifyCares and VirginTrains drop out, McDonalds comes in), and sizes fixed from the pool sizes before any text
was seen: all 13 airline texts left, 90 of the 95 positive-rich ones, 127 of the 1,074 others, 20 of 749 ibm texts.

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout6.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_heldout3 import main  # noqa: E402
from draw_heldout4 import stratified  # noqa: E402  heldout4's strata, excluding heldout5 too

SEED = 20261204
# twcs brands (airlines aside) with >= 5 labels up to heldout5 of which >= 20% were positive; fixed before the draw
RICH = {"AldiUK", "ChaseSupport", "ChipotleTweets", "McDonalds", "Walmart", "marksandspencer"}
N_AIRLINE, N_RICH, N_OTHER, N_IBM = 13, 90, 127, 20
PRIOR = ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5")


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout6, in draw order."""
    return stratified(SEED, PRIOR, RICH, (N_AIRLINE, N_RICH, N_OTHER, N_IBM))


if __name__ == "__main__":
    main(draw)
