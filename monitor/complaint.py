"""The complaint-aware scorer: VADER's numbers plus customer-service cues and sentence-level scoring.

How the final score is made (all deterministic, offline):
1. VADER's compound/pos/neu/neg come from FastVader (identical to upstream) and are kept as they are.
2. Cues are found with precompiled patterns (monitor/_cues.py): waiting, repeat contact, unresolved tickets, outages,
   account access, non-delivery, billing, deception, churn intent, escalation, sarcasm, frustration, insults,
   cancellations by the company, complaint questions, negated actions, accusations ("you lost my bag"), demands
   ("please fix it"), plus the configured domain terms. Buying intent and tenure claims are reported but do not
   move the score.
3. The text is scored sentence by sentence, so that VADER's negation window and its "but" rule stop at a sentence
   end, and a long post is averaged instead of summed (VADER drifts to +-1 on long posts: vaderSentiment #151).
   Pleas ("please help") always count as neutral. When complaint cues fired, service words ("support", "won't
   play") count as neutral too and other praise counts less: in a complaint they are manners, vocabulary or irony.
4. Each complaint cue subtracts its weight (in VADER valence units) from the summed valence; the sum is squashed to
   -1..1 the way VADER squashes it. A text that reports the problem fixed ("working again", "thanks for the quick
   fix") gets the cue "resolved" and no penalty: it is scored as plain VADER would. A problem the author caused
   ("I forgot my password") or a how-to question that shows only weak cues keeps part of the penalty.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from monitor import _cue_engine
from monitor._cues import CUES
from monitor.fastvader import FastVader, Tokens, normalize
from monitor.types import Score, label_for

# Every cue name the scorer can report; alert rules refer to these.
CUE_NAMES: tuple[str, ...] = tuple(c.name for c in CUES) + (
    "tenure_claim", "domain_negative", "domain_positive", "resolved")

# Pleas, not praise, in any text addressed to a brand: VADER rates "help" +1.7 and "please" +1.3.
_REQUEST_WORDS = frozenset(("help", "please", "plz", "pls", "kindly"))
# In a complaint these are manners or service vocabulary, not praise: "please help", "support", "won't play".
_SERVICE_WORDS = ("help", "helps", "helpful", "please", "plz", "pls", "kindly", "support", "like", "hope",
                  "hopefully", "ok", "okay", "yes", "yep", "sure", "well", "credit", "promise", "promised", "care",
                  "resolve", "resolved", "solved", "lol", "free", "wish", "play", "playing", "played", "won",
                  "fulfilled", "accept", "accepted", "accepting", "save", "share", "want", "reach", "trust", "loyal",
                  "loyalty", "treat", "treated", "customer")
_NO_SENTIMENT = {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}  # upstream's answer when no word is rated
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})

POSITIVE_DAMPING = 0.4      # in a complaint, the remaining praise ("thanks", "love it but") counts less
VALENCE_PER_WEIGHT = 2.5    # a cue of weight 0.4 removes 1.0 valence: a neutral text lands near -0.25
MAX_PENALTY_WEIGHT = 1.5    # several cues add up, but not without bound
COMPLAINT_MIN_WEIGHT = 0.35  # a rhetorical "why ...?" or a lone negation does not make praise words suspect
DOMAIN_TERM_WEIGHT = 0.4
LONG_SENTENCES = 3          # beyond this many sentences the valence is averaged, scaled to this many
_SARCASM_WEIGHT = next(c.weight for c in CUES if c.name == "sarcasm")
SELF_CAUSED_SCALE = 0.25    # "I forgot my password and can't log in": the author's own doing, not a complaint
HOW_TO_SCALE = 0.35         # "how do I ...? I don't see the option": a question, unless a stronger cue says more
# Cues that a plain how-to question shows as well ("I can't find the setting", "why does it ...?").
_HOW_TO_CUES = frozenset(("negated_action", "outage", "complaint_question", "account_access"))
_SELF_CAUSED = re.compile(
    r"\b(?:i|we|i'?ve|i have|i had)(?: \w+)? (?:forgot|forgotten|accidentally|misplaced|mistakenly)\b|"
    r"\b(?:don'?t|do not|can'?t|cannot) remember (?:my|the|which|what)\b|\b(?:i|we) (?:lost|deleted|dropped|"
    r"broke|smashed|cracked) (?:my|our)\b")
_HOW_TO = re.compile(
    r"\b(?:how (?:do|can|would|should|could) (?:i|we|you|one)|how to|can i|could i|is there a way|is it possible|"
    r"where (?:do|can) i|what (?:do|should) i do|are you going to|will (?:you|there|it))\b")
_ASSIST_WORDS = frozenset("forgot forgotten accidentally misplaced mistakenly remember lost deleted dropped broke "
                          "smashed cracked how can could is where what are will".split())


class ComplaintScorer:
    """VADER plus customer-service complaint cues; see the module docstring for the method."""

    name = "complaint"

    def __init__(self, negative_terms=(), positive_terms=(), *, reference_year: int | None = None) -> None:
        self._vader = FastVader()  # upstream VADER: the Score's compound, pos, neu and neg
        self._base_vader = FastVader({w: None for w in _REQUEST_WORDS})
        self._complaint_vader = FastVader(_complaint_lexicon(self._vader.lexicon))
        self._matcher = _cue_engine.CueMatcher()
        self._lexicon_words = self._vader.lexicon.keys()
        self._negative_terms = _terms_pattern(negative_terms)
        self._positive_terms = _terms_pattern(positive_terms)
        self.reference_year = reference_year or datetime.now(timezone.utc).year

    def score(self, text: str) -> Score:
        """Score one text: VADER's parts, the complaint-aware score, its label and the cues behind it."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        tokens = self._vader.tokenize(text)
        # No word of the lexicon: every valence is 0 under all three lexicons (the variants only drop or rescale
        # words), so upstream's answer is known without scoring. About one support tweet in seven.
        silent = bool(tokens.words) and self._lexicon_words.isdisjoint(tokens.lowers)
        vader, whole_valence = (_NO_SENTIMENT, 0.0) if silent else self._vader.scores_and_valence(tokens)
        lowered = text.lower()
        if not lowered.isascii():
            lowered = lowered.translate(_APOSTROPHES)
        words = _cue_engine.tokens_of(lowered)
        cues, weight, bonus = self._find_cues(lowered, words)
        tenure = _cue_engine.tenure_years(lowered, words, self.reference_year)
        if tenure is not None:
            cues.append("tenure_claim")
        resolved = weight > 0 and "unresolved" not in cues and _cue_engine.is_resolved(lowered, words)
        complaint = weight >= COMPLAINT_MIN_WEIGHT and not resolved
        valence = 0.0 if silent else self._valence(self._complaint_vader if complaint else self._base_vader, tokens,
                                                   whole_valence)
        if complaint and "sarcasm" not in cues and _cue_engine.is_ironic_praise(lowered, words):
            cues.append("sarcasm")
            weight += _SARCASM_WEIGHT
        if "sarcasm" in cues and valence > 0:
            valence = -0.5 * valence  # the praise words are the irony
        if resolved:
            cues.append("resolved")
        penalty = 0.0 if resolved else min(weight, MAX_PENALTY_WEIGHT)
        if penalty and not _ASSIST_WORDS.isdisjoint(words):
            penalty *= _request_scale(lowered, cues)
        final = normalize(valence - VALENCE_PER_WEIGHT * (penalty - bonus))
        return Score(compound=vader["compound"], pos=vader["pos"], neu=vader["neu"], neg=vader["neg"],
                     score=round(final, 4), label=label_for(final), cues=tuple(cues), tenure_claim_years=tenure)

    def _find_cues(self, lowered: str, tokens: set[str]) -> tuple[list[str], float, float]:
        found = self._matcher.find(lowered, tokens)
        cues = [c.name for c in found]
        weight = sum(c.weight for c in found)
        bonus = 0.0
        if self._negative_terms is not None:
            terms = set(self._negative_terms.findall(lowered))
            if terms:
                cues.append("domain_negative")
                weight += DOMAIN_TERM_WEIGHT * len(terms)
        if self._positive_terms is not None:
            terms = set(self._positive_terms.findall(lowered))
            if terms:
                cues.append("domain_positive")
                bonus = DOMAIN_TERM_WEIGHT * len(terms)
        return cues, weight, bonus

    def _valence(self, analyzer: FastVader, tokens: Tokens, whole_valence: float) -> float:
        if analyzer is self._base_vader and len(tokens.ends) <= 1 and _REQUEST_WORDS.isdisjoint(tokens.lowers):
            return whole_valence  # one sentence, no plea: the upstream pass already has its valence
        sentences = analyzer.sentence_valences(tokens)
        total = sum(sentences)
        if len(sentences) > LONG_SENTENCES:
            total *= LONG_SENTENCES / len(sentences)
        return total


def _request_scale(lowered: str, cues: list[str]) -> float:
    """How much of the cue penalty a request for help keeps: less when the author caused the problem or only asks."""
    if _SELF_CAUSED.search(lowered):
        return SELF_CAUSED_SCALE
    if _HOW_TO_CUES.issuperset(c for c in cues if c != "tenure_claim") and _HOW_TO.search(lowered):
        return HOW_TO_SCALE
    return 1.0


def _complaint_lexicon(lexicon: dict[str, float]) -> dict[str, float | None]:
    changes: dict[str, float | None] = {w: v * POSITIVE_DAMPING for w, v in lexicon.items() if v > 0}
    changes.update({w: None for w in _SERVICE_WORDS})
    return changes


def _terms_pattern(terms) -> re.Pattern | None:
    words = sorted({" ".join(str(t).lower().translate(_APOSTROPHES).split()) for t in terms} - {""},
                   key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
