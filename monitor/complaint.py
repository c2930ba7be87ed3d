"""The complaint-aware scorer: VADER's numbers plus customer-service cues and sentence-level scoring.

How the final score is made (all deterministic, offline):
1. VADER's compound/pos/neu/neg are upstream's (FastVader, tested identical) and are kept as they are.
2. Cues are found with precompiled, trigger-gated patterns (monitor/_cues.py, monitor/_cue_tone.py): what went
   wrong (waiting, repeat contact, unresolved tickets, fixes already tried, broken promises, outages, account
   access, non-delivery, billing, cancellations, going without), and the tone (deception, churn intent, escalation,
   sarcasm, frustration, verdicts, rude staff, complaint questions, negated actions, insults, accusations,
   demands), plus the configured domain terms. Buying intent and tenure claims are reported but do not move the
   score.
3. The text is scored sentence by sentence, so that VADER's negation window and its "but" rule stop at a sentence
   end, and a long post is averaged instead of summed (VADER drifts to +-1 on long posts: vaderSentiment #151).
   Pleas ("please help") always count as neutral. When complaint cues fired, service words ("support", "won't
   play") count as neutral too and other praise counts less: in a complaint they are manners, vocabulary or irony.
4. Each complaint cue subtracts its weight (in VADER valence units) from the summed valence; the sum is squashed to
   -1..1 the way VADER squashes it. A text that reports the problem fixed ("working again") gets the cue "resolved"
   and no penalty. One that thanks someone for a concrete good deed, with no complaint after it ("thanks for
   rebooking us after the cancellation"), gets the cue "praise" and a small part of the penalty; so does praise said
   through a negation ("couldn't be happier", "no issues at all"), which VADER reads backwards. A problem the
   author caused ("I forgot my password") or a how-to question that shows only weak cues keeps part of it too.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from monitor import _cue_engine, _cue_praise
from monitor._cue_vader import SentenceVader
from monitor._cues import CUES
from monitor.fastvader import normalize
from monitor.types import Score, label_for

# Every cue name the scorer can report; alert rules refer to these.
CUE_NAMES: tuple[str, ...] = tuple(c.name for c in CUES) + (
    "tenure_claim", "domain_negative", "domain_positive", "resolved", "praise")

# Pleas, not praise, in any text addressed to a brand: VADER rates "help" +1.7 and "please" +1.3.
_REQUEST_WORDS = frozenset(("help", "please", "plz", "pls", "kindly"))
_GRATITUDE_WORDS = frozenset(("thanks", "thank", "thx", "ty", "appreciate", "appreciated", "grateful"))
# In a complaint these are manners or service vocabulary, not praise: "please help", "support", "won't play".
_SERVICE_WORDS = ("help", "helps", "helpful", "please", "plz", "pls", "kindly", "support", "like", "hope",
                  "hopefully", "ok", "okay", "yes", "yep", "sure", "well", "credit", "promise", "promised", "care",
                  "resolve", "resolved", "solved", "lol", "free", "wish", "play", "playing", "played", "won",
                  "fulfilled", "accept", "accepted", "accepting", "save", "share", "want", "reach", "trust", "loyal",
                  "loyalty", "treat", "treated", "customer")
_NO_SENTIMENT = {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}  # upstream's answer when no word is rated
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Playful emojis whose descriptions VADER rates negative: a ghost on Halloween, fire for "delicious" or "great", a
# nerd face. Their description words count as neutral in the complaint score (upstream's numbers keep them).
_PLAYFUL_EMOJIS = {"\U0001F47B": "ghost", "\U0001F525": "fire", "\U0001F913": "nerd"}

POSITIVE_DAMPING = 0.4      # in a complaint, the remaining praise ("thanks", "love it but") counts less
VALENCE_PER_WEIGHT = 2.5    # a cue of weight 0.4 removes 1.0 valence: a neutral text lands near -0.25
MAX_PENALTY_WEIGHT = 1.5    # several cues add up, but not without bound
COMPLAINT_MIN_WEIGHT = 0.35  # a rhetorical "why ...?" or a lone negation does not make praise words suspect
DOMAIN_TERM_WEIGHT = 0.4
PRAISE_SCALE = 0.2          # thanks for a good deed: the problem it mentions is the background, not the point
PRAISE_BONUS = 0.2          # and the thanks itself counts: VADER misses "turned a bad day around"
TURN_VALENCE = 1.0          # "... but the crew was lovely": what follows the turn must be clearly good
STRONG_WEIGHT = 0.3         # a cue this strong after the praise means the text goes on to complain
_SARCASM_WEIGHT = next(c.weight for c in CUES if c.name == "sarcasm")
SELF_CAUSED_SCALE = 0.25    # "I forgot my password and can't log in": the author's own doing, not a complaint
HOW_TO_SCALE = 0.35         # "how do I ...? I don't see the option": a question, unless a stronger cue says more
# Cues that a plain how-to question shows as well ("I can't find the setting", "why does it ...?").
_HOW_TO_CUES = frozenset(("negated_action", "outage", "complaint_question", "account_access"))
_SELF_CAUSED = re.compile(
    r"\b(?:i|we|i'?ve|i have|i had)(?: \w+)? (?:forgot|forgotten|accidentally|misplaced|mistakenly)\b|"
    r"\b(?:don'?t|do not|can'?t|cannot) remember (?:my|the|which|what)\b|"
    r"\b(?:i|we)(?:'d|'ve| have| had)? (?:lost|deleted|dropped|"
    r"broke|smashed|cracked) (?:my|our)\b")
_HOW_TO = re.compile(
    r"\b(?:how (?:do|can|would|should|could) (?:i|we|you|one)|how to|can i|could i|is there a way|is it possible|"
    r"where (?:do|can) i|what (?:do|should) i do|are you going to|will (?:you|there|it)|is there (?:a ?way|any ?way|"
    r"anything)|would (?:i|this|it|that) be|what are my (?:other )?options|any advice)\b")
# "Thanks! I'm waiting for your reply": waiting as the state of things, with no time and no "still", in a text
# that thanks. With no other cue it is courtesy, not a complaint about waiting.
_AWAITING = re.compile(r"\b(?P<be>am|i'?m|i am|we'?re|we are|are) (?:now )?(?:waiting|awaiting)\b")
# "thankyou", "thnx" and a British "cheers" thank too
_GRATITUDE = re.compile(r"\b(?:thanks?|thank ?you|thx|thnx|thanx|ty|cheers|appreciated?|grateful)\b")
AWAITING_SCALE = 0.25
# A negation in an if-clause is a hypothesis, not a failure: "let me know if you are not contacted", "if you've never
# heard of it, you'll still love it". It is blanked for the cue search; a threat keeps its other cues ("if I don't
# get a refund I'm cancelling").
_IF_NEGATION = re.compile(r"\bif (?:i|you|we|it|they|he|she|i'?m|you'?re|you'?ve|we'?re|it'?s|they'?re) (?:\w+ )?"
                          r"(?P<neg>not|never|cannot|(?:do|does|did|is|are|was|were|have|has|had|ca|wo|would|could|"
                          r"should)n'?t)\b")
_SELF_CAUSED_FOUND = _cue_engine.fast_finder(_SELF_CAUSED.pattern)
_HOW_TO_FOUND = _cue_engine.fast_finder(_HOW_TO.pattern)
# Words every match of _SELF_CAUSED, and of _HOW_TO, holds: the regexes run only when one occurs.
_SELF_CAUSED_WORDS = frozenset("forgot forgotten accidentally misplaced mistakenly remember lost deleted dropped broke "
                               "smashed cracked".split())
_HOW_TO_WORDS = frozenset("how can could is where what are will would any".split())


class ComplaintScorer:
    """VADER plus customer-service complaint cues; see the module docstring for the method."""

    name = "complaint"

    def __init__(self, negative_terms=(), positive_terms=(), *, reference_year: int | None = None) -> None:
        self._vader = SentenceVader()  # upstream VADER's numbers, and the sentence valences from the same pass
        self._lexicon_words = self._vader.lexicon.keys()
        self._base_factors = dict.fromkeys(_REQUEST_WORDS, 0.0)
        # After a turn, thanks and service words are courtesy: only what is said about the service counts.
        self._turn_factors = dict.fromkeys(_GRATITUDE_WORDS.union(_SERVICE_WORDS), 0.0)
        self._complaint_factors = {w: POSITIVE_DAMPING for w, v in self._vader.lexicon.items() if v > 0}
        self._complaint_factors.update(dict.fromkeys(_SERVICE_WORDS, 0.0))
        self._matcher = _cue_engine.CueMatcher()
        self._strong = {c.name for c in CUES if c.weight >= STRONG_WEIGHT}
        self._negative_terms = _terms_pattern(negative_terms)
        self._positive_terms = _terms_pattern(positive_terms)
        self.reference_year = reference_year or datetime.now(timezone.utc).year

    def score(self, text: str) -> Score:
        """Score one text: VADER's parts, the complaint-aware score, its label and the cues behind it."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, not {type(text).__name__}")
        tokens = self._vader.tokenize(text)
        # No word of the lexicon: every valence is 0 however words are re-weighted, and upstream's answer is known
        # without scoring. About one support tweet in seven.
        silent = bool(tokens.words) and self._lexicon_words.isdisjoint(tokens.lowers)
        vader, valences = (_NO_SENTIMENT, None) if silent else self._vader.polarity(tokens)
        lowered = text.lower()
        if not lowered.isascii():
            lowered = lowered.translate(_APOSTROPHES)
        words = _cue_engine.tokens_of(lowered)
        # Praise said through a negation ("couldn't be happier", "no issues at all") is no complaint evidence.
        litotes = _cue_praise.litotes_spans(lowered, words)
        if litotes:
            lowered = _blank(lowered, litotes)
            words = _cue_engine.tokens_of(lowered)
        if "if" in words:  # a negation in an if-clause is no failure
            spans = [m.span("neg") for m in _IF_NEGATION.finditer(lowered)]
            if spans:
                lowered = _blank(lowered, spans)
                words = _cue_engine.tokens_of(lowered)
        cues, weight, bonus = self._find_cues(lowered, words)
        tenure = _cue_engine.tenure_years(lowered, words, self.reference_year)
        if tenure is not None:
            cues.append("tenure_claim")
        # Such praise, with no complaint beside it and no "but ..." after it, is praise however VADER reads it.
        by_litotes = bool(litotes) and "sarcasm" not in cues and weight < COMPLAINT_MIN_WEIGHT \
            and not _cue_praise.contrast_after(lowered, litotes[-1][1])
        frame = "praise" if by_litotes else self._frame(lowered, words, cues, weight, vader["compound"])
        complaint = frame is None and weight >= COMPLAINT_MIN_WEIGHT
        factors = self._complaint_factors if complaint else self._base_factors
        if not lowered.isascii():
            playful = [w for ch, w in _PLAYFUL_EMOJIS.items() if ch in text and w not in words]
            if playful:
                factors = {**factors, **dict.fromkeys(playful, 0.0)}
        valence = 0.0 if not valences else self._vader.sentence_valence(tokens, valences, factors)
        if by_litotes or (valence < 0 and weight <= 0 and (frame == "praise" or _GRATITUDE.search(lowered)
                                                           or _cue_praise.is_resolved(lowered, words))):
            # VADER negates the praise words of the idiom; and a text that thanks or praises with no complaint cue
            # is sad about the world, not the service ("found this scary, grateful you let me talk to a person",
            # "shout out to them for a flight that lands in time, so I won't miss the game"); so does one that reports
            # a fix ("Works. Blame the update.")
            valence = max(valence, 0.0)
        if complaint and "sarcasm" not in cues and _cue_praise.is_ironic_praise(lowered, words):
            cues.append("sarcasm")
            weight += _SARCASM_WEIGHT
        if frame is None and "sarcasm" in cues and valence > 0:
            valence = -0.5 * valence  # the praise words are the irony
        penalty = min(weight, MAX_PENALTY_WEIGHT)
        if penalty:
            penalty *= _request_scale(lowered, words, cues)
            if cues == ["waiting"] and self._only_awaiting(lowered):
                penalty *= AWAITING_SCALE
        if frame is not None:
            cues.append(frame)
            if frame == "resolved":
                penalty = 0.0
            else:
                penalty *= PRAISE_SCALE
                bonus += PRAISE_BONUS
        final = normalize(valence - VALENCE_PER_WEIGHT * (penalty - bonus))
        return Score(compound=vader["compound"], pos=vader["pos"], neu=vader["neu"], neg=vader["neg"],
                     score=round(final, 4), label=label_for(final), cues=tuple(cues), tenure_claim_years=tenure)

    def _frame(self, lowered: str, words: set[str], cues: list[str], weight: float, compound: float) -> str | None:
        """"resolved" or "praise" when the complaint cues are a problem the text reports fixed or thanks for."""
        if weight > 0 and "unresolved" not in cues and _cue_praise.is_resolved(lowered, words):
            return "resolved"
        if "sarcasm" in cues or (weight <= 0 and compound > 0):
            return None  # without cues, praise only matters where VADER missed it
        strong = self._strong.intersection(cues)
        end = _cue_praise.praise_end(lowered, words)
        if end >= 0 and not (weight > 0 and self._matcher.any_after(lowered, strong, end)):
            return "praise"
        end = _cue_praise.turn_end(lowered, words) if strong else -1
        if end >= 0 and self._turns_good(lowered, strong, end):
            return "praise"
        return None

    def _turns_good(self, lowered: str, strong: set[str], end: int) -> bool:
        """Whether the text complains before the turn at end, not after it, and what follows is clearly good."""
        if not self._matcher.any_after(lowered, strong, 0, end) or self._matcher.any_after(lowered, strong, end):
            return False
        tail = lowered[end:]
        if _cue_praise.thanks_for_deed(tail):
            return True
        tokens = self._vader.tokenize(tail)
        valences = self._vader.polarity(tokens)[1]
        return bool(valences) and self._vader.sentence_valence(tokens, valences, self._turn_factors) >= TURN_VALENCE

    def _only_awaiting(self, lowered: str) -> bool:
        """Whether a text that thanks shows waiting only as "I'm waiting", with no time and no "still"."""
        if "waiting" not in lowered or _GRATITUDE.search(lowered) is None:
            return False
        spans = [m.span("be") for m in _AWAITING.finditer(lowered)]  # "waiting" stays: "waiting 3 hours" is a cue
        if not spans:
            return False
        blanked = _blank(lowered, spans)
        return not self._matcher.find(blanked, _cue_engine.tokens_of(blanked))

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


def _blank(lowered: str, spans: list[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (offsets kept)."""
    parts, last = [], 0
    for start, end in spans:
        parts += [lowered[last:start], " " * (end - start)]
        last = end
    return "".join(parts) + lowered[last:]


def _request_scale(lowered: str, words: set[str], cues: list[str]) -> float:
    """How much of the cue penalty a request for help keeps: less when the author caused the problem or only asks."""
    if not _SELF_CAUSED_WORDS.isdisjoint(words) and _SELF_CAUSED_FOUND(lowered):
        return SELF_CAUSED_SCALE
    if not _HOW_TO_WORDS.isdisjoint(words) and _HOW_TO_CUES.issuperset(c for c in cues if c != "tenure_claim") \
            and _HOW_TO_FOUND(lowered):
        return HOW_TO_SCALE
    return 1.0


def _terms_pattern(terms) -> re.Pattern | None:
    words = sorted({" ".join(str(t).lower().translate(_APOSTROPHES).split()) for t in terms} - {""},
                   key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
