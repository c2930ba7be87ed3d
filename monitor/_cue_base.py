"""The building blocks of the cue tables: a pattern with its trigger words, a cue, and shared vocabulary.

Patterns match lower-cased text with typographic apostrophes folded to "'". Each pattern lists trigger words, at
least one of which occurs as a token ([a-z0-9]+) in any text it matches; a trigger ending in "*" is a substring
instead. A pattern may also list further groups of words ("a b & c d"): any text it matches holds a word of each.
monitor/_cue_engine.py runs a pattern only when a trigger is present, and tests/test_complaint.py checks on
real corpora that this gating never changes a result.
"""
from __future__ import annotations

from dataclasses import dataclass

# Shared vocabulary, spliced into the patterns of monitor/_cues.py and monitor/_cue_tone.py.
NT = r"(?:n'?t|not)"
# "can't", "is not", "unable to"... as separate branches, each led by a literal: Python's re scans for a literal
# fast, but tries an alternation of many first letters at almost every position of the text.
NEG_BRANCHES = (
    ("t", r"(?<=\bcan|\bwon|\bisn)'t{0}|(?<=\bdidn|\baren)'t{0}|(?<=\bdoesn)'t{0}|(?<=\bwouldn|\bcouldn)'t{0}"),
    ("cant wont wouldnt doesnt didnt isnt arent couldnt",
     r"\b(?:cant|wont|wouldnt|doesnt|didnt|isnt|arent|couldnt){0}"),
    ("able", r"\b(?:havent|hasnt) been able to{0}|\bnot able to{0}|\bnot been able to{0}"),
    ("able", r"(?<=\bhaven)'t been able to{0}|(?<=\bhasn)'t been able to{0}"),
    ("not", r"(?<=\bis )not{0}|(?<=\bcan |\bdid |\bare )not{0}|(?<=\bwill |\bdoes )not{0}|"
            r"(?<=\bwould |\bcould |\bstill )not{0}"),
    ("cannot unable longer", r"\bcannot{0}|\bunable to{0}|\bno longer{0}"),
)
SPAN_WORDS = "min mins minute minutes hour hours hr hrs day days week weeks wk wks month months"
ACTION = (r"(?:work|load|connect|log ?in|login|log on|sign ?in|access|open|download|install|update|upgrade|play|"
          r"print|send|receive|get(?:ting)? (?:in|into|on|through|my|a|an|it|the|any|access|signal|service)|"
          r"let me|let us|allow|accept|recogni[sz]e|turn on|shut (?:off|down)|boot|start|stream|watch|join|"
          r"make calls|call|pay|order|check ?out|check in|redeem|verify|recover|reset|cancel|delete|transfer|add|"
          r"contact|reach|sync|save|upload|charge|show|display|find|respond|reply|change|book|use|see|hear|talk)")
COUNT = r"(?:\d+\+?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|many|multiple)"
SPAN = r"(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|wks?|months?)"
CONTACT = (r"(?:calls|phone calls|emails|e-mails|messages|tweets|dms|attempts|tries|requests|chats|complaints|"
           r"reps|representatives|agents)")
TIMES_COUNT = (r"(?:\d+\+?|two|three|four|five|six|seven|eight|nine|ten|several|multiple|numerous|countless|"
               r"so many|too many|many)")
GOODS = (r"(?:order|package|parcel|delivery|bag|bags|baggage|luggage|suitcases?|stroller|car seat|item|items|box|"
         r"shipment|refund|money|check|cheque|food|card|points|miles|credit|voucher|reward|phone|tv|internet|"
         r"service|replacement|tickets?|booking|receipt|confirmation|code|key)")
NOT_BEFORE = r"(?<!\bno )(?<!\bnot )(?<!without )(?<!\bzero )(?<!\bany )(?<!\bnever )"
# Gerunds and nouns of what a brand does wrong, for sarcasm ("thanks for losing my bag", "great job cancelling").
FAILING = (r"(?:(?:the |another |a |an |yet another |my |our |this )?(?:\d+\s?(?:hours?|hrs?|minutes?|mins?|days?)"
           r"[- ]?|(?:long |extra |endless |late |huge |massive |big |constant |ongoing |never-ending )?)"
           r"(?:delays?|wait|runaround|hassle|headache|inconvenience|mess|"
           r"nothing|lost \w+|cancell?ation)|losing|lost|cancell?ing|delaying|ruining|wasting|breaking|"
           r"charging|overcharging|ignoring|stranding|leaving (?:me|us)|forgetting|misplacing|damaging|bumping|"
           r"screwing|messing|making (?:me|us) (?:wait|miss|pay|sit|stand)|keeping (?:me|us) (?:waiting|on hold)|"
           r"hanging up|never (?:answering|replying|responding|calling)|taking (?:so long|forever|ages|(?:over |almost "
           r"|nearly )?\d+\s?(?:hours?|hrs?|days?|weeks?|months?)))")
# Every match of FAILING holds one of these words.
FAILING_WORDS = ("delay delays wait runaround hassle headache inconvenience mess nothing lost cancellation "
                 "cancelation canceling cancelling losing delaying ruining wasting breaking charging overcharging "
                 "ignoring stranding leaving forgetting misplacing damaging bumping screwing messing making keeping "
                 "hanging never taking")


@dataclass(frozen=True)
class Pattern:
    triggers: tuple[str, ...]  # the pattern runs when one of these occurs...
    regex: str
    also: tuple[frozenset[str], ...] = ()  # ...and a word of each of these groups too


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float  # how far the cue moves the score toward negative; 0 for cues that only inform rules
    patterns: tuple[Pattern, ...]


def P(triggers: str, regex: str) -> Pattern:
    """One pattern and the space-separated trigger words that gate it; "a b & c d" needs "a" or "b", and "c" or "d"."""
    first, *more = triggers.split(" & ")
    return Pattern(tuple(first.split()), regex, tuple(frozenset(group.split()) for group in more))
