"""Finding cues fast: trigger-word gating of the cue patterns, fast regex forms of them, and tenure claims.

Two things keep the cue search cheap without changing any result:
- A text holds few of the trigger words, so patterns are indexed by trigger and only those whose trigger occurs run
  (and, where a pattern names further word groups, only when a word of each occurs too).
- Python's re finds a pattern that starts with a literal or a set of first letters by a fast scan, but a leading
  \\b or lookbehind disables that scan and costs microseconds per pattern. So each top-level branch of a pattern is
  split into its leading zero-width assertions and the rest; the rest is searched, and the assertions are checked
  at each place it matches. find_ungated() runs the patterns as written, and the tests hold the two equal.
  fast_finder() gives the same speed-up to the other regexes of the scorer.
"""
from __future__ import annotations

import re

from monitor._cues import CUES, Cue

_TOKEN = re.compile(r"[a-z0-9]+")
# Leading zero-width assertions: \b, or a lookbehind without nested groups.
_ASSERTION = re.compile(r"\\b|\(\?<[=!](?:[^()\\]|\\.)*\)")


def _branches(regex: str) -> list[str]:
    """The top-level alternatives of a regex."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(regex):
        ch = regex[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if regex[i + 1:i + 2] == "]":
                i += 1  # a "]" right after "[" is a literal
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(regex[start:i])
            start = i + 1
        i += 1
    out.append(regex[start:])
    return out


def _fast_form(branch: str) -> tuple[re.Pattern | None, re.Pattern]:
    """(leading assertions or None, the rest) of one branch, each compiled."""
    end = 0
    while m := _ASSERTION.match(branch, end):
        end = m.end()
    if end == 0 or end == len(branch):
        return None, re.compile(branch)
    return re.compile(branch[:end]), re.compile(branch[end:])


def _search(pre: re.Pattern | None, rest: re.Pattern, text: str, pos: int = 0) -> int:
    """Where the branch first matches at or after pos, or -1: the rest's matches, filtered by the assertions."""
    m = rest.search(text, pos)
    if pre is None:
        return -1 if m is None else m.start()
    while m is not None:
        start = m.start()
        if pre.match(text, start):  # zero-width: matches at start exactly when the assertions hold there
            return start
        m = rest.search(text, start + 1)
    return -1


def fast_finder(regex: str):
    """A test of whether regex matches anywhere, searching its branches' fast forms (same answer as re.search)."""
    forms = [_fast_form(b) for b in _branches(regex)]
    return lambda text: any(_search(pre, rest, text) >= 0 for pre, rest in forms)


class CueMatcher:
    """Finds which cues of a table a lower-cased text shows; identical to running every pattern."""

    def __init__(self, cues: tuple[Cue, ...] = CUES) -> None:
        self.cues = cues
        self._full: list[tuple[int, re.Pattern]] = []
        self._fast: list[list[tuple[re.Pattern | None, re.Pattern]]] = []
        self._also: list[tuple[frozenset[str], ...]] = []
        self._by_word: dict[str, list[int]] = {}
        self._by_substring: list[tuple[str, int]] = []
        for cue_index, cue in enumerate(cues):
            for pattern in cue.patterns:
                pattern_id = len(self._full)
                self._full.append((cue_index, re.compile(pattern.regex)))
                self._fast.append([_fast_form(b) for b in _branches(pattern.regex)])
                self._also.append(pattern.also)
                for trigger in pattern.triggers:
                    if trigger.endswith("*"):
                        self._by_substring.append((trigger[:-1], pattern_id))
                    else:
                        self._by_word.setdefault(trigger, []).append(pattern_id)
        self._by_ascii_substring = [(sub, pid) for sub, pid in self._by_substring if sub.isascii()]
        # Per pattern: its cue, the further word groups it needs, and its fast branches.
        self._table = [(cue_index, self._also[pid], self._fast[pid]) for pid, (cue_index, _) in enumerate(self._full)]
        self._by_name: dict[str, list[re.Pattern]] = {}
        for cue_index, regex in self._full:
            self._by_name.setdefault(cues[cue_index].name, []).append(regex)
        self._trigger_words = frozenset(self._by_word)

    def find(self, lowered: str, tokens: set[str] | None = None) -> list[Cue]:
        """The cues whose patterns match, in table order, running only patterns whose trigger occurs."""
        by_word = self._by_word
        if tokens is None:
            tokens = tokens_of(lowered)
        # The set intersection runs in C; a text holds only a few trigger words.
        hits = self._trigger_words.intersection(tokens)
        candidates = set().union(*[by_word[token] for token in hits]) if hits else set()
        # Substring triggers are few (emojis, "#...fail"): an "in" test each.
        for substring, pattern_id in self._by_ascii_substring if lowered.isascii() else self._by_substring:
            if substring in lowered:
                candidates.add(pattern_id)
        if not candidates:
            return []
        fired: set[int] = set()
        table = self._table
        for pattern_id in candidates:  # any order: the answer is sorted below
            cue_index, groups, branches = table[pattern_id]
            if cue_index in fired:
                continue
            for group in groups:
                if group.isdisjoint(tokens):
                    break
            else:
                for pre, rest in branches:
                    if rest.search(lowered) is not None if pre is None else _search(pre, rest, lowered) >= 0:
                        fired.add(cue_index)
                        break
        cues = self.cues
        return [cues[i] for i in sorted(fired)]

    def find_ungated(self, lowered: str) -> list[Cue]:
        """The same answer as find(), running every pattern as written: the reference find() is tested against."""
        fired = {cue_index for cue_index, regex in self._full if regex.search(lowered)}
        return [self.cues[i] for i in sorted(fired)]

    def any_after(self, lowered: str, names: set[str], pos: int, endpos: int | None = None) -> bool:
        """Whether a pattern of one of the named cues matches starting at or after pos (and before endpos)."""
        for name in names:
            for regex in self._by_name.get(name, ()):
                match = regex.search(lowered, pos)
                if match is not None and (endpos is None or match.start() < endpos):
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
_TENURE_FAST = [_fast_form(p.pattern) for p in _TENURE]


def tenure_years(lowered: str, tokens: frozenset[str] | set[str], reference_year: int) -> float | None:
    """Years of customer relationship the text claims ("customer for 10 years", "member since 2014"), or None."""
    if _TENURE_WORDS.isdisjoint(tokens):
        return None
    # Most texts with "years" or "since" claim no tenure: the fast forms say so before finditer collects matches.
    if all(_search(pre, rest, lowered) < 0 for pre, rest in _TENURE_FAST):
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
