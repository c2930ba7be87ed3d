"""How a text that mentions a problem frames it: fixed ("working again"), ironic ("such a joy"), or praised.

A complaint cue in a text does not make the text a complaint when the author reports the problem solved, thanks
someone for a concrete good deed ("thanks for rebooking us after the cancellation"), or turns from the problem to
clear praise ("it was delayed, but the crew was lovely"). Generic praise ("Great job!", "you guys are the best") is
not praise here: next to a complaint it is usually irony.
"""
from __future__ import annotations

import re

from monitor._cue_base import FAILING
from monitor._cue_engine import fast_finder

# Praise that reads as irony only next to a complaint cue ("another fantastic day of non-functioning mail").
_IRONY_WORDS = frozenset("such what another shout shoutout kudos bravo well thanks great good nice fantastic "
                         "awesome stellar so love loving comforting just gotta always nothing classy needed amazing "
                         "wonderful "
                         "excellent brilliant terrific superb outstanding really you best customer fan "
                         "appreciate glad".split())
_IRONIC_PRAISE = re.compile(
    r"\b(?:such a|what a) (?:joy|treat|pleasure|delight)\b|\banother (?:great|fantastic|wonderful|lovely|amazing|"
    r"brilliant|perfect) (?:day|morning|night|week|weekend|evening)\b|\bshout ?-?out to\b|\bkudos\b|\bbravo\b|"
    r"\bwell done\b|\bthanks a (?:lot|bunch|million)\b|\b(?:great|good|nice|fantastic|awesome|stellar) (?:job|"
    r"work|one|customer service|service|experience|planning|thinking|idea|communication|system|management)\b|"
    r"\b(?:amazing|wonderful|excellent|brilliant|terrific|superb|outstanding) (?:job|work|customer service|service|"
    r"experience|planning|communication)\b|\blove (?:it|this)\b|\b(?:so|really) (?:glad|happy|pleased|thrilled) "
    r"(?:i|we)\b|\byou (?:guys |all |folks |people )?(?:rock|rule)\b|\byou(?: guys| all| folks)?(?:'re| are)? (?:the "
    r"best|the greatest|awesome|amazing|wonderful|fantastic|incredible)\b|\b(?:love|loved|loving) (?:you|you guys|"
    r"y'?all)\b|\bbest (?:\w+ ){0,2}(?:ever|in (?:years|ages|a long time))\b|\b(?:customer|fan) for life\b|"
    r"\bappreciate (?:it|that|you)\b|\b(?:nice|good|great|glad) to (?:know|see|hear) (?:that )?(?:you|u|y'?all|"
    r"your)\b|\bso (?:helpful|great|nice|fun)\b|\b(?:love|loving) (?:it |"
    r"that |how )?when\b|\b(?:love|loving) how\b|\bcomforting\b|\bjust (?:great|perfect|wonderful|fantastic|"
    r"brilliant|lovely)\b|\b(?:gotta|got to|always|don'?t you) love\b|\bnothing (?:quite )?(?:like|beats) (?:a|an|"
    r"the|being|sitting|waiting|getting)\b|\b(?:real|very|so) classy\b|\bjust what (?:i|we) needed\b")

# every match of _RESOLVED holds one of these
_RESOLVED_WORDS = frozenset("fixed resolved solved sorted working works back good problem worked did thanks thank "
                            "refunded resolve fix solve resolves fixes solves".split())
# Lookbehinds at every position are slow in Python's re: match the words, then look back at what precedes them.
_RESOLVED = re.compile(
    r"\b(?P<done>fixed|resolved|solved|sorted(?: out| it)?)\b"  # "fixed" unless "not fixed", "get it fixed"...
    r"|\bgot (?:my|our|it|them|the)(?: \w+){0,2} back\b|\b(?:working (?:again|now|(?:fine|great|perfectly) (?:now|"
    r"again))|works (?:now|again|(?:fine|great|perfectly) "
    r"now)|back (?:up|online|"
    r"to normal)|all good|problem solved|that did it|that worked|it worked|thanks? (?:\w+ )?(?:@\w+ )*for (?:fixing|"
    r"resolving|"
    r"sorting|the fix|the help|helping|your help|getting back|the quick|the fast|the speedy|looking into)|refunded "
    r"(?:me|us|my|our|the|in full|quickly|promptly|straight away|right away))\b"
    # a fix confirmed, not asked about: "logging out does resolve the error", "that fixes it"
    r"|\b(?:(?:does|did) (?:resolve|fix|solve)|(?:that|this|which) (?:resolves|fixes|solves)) (?:it|the|this|that|"
    r"my|everything)\b(?![^.!?]*\?)"
    # a reply that is only the news: "Works. Blame the update.", "@acme It works now!"
    r"|(?:^|[.!?] )(?:@\w+ )*(?:it |that |all |everything )?works(?: now| again| fine| perfectly)?(?=[.!]|$)")
_NEGATED_STATUS = re.compile(r"(?:\bnot|n't|\bnever) $")
_REQUESTED = re.compile(r"(?:\bnot|n't|\bnever|\bwithout|\bget|\bget it|\bget this|\bbe|\bhave it|\bneed|"
                        r"\b(?:need|want) (?:it|this|that)) $")


_GOOD = (r"(?:amazing|awesome|wonderful|fantastic|lovely|great|excellent|helpful|friendly|kind|professional|"
         r"brilliant|outstanding|accommodating|patient|courteous|pleasant|nice|superb|exceptional|fabulous|"
         r"terrific|sweet|understanding|efficient)")
# Good deeds one thanks for. Courtesy objects ("your help", "your patience") close complaints too, so they are not.
_DEED = (r"(?:getting (?:me|us|my|our|everyone|it)|taking care|listening|helping (?:me|us|out|my|our)|rebooking|"
         r"re-booking|accommodating|finding|returning|(?:your |the |all (?:the |your )?)?kindness|"
         r"fixing|sorting|upgrading|waiving|refunding|replacing|delivering|making (?:my|our|this|it|the) (?:day|trip|"
         r"flight|easy|easier|so easy|special|possible|right|happen)|keeping (?:us|me) (?:informed|updated|safe|"
         rf"posted)|being (?:so |very |super )?(?:{_GOOD}|there)|everything|all (?:your|the|of your)|your (?:quick|"
         r"fast|prompt|great|amazing|awesome)|the (?:upgrade|refund|replacement|quick|fast|prompt|speedy|great|"
         r"amazing|awesome|excellent|wonderful|lovely|smooth|free|complimentary|kind|safe|beautiful|best)|an? "
         r"(?:great|amazing|awesome|excellent|wonderful|lovely|smooth|safe|quick|fast)|such an? )")
# Compensation the brand gave for a problem ("sent me 20k miles for the delay"): the problem is the background.
_COMPENSATED = (r"\b(?:gave|given|giving|sent|sending|credited|issued|awarded) (?:me|us) (?:a |an |some |free |bonus |"
                r"extra |\$?\d[\d,.]*k? )*(?:miles|points|vouchers?|credit|compensation|refund)\b")
# What someone did that makes the thanks after a turn sincere: "... but Jessica rebooked us. Thank you!"
_DEED_DONE = re.compile(r"\b(?:rebooked|re-booked|helped|fixed|sorted|found|got (?:me|us|it|my|our)|took care|upgraded|"
                        r"refunded|accommodated|returned|delivered|replaced|resolved|made (?:it|sure)|saved)\b")
_GRATITUDE = re.compile(r"\b(?:thanks?|thank you|thx|ty|appreciate\w*|grateful)\b")
_STAFF = (r"(?:crew|staff|agents?|pilots?|captain|flight attendants?|attendants?|team|employees?|people|service|"
          r"customer service|rep|representative|driver|lady|guy|gentleman|woman|man)")
# Every praise below holds one of these words; the last line is _GOOD's.
_PRAISE_WORDS = frozenset("thanks thank thx ty kudos props shout shoutout shoutouts hats big beyond miles points "
                          "voucher vouchers credit compensation refund "
                          "made saved went turned kept appreciate appreciated amazing awesome wonderful fantastic "
                          "lovely "
                          "great excellent helpful friendly kind professional brilliant outstanding accommodating "
                          "patient courteous pleasant nice superb exceptional fabulous terrific sweet understanding "
                          "efficient says".split())
_PRAISE = re.compile(
    rf"\b(?:thanks?|thank you|thx|ty)\b(?: (?:so much|very much|a lot|again|guys|y'?all|so so much))?,? (?:@\w+ ,?)*"
    rf"for (?!{FAILING}\b){_DEED}|\bthank you (?:so much |very much )?to (?:the|your|our|all|everyone|\w+ (?:at|in|"
    rf"on))\b"
    rf"|\b(?:kudos|props|shout ?-?outs?|hats off|big ups) to\b|\b{_GOOD} (?:job|work)(?: on| with)? {_DEED}"
    rf"|\bkept (?:us|me|everyone) (?:informed|updated|posted|safe|calm|comfortable|entertained|laughing)\b"

    rf"|{_COMPENSATED}"
    rf"|\bnothing says (?:\w+ ){{1,4}}?like\b"  # ironic only with a failure after it: that is the sarcasm cue's
    rf"|\bhad (?:a|an|the|such an?) (?:\w+ )?{_GOOD} (?:time|stay|experience|trip|flight|meal|evening|night|"
    rf"weekend|visit)\b"
    rf"|\babove and beyond\b|\bmade (?:my|our) (?:day|trip|flight|week|night|morning|holiday|vacation)\b"
    rf"|\bsaved (?:my|the|our) (?:day|trip|vacation|holiday|flight)\b|\bwent out of (?:his|her|their|your) way\b"
    rf"|\bturned (?:a|my|our|the) (?:\w+ )?(?:day|trip|experience) around\b"
    rf"|\b{_STAFF} (?:was|were|is|are|has been|have been) (?:so |very |really |super |absolutely |just |"
    rf"incredibly |extremely )?{_GOOD}\b"
    rf"|\b(?:really |truly |much |greatly )?appreciate (?:the|your) (?:quick|fast|prompt|speedy|help|support|"
    rf"assistance|effort|kindness|update|follow)")
# Whether each regex matches at all, found fast (monitor/_cue_engine.py): most texts with the gate words do not.
_IRONIC_FOUND, _RESOLVED_FOUND, _PRAISE_FOUND = (fast_finder(p.pattern) for p in (_IRONIC_PRAISE, _RESOLVED, _PRAISE))
_CONTRAST = re.compile(r"\b(?:but|however|though|unfortunately|except|still|yet|sadly)\b")


def is_ironic_praise(lowered: str, tokens: frozenset[str] | set[str]) -> bool:
    """Whether the text has praise that is ironic when it sits next to a complaint."""
    return not _IRONY_WORDS.isdisjoint(tokens) and _IRONIC_FOUND(lowered)


def is_resolved(lowered: str, tokens: frozenset[str] | set[str]) -> bool:
    """Whether the text reports that a problem got fixed (and not that it did not, or that it should be)."""
    if _RESOLVED_WORDS.isdisjoint(tokens) or not _RESOLVED_FOUND(lowered):
        return False
    for match in _RESOLVED.finditer(lowered):
        before = lowered[max(0, match.start() - 11):match.start()]
        if not (_REQUESTED if match.group("done") else _NEGATED_STATUS).search(before):
            return True
    return False


def praise_end(lowered: str, tokens: frozenset[str] | set[str]) -> int:
    """Where the sentence of the last sincere praise ends, or -1 when there is none or a "but ..." follows it."""
    if _PRAISE_WORDS.isdisjoint(tokens) or not _PRAISE_FOUND(lowered):
        return -1
    last = None
    for last in _PRAISE.finditer(lowered):
        pass
    if last is None or _CONTRAST.search(lowered, last.end()):
        return -1
    ends = [i for i in (lowered.find(c, last.end()) for c in ".!?\n") if i >= 0]
    return min(ends) if ends else len(lowered)


# Praise said through a negation, which VADER (and a negation cue) read backwards: "can't thank you enough",
# "couldn't be happier", "never disappoints", "no issues at all". A negated problem followed by a time ("never had a
# problem until today", "no issues before") is the start of a complaint, not praise.
_PROBLEM = r"(?:problems?|issues?|trouble|complaints?|hiccups?|glitch(?:es)?|crashes|hassles?|delays?)"
_LITOTES_WORDS = frozenset("enough happier better pleased grateful thankful satisfied impressed happy fails failed "
                           "disappoint disappoints disappointed problem problems issue issues trouble complaint "
                           "complaints hiccup hiccups glitch glitches crashes hassle hassles delay delays worries fault "
                           "beat complain best cutest greatest coolest nicest sweetest prettiest loveliest finest "
                           "most like complete alive wait".split())  # every match of _LITOTES holds one of these...
_LITOTES_NEGATIONS = frozenset("not no never without zero cannot t cant couldnt didnt doesnt dont hasnt havent wasnt "
                               "werent wont isnt aint arent wouldnt".split())  # ...and one of these
_LITOTES = re.compile(
    r"\b(?:can'?t|cannot|can not|couldn'?t|could not) (?:\w+ ){0,3}?(?:thank|praise|recommend|commend) "
    r"(?:\S+ ){0,4}?enough\b|\b(?:can'?t|cannot|couldn'?t|could not) say enough (?:good|nice|great|positive|"
    r"wonderful) (?:things|words)\b|\b(?:couldn'?t|could not|can'?t|cannot) (?:be|have been|have asked for|ask "
    r"for) (?:any |much )?(?:happier|better|more (?:pleased|grateful|thankful|satisfied|impressed|happy))\b"
    r"|\b(?:doesn'?t|does not|don'?t|do not|can'?t|cannot|couldn'?t|won'?t) get (?:any |much )?better "
    r"th[ae]n\b|\bnever (?:fails?|failed) to (?:amaze|impress|deliver)\b"
    r"|\bnever (?:felt|looked|tasted|slept) (?:so |any )?(?:better|more alive)\b"
    r"|\bnever disappoints?\b|\b(?:not|wasn'?t|weren'?t|never been|won'?t be) (?:at all |one bit )?disappointed\b"
    r"|\b(?:never|haven'?t|have not|hasn'?t|has not|didn'?t|did not|not|no|without|zero)(?: (?:ever|even|once|had|"
    r"have|having|been|experienced|seen|noticed|found|ran into|run into|encountered|got|gotten|a|an|any|one|single|"
    r"the slightest|more|further|real|major|other|yet|of the|such))*"
    # one free word after "any", "no" or "the" ("any battery issues", "of the usual issues"), but not whose
    # problem; "not a router problem" says where the problem is, not that there is none
    r"(?:(?:(?<=\bany)|(?<=\bno)|(?<=\bzero)|(?<=\bthe)) (?!(?:my|our|your|his|her|their|its|this|that|these|"
    r"those|the|same)\b)[a-z]+)?"
    rf" {_PROBLEM}\b(?![^.!?]{{0,40}}\b(?:until|till|til|before|now|today|anymore|any more|but|except|recently|"
    r"lately|fixed|resolved|solved|sorted|addressed|looked at|dealt with|answered)\b)"
    r"|\b(?:isn'?t|ain'?t|wasn'?t|aren'?t) (?:this|that|it|he|she|they|these|those) (?:just )?(?:the )?(?:best|"
    r"cutest|greatest|coolest|nicest|sweetest|prettiest|loveliest|finest|most (?:amazing|beautiful|adorable))\b"
    r"|\bain'?t (?:no|nothing)(?: \w+)? like\b|\b(?:isn'?t|is not|wouldn'?t be|not) complete (?:without|unless)\b"
    r"|\bno worries\b|\b(?:can'?t|couldn'?t) (?:fault|beat) (?:it|them|the|this|that|you|your|y'?all)\b"
    r"|\bcan'?t complain\b"
    # eagerness: "can't wait to try it", "can't wait!!"; "can't wait any longer for my refund" is not
    r"|\b(?:can'?t|cannot) wait (?:to (?:see|try|get|go|visit|fly|eat|have|come|be|hear|watch|use|start|meet|"
    r"taste|order|book|rebook|travel|play|read|show)\b|(?:any ?more)?!)")
_LITOTES_FOUND = fast_finder(_LITOTES.pattern)


def litotes_spans(lowered: str, tokens: frozenset[str] | set[str]) -> list[tuple[int, int]]:
    """Where the text praises through a negation ("couldn't be happier"), in order; [] when it does not."""
    if _LITOTES_WORDS.isdisjoint(tokens) or _LITOTES_NEGATIONS.isdisjoint(tokens) \
            or not _LITOTES_FOUND(lowered):
        return []
    return [m.span() for m in _LITOTES.finditer(lowered)]


def contrast_after(lowered: str, pos: int) -> bool:
    """Whether a "but", "however", "still"... follows pos."""
    return _CONTRAST.search(lowered, pos) is not None


# A problem, then a turn: "the cancellation sucked but Jessica rebooked us in 5 minutes", "even with the delay, best
# flight in years". What follows the turn is the author's verdict, as in VADER's "but" rule.
_TURN_WORDS = frozenset("but however luckily thankfully fortunately though although despite spite even".split())
_TURN = re.compile(r"\b(?:but|however|luckily|thankfully|fortunately)\b,?|\b(?:even with|even though|although|though|"
                   r"despite|in spite of)\b[^,.!?]*,")
_CONSOLATION = re.compile(r"\bat least\b|\bi guess\b|\boh well\b")  # "... but hey, at least the snacks were good"
_NO_TURN = re.compile(r" *(?:at least|still|then|now|no\b|nothing|i guess|whatever|even|instead|not|never|why|how|what|"
                      r"when|where|unfortunately|sadly|yet|again)")
_TURN_FOUND = fast_finder(_TURN.pattern)


def thanks_for_deed(tail: str) -> bool:
    """Whether a text (what follows a turn) tells of a good deed and thanks for it."""
    return _GRATITUDE.search(tail) is not None and _DEED_DONE.search(tail) is not None


def turn_end(lowered: str, tokens: frozenset[str] | set[str]) -> int:
    """Where the last turn from a problem to something else ends ("but", "despite ...,"), or -1 if there is none."""
    if _TURN_WORDS.isdisjoint(tokens) or not _TURN_FOUND(lowered):
        return -1
    last = None
    for last in _TURN.finditer(lowered):
        pass
    if last is None or _NO_TURN.match(lowered, last.end()) or _CONSOLATION.search(lowered, last.end()):
        return -1
    return last.end()
