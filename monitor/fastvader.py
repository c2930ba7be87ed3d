"""VADER 3.3.2's polarity_scores, reimplemented for speed with identical output.

Upstream lower-cases the token list over and over, rebuilds the text character by character to swap emojis even
for ASCII text, and copies lists in `negated()`. This module lower-cases each token once, uses sets and dicts, and
skips the emoji pass when no character can be an emoji. Most words are not rated and most rated words have no
negation, booster or capital near them: only the rated words are visited, and those with nothing near them that a
rule reads take their lexicon valence without running the rules. Upstream's quirks are kept on purpose (see the
comments); tests/test_fastvader.py compares the two on tens of thousands of texts and must find no difference.
"""
from __future__ import annotations

import math
import re
import string
from itertools import compress, count
from collections.abc import Mapping
from dataclasses import dataclass

from monitor.sentiment import vader_internals

_PUNCT = string.punctuation
_SENTENCE_END = frozenset(".!?\u2026")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SO_THIS = ("so", "this")
_EMPTY = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}


@dataclass(slots=True)
class Tokens:
    """A text as VADER splits it: the text after emoji replacement, raw and stripped tokens, sentence ends."""

    text: str
    raw: list[str]
    words: list[str]
    lowers: list[str]
    ends: list[int]  # index one past the last token of each sentence
    rated: list[int]  # indices of the words VADER rates: in the lexicon, not a booster, not the "kind" of "kind of"


class FastVader:
    """Drop-in for SentimentIntensityAnalyzer.polarity_scores (vaderSentiment 3.3.2), about twice as fast."""

    def __init__(self, lexicon_changes: Mapping[str, float | None] | None = None) -> None:
        v = vader_internals()
        self.lexicon: dict[str, float] = v.lexicon
        if lexicon_changes:  # a domain variant: None drops a word, a number sets its valence
            self.lexicon = dict(v.lexicon)
            for word, value in lexicon_changes.items():
                if value is None:
                    self.lexicon.pop(word, None)
                else:
                    self.lexicon[word] = value
        self._emojis: dict[str, str] = v.emojis
        # Only single characters can match: upstream looks emojis up one character at a time.
        self._emoji_chars = frozenset(k for k in v.emojis if len(k) == 1)
        assert all(not c.isascii() for c in self._emoji_chars)  # ASCII text skips the emoji pass
        self._negate = frozenset(v.negate)
        self._booster: dict[str, float] = v.booster
        self._special: dict[str, float] = v.special_cases
        self._n_scalar: float = v.n_scalar
        self._c_incr: float = v.c_incr
        # Every word of a multi-word special case or booster: an idiom check can only match if one is nearby.
        self._idiom_words = frozenset(
            w for key in list(v.special_cases) + [k for k in v.booster if " " in k] for w in key.split(" "))
        # The words VADER gives a valence to: boosters in the lexicon get none (a lexicon variant can add them).
        self._rated = {w: val for w, val in self.lexicon.items() if w not in self._booster}
        # Words that some rule reads when they sit up to three words before (or two after) a rated word: with none
        # of them near it (and no "n't", no "this" just before, no capitals), a word's valence is its lexicon value.
        self._context = frozenset(self._booster).union(self._negate, ("no", "never", "without", "least"))

    def polarity_scores(self, text: str) -> dict:
        """VADER's {'neg', 'neu', 'pos', 'compound'} for one text, exactly as upstream computes it."""
        sentiments, text = self._sentiments(text)
        if not sentiments:
            return dict(_EMPTY)
        return _score_valence(sentiments, text)

    def valence_sum(self, text: str) -> float:
        """The summed valence VADER normalises into the compound, punctuation emphasis included."""
        sentiments, text = self._sentiments(text)
        return _emphasised_sum(sentiments, text)

    def tokenize(self, text: str) -> Tokens:
        """Upstream's tokens of a text, with sentence ends marked, to score it several ways without re-splitting."""
        if not text.isascii() and not self._emoji_chars.isdisjoint(_NON_ASCII.findall(text)):
            text = self._replace_emojis(text)
        raw = text.split()  # the same tokens as splitting line by line: "\n" is whitespace
        words, lowers = _words_and_lowers(text, raw)
        return Tokens(text, raw, words, lowers, _sentence_ends(text, raw), self._rated_indices(lowers))

    def scores_and_valence(self, tokens: Tokens) -> tuple[dict, float]:
        """polarity_scores and valence_sum of a tokenized text, from one pass."""
        if not tokens.words:
            return dict(_EMPTY), 0.0
        sentiments = self._valences(tokens.words, tokens.lowers, tokens.rated)
        if "but" in tokens.lowers:
            _but_check(tokens.lowers.index("but"), sentiments)
        return _score_valence(sentiments, tokens.text), _emphasised_sum(sentiments, tokens.text)

    def sentence_valences(self, tokens: Tokens) -> list[float]:
        """valence_sum of each sentence: one ends at a line break or a word ending in . ! ? or an ellipsis.

        Not upstream VADER, whose negation window and "but" rule run across sentence ends.
        """
        out = []
        start = 0
        for end in tokens.ends:
            lowers = tokens.lowers[start:end]
            sentiments = self._valences(tokens.words[start:end], lowers)
            if "but" in lowers:
                _but_check(lowers.index("but"), sentiments)
            out.append(_emphasised_sum(sentiments, " ".join(tokens.raw[start:end])))
            start = end
        return out

    def _sentiments(self, text: str) -> tuple[list, str]:
        if not text.isascii() and not self._emoji_chars.isdisjoint(_NON_ASCII.findall(text)):
            text = self._replace_emojis(text)
        words, lowers = _words_and_lowers(text, text.split())
        if not words:
            return [], text
        sentiments = self._valences(words, lowers)
        if "but" in lowers:
            _but_check(lowers.index("but"), sentiments)
        return sentiments, text

    def _replace_emojis(self, text: str) -> str:
        # Upstream's character loop puts a space before a description unless the character before it in the text
        # is a space (or it starts the text); a description itself never counts as one. The regex does the same.
        # Only non-ASCII characters are looked up: a text has few, and a regex finds them in C.
        emojis = self._emojis

        def described(m: re.Match) -> str:
            at, ch = m.start(), m.group()
            if ch not in emojis:
                return ch
            return (" " if at and text[at - 1] != " " else "") + emojis[ch]

        return _NON_ASCII.sub(described, text)

    def _rated_indices(self, lowers: list[str]) -> list[int]:
        hits = list(compress(count(), map(self._rated.__contains__, lowers)))
        if hits and "kind" in lowers:  # upstream gives "kind" no valence when "of" follows
            last = len(lowers) - 1
            hits = [i for i in hits if not (lowers[i] == "kind" and i < last and lowers[i + 1] == "of")]
        return hits

    def _valences(self, words: list[str], lowers: list[str], rated: list[int] | None = None) -> list:
        n = len(words)
        sentiments: list = [0] * n  # upstream appends the int 0 for unrated words; sum() then sees the same types
        if rated is None:
            rated = self._rated_indices(lowers)
        if not rated:
            return sentiments
        upper = list(map(str.isupper, words))
        n_upper = sum(upper)
        is_cap_diff = 0 < n - n_upper < n
        lexicon, valences, context = self.lexicon, self._rated, self._context
        nt = "n't" in " ".join(lowers)
        for i in rated:
            base = valences[lowers[i]]
            lo = i - 3 if i > 3 else 0
            if base and not (is_cap_diff and upper[i]) and context.isdisjoint(lowers[lo:i + 3]) \
                    and not (i and lowers[i - 1] == "this") and not (nt and "n't" in " ".join(lowers[lo:i])):
                # No rule applies but the idiom check (which has its own quick exit), and base + 0.0 == base.
                idioms = i >= 3 and lowers[i - 3] not in lexicon
                sentiments[i] = self._special_idioms_check(base, lowers, i) if idioms else base
            else:
                sentiments[i] = self._word_valence(i, base, words, lowers, upper, is_cap_diff)
        return sentiments

    def _word_valence(self, i: int, base: float, words, lowers, upper, is_cap_diff: bool) -> float:
        lexicon = self.lexicon
        n = len(words)
        valence = base
        if lowers[i] == "no" and i != n - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if (i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no") \
                or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor")):
            valence = base * self._n_scalar  # upstream overrides the 0.0 of "no no" here
        if upper[i] and is_cap_diff:
            if valence > 0:  # a zero valence in capitals is pushed negative, as upstream does
                valence += self._c_incr
            else:
                valence -= self._c_incr
        for start_i in (0, 1, 2):
            j = i - start_i - 1
            if j < 0 or lowers[j] in lexicon:
                continue
            s = self._scalar_inc_dec(lowers[j], upper[j], valence, is_cap_diff)
            if start_i == 1 and s != 0:
                s = s * 0.95
            if start_i == 2 and s != 0:
                s = s * 0.9
            valence = valence + s
            valence = self._negation_check(valence, lowers, start_i, i)
            if start_i == 2:
                valence = self._special_idioms_check(valence, lowers, i)
        return self._least_check(valence, lowers, i)

    def _scalar_inc_dec(self, lw: str, is_upper: bool, valence: float, is_cap_diff: bool) -> float:
        scalar = 0.0
        if lw in self._booster:
            scalar = self._booster[lw]
            if valence < 0:
                scalar *= -1
            if is_upper and is_cap_diff:
                if valence > 0:
                    scalar += self._c_incr
                else:
                    scalar -= self._c_incr
        return scalar

    def _negated(self, lw: str) -> bool:
        return lw in self._negate or "n't" in lw

    def _negation_check(self, valence: float, lowers: list[str], start_i: int, i: int) -> float:
        if start_i == 0:
            if self._negated(lowers[i - 1]):
                valence = valence * self._n_scalar
        elif start_i == 1:
            if lowers[i - 2] == "never" and lowers[i - 1] in _SO_THIS:
                valence = valence * 1.25
            elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
                pass
            elif self._negated(lowers[i - 2]):
                valence = valence * self._n_scalar
        else:
            # Upstream's precedence: (never and so/this) OR (previous word is so/this), kept as is.
            if (lowers[i - 3] == "never" and lowers[i - 2] in _SO_THIS) or lowers[i - 1] in _SO_THIS:
                valence = valence * 1.25
            elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
                pass
            elif self._negated(lowers[i - 3]):
                valence = valence * self._n_scalar
        return valence

    def _special_idioms_check(self, valence: float, lowers: list[str], i: int) -> float:
        n = len(lowers)
        if self._idiom_words.isdisjoint(lowers[i - 3:i + 3]):  # called with i >= 3 only
            return valence  # no phrase around i can be a special case or a multi-word booster
        special = self._special
        w3, w2, w1, w0 = lowers[i - 3], lowers[i - 2], lowers[i - 1], lowers[i]
        for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
            if seq in special:
                valence = special[seq]
                break
        if n - 1 > i:
            seq = f"{w0} {lowers[i + 1]}"
            if seq in special:
                valence = special[seq]
        if n - 1 > i + 1:
            seq = f"{w0} {lowers[i + 1]} {lowers[i + 2]}"
            if seq in special:
                valence = special[seq]
        for n_gram in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
            if n_gram in self._booster:
                valence = valence + self._booster[n_gram]
        return valence

    def _least_check(self, valence: float, lowers: list[str], i: int) -> float:
        # "least" is not in the lexicon, so upstream's "not in lexicon" guards are always true.
        if i > 1 and lowers[i - 1] == "least" and "least" not in self.lexicon:
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * self._n_scalar
        elif i > 0 and lowers[i - 1] == "least" and "least" not in self.lexicon:
            valence = valence * self._n_scalar
        return valence


def _but_check(bi: int, sentiments: list) -> None:
    # Upstream's loop verbatim: it finds each value's FIRST equal element with list.index while mutating the
    # list, so repeated values get scaled at the wrong position or several times. The quirk is part of the output.
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 0.5)
        elif si > bi:
            sentiments.pop(si)
            sentiments.insert(si, sentiment * 1.5)


def _punctuation_emphasis(text: str) -> float:
    ep_count = min(text.count("!"), 4)
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_amplifier + qm_amplifier


def _emphasised_sum(sentiments: list, text: str) -> float:
    sum_s = float(sum(sentiments))
    if sum_s > 0:
        return sum_s + _punctuation_emphasis(text)
    if sum_s < 0:
        return sum_s - _punctuation_emphasis(text)
    return sum_s


def normalize(score: float, alpha: float = 15) -> float:
    """VADER's squashing of a valence sum into -1..1."""
    norm_score = score / math.sqrt((score * score) + alpha)
    return -1.0 if norm_score < -1.0 else (1.0 if norm_score > 1.0 else norm_score)


def _score_valence(sentiments: list, text: str) -> dict:
    # Zeros change no sum (a float sum never becomes -0.0 from 0): only the rated words are added up.
    rated = [s for s in sentiments if s]
    sum_s = float(sum(rated))
    punct = _punctuation_emphasis(text)
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    compound = normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    for s in rated:
        if s > 0:
            pos_sum += (float(s) + 1)
        if s < 0:
            neg_sum += (float(s) - 1)
    neu_count = len(sentiments) - len(rated)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {"neg": round(math.fabs(neg_sum / total), 3), "neu": round(math.fabs(neu_count / total), 3),
            "pos": round(math.fabs(pos_sum / total), 3), "compound": round(compound, 4)}


def _words_and_lowers(text: str, raw: list[str]) -> tuple[list[str], list[str]]:
    """Upstream's words (a token stripped of punctuation unless that leaves two characters or fewer), lower-cased."""
    words = [t if len(s) <= 2 else s for t in raw for s in (t.strip(_PUNCT),)]
    if words and text.isascii():  # ASCII lower-cases letter by letter: one call for all the words
        return words, " ".join(words).lower().split(" ")
    return words, [w.lower() for w in words]


def _sentence_ends(text: str, raw: list[str]) -> list[int]:
    """Index one past each sentence's last token: after a word ending in . ! ? or an ellipsis, and at line ends."""
    if "\n" not in text:
        ends = [i for i, token in enumerate(raw, 1) if token[-1] in _SENTENCE_END]
        if raw and (not ends or ends[-1] != len(raw)):
            ends.append(len(raw))
        return ends
    ends, count = [], 0
    for line in text.split("\n"):
        for token in line.split():
            count += 1
            if token[-1] in _SENTENCE_END:
                ends.append(count)
        if count and (not ends or ends[-1] != count):
            ends.append(count)
    return ends
