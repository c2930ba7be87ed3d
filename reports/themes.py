"""Themes: frequent, distinctive two- and three-word phrases in a sample of mentions, with examples."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’]*[a-z0-9]|[a-z0-9]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”…|/\\\n]+|\s[-–—]\s")  # phrases never span these
STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during
each few for from further get got had hadn't has hasn't have haven't having he her here hers herself him
himself his how i i'm i've i'd i'll if in into is isn't it it's its itself just let's me more most my myself
no nor not now of off on once only or other ought our ours ourselves out over own same she should shouldn't
so some such than that that's the their theirs them themselves then there there's these they they're this
those through to too under until up very was wasn't we we're we've were weren't what what's when where
which while who whom why will with won't would wouldn't you you're you've your yours yourself yourselves
rt amp via im u ur its dont cant wont thats ive id ill youre theyre lol oh yes yeah ok okay one two will
""".split())


@dataclass(frozen=True, kw_only=True)
class Phrase:
    """A phrase, how many sampled mentions contain it, and the indexes of a few that do."""

    phrase: str
    count: int
    share: float  # of the sample
    examples: tuple[int, ...]


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a text, without links, handles, hashtags or entities."""
    return _TOKEN.findall(_NOISE.sub(" ", text.lower().replace("’", "'")))


def _phrases(text: str) -> set[str]:
    found = set()
    for segment in _BREAK.split(_NOISE.sub(" ", text.lower().replace("’", "'"))):
        words = _TOKEN.findall(segment)
        for n in (2, 3):
            for i in range(len(words) - n + 1):
                gram = words[i:i + n]
                if gram[0] in STOPWORDS or gram[-1] in STOPWORDS or len(set(gram)) < n:
                    continue
                if any(w.isdigit() for w in gram):
                    continue
                found.add(" ".join(gram))
    return found


def _doc_counts(texts: Sequence[str]) -> tuple[Counter, list[set[str]]]:
    counts: Counter = Counter()
    per_doc = []
    for t in texts:
        grams = _phrases(t)
        per_doc.append(grams)
        counts.update(grams)
    return counts, per_doc


def _topic_words(texts: Sequence[str], contrast: Sequence[str], share: float = 0.2) -> set[str]:
    """Words in more than `share` of the posts on both sides: the brand and the like."""
    def df(sample: Sequence[str]) -> Counter:
        c: Counter = Counter()
        for t in sample:
            c.update(set(tokens(t)))
        return c

    if not contrast:
        return set()
    a, b = df(texts), df(contrast)
    return {w for w, k in a.items() if k > share * len(texts) and b.get(w, 0) > share * len(contrast)}


def top_phrases(texts: Sequence[str], contrast: Sequence[str], *, limit: int = 8,
                min_count: int = 3, examples: int = 2) -> list[Phrase]:
    """Phrases frequent in `texts` and more frequent there than in `contrast` (relative to size)."""
    if not texts:
        return []
    counts, per_doc = _doc_counts(texts)
    other, _ = _doc_counts(contrast)
    n, m = len(texts), max(1, len(contrast))
    floor = max(min_count, math.ceil(0.002 * n))
    topic = _topic_words(texts, contrast)
    ranked = []
    for phrase, c in counts.items():
        if c < floor:
            continue
        words = phrase.split()
        if words[0] in topic or words[-1] in topic:  # "thanks brand", "brand outage": the brand is no theme
            continue
        lift = (c / n) / ((other.get(phrase, 0) + 0.5) / m)
        if lift <= 1.5:  # as common on the other side: a topic, not a theme of this sentiment
            continue
        ranked.append((c * math.log(lift), c, phrase))
    ranked.sort(key=lambda r: (-r[0], r[2]))
    chosen: list[tuple[str, int, set[int]]] = []
    for _, c, phrase in ranked[:300]:
        docs = {i for i, grams in enumerate(per_doc) if phrase in grams}
        if any(phrase in p or p in phrase or len(docs & d) > 0.5 * min(len(docs), len(d)) for p, _, d in chosen):
            continue  # the same posts as a phrase already chosen: one theme, not two
        chosen.append((phrase, c, docs))
        if len(chosen) == limit:
            break
    return [Phrase(phrase=p, count=c, share=c / n, examples=_examples(texts, sorted(d), examples))
            for p, c, d in chosen]


def _examples(texts: Sequence[str], docs: list[int], k: int) -> tuple[int, ...]:
    """The first k documents with distinct wording (ignoring digits), in sample order."""
    picked, seen = [], set()
    for i in docs:
        key = re.sub(r"\d+", "", " ".join(tokens(texts[i])))
        if key not in seen:
            seen.add(key)
            picked.append(i)
            if len(picked) == k:
                break
    return tuple(picked)
