"""The scorer interface, and plain VADER behind it. vaderSentiment is imported here only."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as _dist_version
from types import SimpleNamespace
from typing import Protocol

from vaderSentiment import vaderSentiment as _vader
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.types import Score, label_for


class Scorer(Protocol):
    """Anything that turns a text into a Score."""

    name: str

    def score(self, text: str) -> Score: ...


@dataclass(frozen=True)
class ScorerSpec:
    """What a worker process needs to build the same scorer as the parent (picklable)."""

    name: str = "complaint"
    negative_terms: tuple[str, ...] = ()
    positive_terms: tuple[str, ...] = ()


class VaderScorer:
    """Plain VADER: score is the compound, labelled at +-0.05.

    Scores come from FastVader, whose output tests/test_fastvader.py holds identical to upstream's."""

    name = "vader"

    def __init__(self) -> None:
        from monitor.fastvader import FastVader  # imported late: fastvader imports this module

        self._analyzer = SentimentIntensityAnalyzer()  # built once: the lexicon load is costly
        self._fast = FastVader()

    def polarity_scores(self, text: str) -> dict:
        """Upstream's own {'neg', 'neu', 'pos', 'compound'}: the reference FastVader is tested against."""
        return self._analyzer.polarity_scores(text)

    def score(self, text: str) -> Score:
        s = self._fast.polarity_scores(text)
        return Score(compound=s["compound"], pos=s["pos"], neu=s["neu"], neg=s["neg"],
                     score=s["compound"], label=label_for(s["compound"]))


@lru_cache(maxsize=1)
def vader_internals() -> SimpleNamespace:
    """Upstream VADER's parsed lexicons and rule constants, for the identical-output FastVader."""
    analyzer = SentimentIntensityAnalyzer()  # parse the lexicon files exactly as upstream does
    return SimpleNamespace(
        lexicon=dict(analyzer.lexicon), emojis=dict(analyzer.emojis),
        negate=tuple(_vader.NEGATE), booster=dict(_vader.BOOSTER_DICT),
        special_cases=dict(_vader.SPECIAL_CASES), n_scalar=_vader.N_SCALAR, c_incr=_vader.C_INCR,
        version=_dist_version("vaderSentiment"))


def spec_from_config(config) -> ScorerSpec:
    """The scorer the configuration asks for."""
    s = config.sentiment
    return ScorerSpec(s.scorer, tuple(s.negative_terms), tuple(s.positive_terms))


def build_scorer(spec: ScorerSpec) -> Scorer:
    """Build the scorer a spec names."""
    if spec.name == "vader":
        return VaderScorer()
    if spec.name == "complaint":
        from monitor.complaint import ComplaintScorer  # imported late: complaint imports this module

        return ComplaintScorer(negative_terms=spec.negative_terms, positive_terms=spec.positive_terms)
    raise ValueError(f"unknown scorer {spec.name!r}: expected 'complaint' or 'vader'")
