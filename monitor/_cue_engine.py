"""Finding cues fast: trigger-word gating of the cue patterns, plus tenure, resolution and irony detection.

Python's re scans every position for a pattern that starts with \\b and an alternation, which costs microseconds
per pattern. A text holds few of the trigger words, so indexing patterns by trigger and running only the ones whose
trigger occurs keeps the scorer within its speed budget without changing any result.
"""
from __future__ import annotations

import re

from monitor._cues import CUES, Cue

_TOKEN = re.compile(r"[a-z0-9]+")


class CueMatcher:
    """Finds which cues of a table a lower-cased text shows; identical to running every pattern."""

    def __init__(self, cues: tuple[Cue, ...] = CUES) -> None:
        self.cues = cues
        self._regexes: list[tuple[int, re.Pattern]] = []
        self._by_word: dict[str, list[int]] = {}
        self._by_substring: list[tuple[str, int]] = []
        for cue_index, cue in enumerate(cues):
            for pattern in cue.patterns:
                pattern_id = len(self._regexes)
                self._regexes.append((cue_index, re.compile(pattern.regex)))
                for trigger in pattern.triggers:
                    if trigger.endswith("*"):
                        self._by_substring.append((trigger[:-1], pattern_id))
                    else:
                        self._by_word.setdefault(trigger, []).append(pattern_id)
        self._by_ascii_substring = [(sub, pid) for sub, pid in self._by_substring if sub.isascii()]
        self._trigger_words = frozenset(self._by_word)

    def find(self, lowered: str, tokens: set[str] | None = None) -> list[Cue]:
        """The cues whose patterns match, in table order, running only patterns whose trigger occurs."""
        candidates: set[int] = set()
        by_word = self._by_word
        # The set intersection runs in C; a text holds only a few trigger words.
        for token in self._trigger_words.intersection(tokens_of(lowered) if tokens is None else tokens):
            candidates.update(by_word[token])
        for substring, pattern_id in self._by_substring if not lowered.isascii() else self._by_ascii_substring:
            if substring in lowered:
                candidates.add(pattern_id)
        fired: set[int] = set()
        for pattern_id in sorted(candidates):
            cue_index, regex = self._regexes[pattern_id]
            if cue_index not in fired and regex.search(lowered):
                fired.add(cue_index)
        return [self.cues[i] for i in sorted(fired)]

    def find_ungated(self, lowered: str) -> list[Cue]:
        """The same answer as find(), running every pattern: the reference the gating is tested against."""
        fired = {cue_index for cue_index, regex in self._regexes if regex.search(lowered)}
        return [self.cues[i] for i in sorted(fired)]


# Praise that reads as irony only next to a complaint cue ("another fantastic day of non-functioning mail").
_IRONY_WORDS = frozenset("such what another shout shoutout kudos bravo well thanks great good nice fantastic "
                         "awesome stellar so love loving comforting just".split())
_IRONIC_PRAISE = re.compile(
    r"\b(?:such a|what a) (?:joy|treat|pleasure|delight)\b|\banother (?:great|fantastic|wonderful|lovely|amazing|"
    r"brilliant|perfect) (?:day|morning|night|week|weekend|evening)\b|\bshout ?-?out to\b|\bkudos\b|\bbravo\b|"
    r"\bwell done\b|\bthanks a (?:lot|bunch|million)\b|\b(?:great|good|nice|fantastic|awesome|stellar) (?:job|"
    r"work|one|customer service|service|experience)\b|\bso (?:helpful|great|nice|fun)\b|\b(?:love|loving) (?:it |"
    r"that |how )?when\b|\bcomforting\b|\bjust (?:great|perfect|wonderful|fantastic|brilliant|lovely)\b")

_RESOLVED_WORDS = frozenset("fixed resolved solved sorted working works back all problem that it thanks thank "
                            "refunded".split())
# Lookbehinds at every position are slow in Python's re: match the words, then look back at what precedes them.
_RESOLVED = re.compile(
    r"\b(?P<done>fixed|resolved|solved|sorted(?: out| it)?)\b"  # "fixed" unless "not fixed", "get it fixed"...
    r"|\b(?:working (?:again|now|fine|great|perfectly)|works (?:now|again|fine|great|perfectly)|back (?:up|online|"
    r"to normal)|all good|problem solved|that did it|that worked|it worked|thanks? (?:\w+ )?for (?:fixing|resolving|"
    r"sorting|the fix|the help|helping|your help|getting back|the quick|the fast|the speedy|looking into)|refunded "
    r"(?:me|us|my|our|the|in full|quickly|promptly|straight away|right away))\b")
_NEGATED_STATUS = re.compile(r"(?:\bnot|n't|\bnever) $")
_REQUESTED = re.compile(r"(?:\bnot|n't|\bnever|\bwithout|\bget|\bget it|\bget this|\bbe|\bhave it) $")


def is_ironic_praise(lowered: str, tokens: frozenset[str] | set[str]) -> bool:
    """Whether the text has praise that is ironic when it sits next to a complaint."""
    return not _IRONY_WORDS.isdisjoint(tokens) and _IRONIC_PRAISE.search(lowered) is not None


def is_resolved(lowered: str, tokens: frozenset[str] | set[str]) -> bool:
    """Whether the text reports that a problem got fixed (and not that it did not, or that it should be)."""
    if _RESOLVED_WORDS.isdisjoint(tokens):
        return False
    for match in _RESOLVED.finditer(lowered):
        before = lowered[max(0, match.start() - 9):match.start()]
        if not (_REQUESTED if match.group("done") else _NEGATED_STATUS).search(before):
            return True
    return False


_ASCII_NON_ALNUM = bytes.maketrans(bytes(range(128)), bytes(c if chr(c).isalnum() else 32 for c in range(128)))


def tokens_of(lowered: str) -> set[str]:
    """The [a-z0-9]+ tokens of a lower-cased text."""
    if lowered.isascii():  # a byte table is several times faster than the regex
        return set(lowered.encode("ascii").translate(_ASCII_NON_ALNUM).decode("ascii").split())
    return set(_TOKEN.findall(lowered))


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "a": 1, "an": 1,
                 "a couple of": 2, "a few": 3, "several": 3, "many": 5}
_NUM = (r"(?P<num>\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
        r"thirty|an?|a couple of|a few|several|many)")
_UNIT = r"(?P<unit>years?|yrs?|decades?|months?)"
_WHO = (r"(?:customer|member|client|subscriber|user|account holder|patron|shopper|card ?holder|flyer|flier|"
        r"passenger|fan|supporter)s?")
_REL = (rf"(?:{_WHO}|with (?:you|u|y'?all|them|\w+)|using (?:you|your|it|\w+)|banking with|shopping (?:with|at)|"
        r"flying (?:with|on)|had (?:my |an |this )?(?:account|service|plan|card|membership|subscription)|been "
        r"(?:a |an )?(?:loyal )?(?:customer|member|client|subscriber|user))")
_TENURE_WORDS = frozenset("year years yr yrs decade decades month months since".split())
_TENURE = tuple(re.compile(p) for p in (
    rf"\b{_REL}\b[^.!?]{{0,25}}?\b(?:for|of) (?:(?:well )?over |almost |nearly |about |more than |the (?:last|past) |"
    rf"the better part of )?{_NUM}[ -]?\+? ?{_UNIT}\b",
    rf"\b{_NUM}[ -]?\+? ?{_UNIT}(?: long)? (?:as (?:an? )?|of being (?:an? )?)?(?:loyal |long[- ]?time |"
    rf"faithful )?{_WHO}\b",
    rf"\b{_NUM}[ -]?(?P<unit>year|yr|decade|month)s?[ -](?:old |long )?(?:loyal |long[- ]?time |faithful )?{_WHO}\b",
    rf"\b{_REL}\b[^.!?]{{0,25}}?\bsince (?:(?:back )?in )?(?P<year>(?:19|20)\d\d|'\d\d)\b",
    rf"\b(?:loyal|long[- ]?time|faithful) {_WHO} (?:for|of) (?:(?:well )?over |almost |nearly |about )?{_NUM}[ -]?"
    rf"{_UNIT}\b",
))


def tenure_years(lowered: str, tokens: frozenset[str] | set[str], reference_year: int) -> float | None:
    """Years of customer relationship the text claims ("customer for 10 years", "member since 2014"), or None."""
    if _TENURE_WORDS.isdisjoint(tokens):
        return None
    best: float | None = None
    for pattern in _TENURE:
        for match in pattern.finditer(lowered):
            years = _years_of(match, reference_year)
            if years is not None and years > 0 and (best is None or years > best):
                best = years
    return best


def _years_of(match: re.Match, reference_year: int) -> float | None:
    groups = match.groupdict()
    if groups.get("year"):
        return _years_since(groups["year"], reference_year)
    num = groups["num"]
    value = float(num) if num[0].isdigit() else float(_NUMBER_WORDS[num])
    unit = groups["unit"]
    if unit.startswith("decade"):
        return value * 10
    if unit.startswith("month"):
        return round(value / 12, 2)
    return value


def _years_since(year: str, reference_year: int) -> float | None:
    if year.startswith("'"):  # '09 means 2009 unless that lies in the future
        short = int(year[1:])
        full = 2000 + short if 2000 + short <= reference_year else 1900 + short
    else:
        full = int(year)
    return float(reference_year - full) if full <= reference_year else None
