"""Reproduce the heldout5 draw: prints `source<TAB>id<TAB>stratum` for every drawn text (ids only, never texts).

Drawn like heldout4 (draw_heldout4.py) from what the six earlier splits left, with a new seed. The strata are
heldout4's, with the positive-rich brands recomputed by the same rule from the labels of all six earlier splits
(AskAmex drops out), and sizes fixed from the pool sizes before any text was seen: most of the 73 airline texts
left, about half of the 216 positive-rich ones, fewer of the others, and a small ibm stratum.

Run from the repository root: `.venv/bin/python tests/data/devset/draw_heldout5.py [--texts]`. With `--texts`
it prints the texts too, for labelling; that output must not be saved inside the repository.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from draw_heldout3 import main  # noqa: E402
from draw_heldout4 import stratified  # noqa: E402  heldout4's strata, excluding heldout4 too

SEED = 20261203
# twcs brands (airlines aside) with >= 5 labels up to heldout4 of which >= 20% were positive; fixed before the draw
RICH = {"AldiUK", "ChaseSupport", "ChipotleTweets", "SpotifyCares", "VirginTrains", "Walmart", "marksandspencer"}
N_AIRLINE, N_RICH, N_OTHER, N_IBM = 60, 100, 70, 20
PRIOR = ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4")


def draw() -> list[tuple[str, str, str]]:
    """(source, id, stratum) of heldout5, in draw order."""
    return stratified(SEED, PRIOR, RICH, (N_AIRLINE, N_RICH, N_OTHER, N_IBM))


if __name__ == "__main__":
    main(draw)
