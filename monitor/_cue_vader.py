"""One VADER pass for both things the complaint scorer needs: upstream's numbers and per-sentence valences.

The scorer reports upstream VADER's compound, pos, neu and neg, but scores the text sentence by sentence with some
words re-weighted (pleas count as neutral; in a complaint, praise counts less; @handles count as names). Scoring it
a second time costs as
much as the first pass, so the per-word valences of the upstream pass are reused: a sentence's valence is the sum of
its words' valences, each scaled by its word's factor, with VADER's "but" rule and punctuation emphasis applied
within the sentence. A sentence whose first words sit in the reach of a negation at the end of the previous
sentence ("Booking no 123. Thanks.") is scored again on its own, so negation never crosses a sentence end.
This uses FastVader's private helpers on purpose: they are the same package's, and their output is upstream's.
"""
from __future__ import annotations

from collections.abc import Mapping

from monitor.fastvader import FastVader, Tokens, _but_check, _punctuation_emphasis, _score_valence

_EMPTY = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}  # upstream's answer for a text without words
LONG_SENTENCES = 3  # beyond this many sentences the valence is averaged, scaled to this many


class SentenceVader(FastVader):
    """Upstream VADER's polarity scores plus re-weighted sentence valences, from one pass over the words."""

    def __init__(self) -> None:
        super().__init__()
        # Negations flip the valence of the next three words: they must not reach across a sentence end. (Boosters
        # reach across too, but only scale a word a little; re-scoring for them costs more than it changes.)
        self._reach = frozenset(self._negate) | {"no", "never", "without", "least"}

    def polarity(self, tokens: Tokens) -> tuple[dict, list]:
        """Upstream's polarity_scores of the tokens, and the per-word valences before the "but" rule."""
        if not tokens.words:
            return dict(_EMPTY), []
        valences = self._valences(tokens.words, tokens.lowers)
        sentiments = list(valences)
        if "but" in tokens.lowers:
            _but_check(tokens.lowers.index("but"), sentiments)
        return _score_valence(sentiments, tokens.text), valences

    def sentence_valence(self, tokens: Tokens, valences: list, factors: Mapping[str, float]) -> float:
        """Summed valence of the sentences with each word's valence scaled by its factor; long texts averaged."""
        ends, lowers, raw = tokens.ends, tokens.lowers, tokens.raw
        handles = "@" in tokens.text
        if handles:  # a handle is a name, not a word: VADER rates "@united" +1.8
            valences = _without_handles(raw, valences)
        marked = "!" in tokens.text or "?" in tokens.text  # else no sentence has punctuation emphasis
        if len(ends) == 1:  # most posts: nothing to split or re-score
            return _one_sentence(valences, lowers, raw, factors, marked) if any(valences) else 0.0
        total, start = 0.0, 0
        for end in ends:
            part = valences[start:end]
            if start and self._reached(lowers[max(0, start - 3):start]):
                part = self._valences(tokens.words[start:end], lowers[start:end])
                if handles:
                    part = _without_handles(raw[start:end], part)
            if any(part):  # cheaper than tracking which words are rated
                total += _one_sentence(part, lowers[start:end], raw[start:end], factors, marked)
            start = end
        return total * LONG_SENTENCES / len(ends) if len(ends) > LONG_SENTENCES else total

    def _reached(self, before: list[str]) -> bool:
        return not self._reach.isdisjoint(before) or "n't" in " ".join(before)


def _without_handles(raw: list[str], valences: list) -> list:
    return [0 if token[0] == "@" else v for token, v in zip(raw, valences)]


def _one_sentence(part: list, words: list[str], raw: list[str], factors: Mapping[str, float], marked: bool) -> float:
    if "but" not in words and factors.keys().isdisjoint(words):
        value = float(sum(part))  # no word re-weighted: upstream's valence of the sentence
    else:
        but = words.index("but") if "but" in words else -1
        value = 0.0
        for i, v in enumerate(part):
            if v:
                factor = factors.get(words[i], 1.0)
                if but >= 0 and i != but:  # VADER's "but" rule without upstream's list.index quirk
                    factor *= 0.5 if i < but else 1.5
                value += v * factor
    if not value or not marked:
        return value
    emphasis = _punctuation_emphasis("".join(raw))
    return value + emphasis if value > 0 else value - emphasis
