"""The customer-service cues of the complaint-aware scorer: a table of patterns, each with its trigger words.

Patterns match lower-cased text with typographic apostrophes folded to "'". They describe kinds of complaint
(waiting, repeat contact, outages...) in general terms; they are not tuned to the exact phrases of any data set.
Each pattern lists trigger words, at least one of which occurs as a token ([a-z0-9]+) in any text it matches; a
trigger ending in "*" is a substring instead. monitor/_cue_engine.py runs a pattern only when a trigger is present,
and tests/test_complaint.py checks on real corpora that this gating never changes a result.
"""
from __future__ import annotations

from dataclasses import dataclass

# Shared vocabulary, spliced into the patterns below.
_NT = r"(?:n'?t|not)"
_NEG = (r"(?:can'?t|cannot|can not|won'?t|will not|wouldn'?t|would not|doesn'?t|does not|didn'?t|did not|"
        r"isn'?t|is not|aren'?t|are not|couldn'?t|could not|unable to|no longer|not able to|still not|"
        r"(?:haven'?t|hasn'?t|have not|has not|not) been able to)")
_ACTION = (r"(?:work|load|connect|log ?in|login|log on|sign ?in|access|open|download|install|update|upgrade|play|"
           r"print|send|receive|get(?:ting)? (?:in|into|on|through|my|a|an|it|the|any|access|signal|service)|"
           r"let me|let us|allow|accept|recogni[sz]e|turn on|shut (?:off|down)|boot|start|stream|watch|join|"
           r"make calls|call|pay|order|check ?out|redeem|verify|recover|reset|cancel|delete|transfer|add|contact|"
           r"reach|sync|save|upload|charge|show|display|find|respond|reply)")
_COUNT = r"(?:\d+\+?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|several|many|multiple)"
_SPAN = r"(?:min|mins|minutes?|hours?|hrs?|days?|weeks?|wks?|months?)"
_CONTACT = (r"(?:calls|phone calls|emails|e-mails|messages|tweets|dms|attempts|tries|requests|chats|complaints|"
            r"reps|representatives|agents)")
_TIMES_COUNT = (r"(?:\d+\+?|two|three|four|five|six|seven|eight|nine|ten|several|multiple|numerous|countless|"
                r"so many|too many|many)")
_GOODS = (r"(?:order|package|parcel|delivery|bag|bags|luggage|suitcase|item|items|box|shipment|refund|money|check|"
          r"cheque|food|card|points|credit|phone|tv|internet|service)")
_NOT_BEFORE = r"(?<!\bno )(?<!\bnot )(?<!without )(?<!\bzero )(?<!\bany )(?<!\bnever )"
_NEG_WORDS = "t not cant cannot wont wouldnt doesnt didnt isnt arent couldnt unable longer able"


@dataclass(frozen=True)
class Pattern:
    triggers: tuple[str, ...]
    regex: str


@dataclass(frozen=True)
class Cue:
    name: str
    weight: float  # how far the cue moves the score toward negative; 0 for cues that only inform rules
    patterns: tuple[Pattern, ...]


def P(triggers: str, regex: str) -> Pattern:
    """One pattern and the space-separated trigger words that gate it."""
    return Pattern(tuple(triggers.split()), regex)


CUES: tuple[Cue, ...] = (
    Cue("waiting", 0.35, (
        P("wait waited waiting", rf"\bwait(?:ed|ing)?\b[^.!?]{{0,25}}?\b{_COUNT} ?\+? ?{_SPAN}\b"),
        P("waiting awaiting", r"\b(?:still|been|keep|kept|am|i'm|im|are|we're|left|sat|sitting|stuck) "
                              r"(?:waiting|awaiting)\b"),
        P("awaiting", r"\bawaiting\b"),
        P("hold", r"\b(?:on|put on|placed on) hold\b"),
        P("reply replies response responses answer answers update updates call callback follow followup word news "
          "contact feedback",
          r"\b(?:no|zero|without|without any|not a|not any|never got a|never received a) (?:reply|replies|response|"
          r"responses|answer|answers|updates?|call ?back|follow[- ]?up|word|news|contact|feedback)\b"),
        P("heard received gotten got", r"\b(?:haven'?t|have not|hasn'?t|has not|didn'?t|did not|never|still not|"
          r"not yet) (?:heard|received|gotten|got) (?:back|a reply|a response|an answer|anything|any|a call)\b"),
        P("been", rf"\b(?:it'?s|its|it has|has|have|i'?ve) been (?:over |almost |nearly |about |more than )?"
                  rf"{_COUNT} {_SPAN}\b"),
        P("now already without", rf"\b(?:for|over|after) (?:over |almost |nearly |more than )?{_COUNT} {_SPAN} "
                                 r"(?:now|already|without)\b"),
        P("long", r"\bhow long (?:do|does|will|until|before|should|is|are|has|have)\b"),
        P("hours days weeks months ages", r"\b(?:for|been|like this for|over|in) (?:hours|days|weeks|months|ages)\b"
                                          r"(?! (?:ago|before|after|in advance|ahead))"),
        P("dealing putting fighting struggling chasing trying calling emailing messaging",
          rf"\b(?:dealing with|putting up with|fighting|struggling|chasing|trying|calling|emailing|messaging)\b"
          rf"[^.!?]{{0,40}}\bfor (?:over |almost |nearly |more than |the (?:last|past) )?{_COUNT} {_SPAN}\b"),
        P("wait", r"\b(?:long|endless|hour|hours) wait\b"),
        P("answer reply respond back", r"\b(?:please|pls|plz|pleas) (?:answer|reply|respond|get back)\b"),
        P("waiting", r"\bwaiting (?:for|on) (?:my|the|a|an|your|ups|fedex|usps|dhl|someone|somebody|anyone|you|"
                     r"them|a reply)\b"),
        P("delay delays delayed overdue", rf"{_NOT_BEFORE}(?<!for the )(?<!for any )\b(?:delays?|delayed|overdue)\b"),
    )),
    Cue("repeat_contact", 0.25, (
        P("again over", r"\b(?:yet again|over and over)\b"),
        P("time", r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|\d+th|umpteenth|nth) time\b"
                  r"(?!'?s? (?:the |a )?(?:charm|lucky))"),
        P("calls emails mails messages tweets dms attempts tries requests chats complaints reps representatives "
          "agents", rf"\b{_TIMES_COUNT} {_CONTACT}\b"),
        P("times", rf"\b(?:called|contacted|emailed|messaged|asked|told|tried|tweeted|dm'?e?d|reached out|"
                   rf"complained|spoken to|spoke to|rang|phoned|explained|reported|sent|submitted|requested|chatted)"
                   rf"\b[^.!?]{{0,30}}\b{_TIMES_COUNT} times\b"),
        P("keep keeps kept", r"\b(?:keep|keeps|kept) (?:asking|telling|saying|calling|emailing|getting|sending|"
                             r"changing|happening)\b"),
        P("repeatedly", r"\brepeatedly\b"),
        P("tried", r"\balready tried\b|\btried (?:calling|emailing|contacting|chatting|messaging|phoning|reaching)\b"),
        P("already", r"\balready (?:have|had|opened|submitted|filed|raised|made|sent) (?:a |an |the |my )?(?:service "
                     r"request|request|ticket|case|complaint|claim)\b"),
        P("happen happens always keeps", r"\bhappens? (?:way |far )?too (?:often|much)\b|\b(?:this|it) (?:always|"
                                         r"keeps) happen\w*\b|\bhappens all the time\b"),
        P("already ve ive weve have",
          r"\b(?:already|i'?ve|i have|we'?ve|we have) (?:already )?(?:called|contacted|emailed|messaged|dm'?e?d|"
          r"tweeted|submitted|reported|complained|done (?:that|this|so)|did (?:that|this|so)|tried (?:that|this|"
          r"everything))\b"),
        P("again", r"\b(?:call|contact|email|message|ask|write|explain|apply|reinstall|start) (?:you |it |this )?"
                   r"(?:all )?over again\b"),
        P("still", rf"\bstill (?:{_NT}|no|nothing|waiting|getting|having|broken|down|says|shows|the same|happening|"
                   r"can'?t|won'?t|haven'?t|hasn'?t|didn'?t|doesn'?t|isn'?t|don'?t|unable|ignor\w+|refus\w+)\b"),
        P("again", r"\b(?:happen(?:ed|ing|s)?|broke|broken|down|crash(?:ed|ing)?|charged|failed|wrong|late|delayed) "
                   r"again\b|\b(?:have|had|need|needed|having) to (?:\w+ ){1,4}again\b"),
    )),
    Cue("unresolved", 0.4, (
        P("closed marked resolved closing",
          r"\b(?:closed|marked|resolved|closing)\b[^.!?]{0,30}\b(?:ticket|case|request|complaint|issue)\b"
          r"[^.!?]{0,40}\b(?:without|not|never|no|but|yet|still)\b"),
        P("closed marked", r"\b(?:ticket|case|request|complaint)\b[^.!?]{0,20}\b(?:closed|marked (?:as )?(?:resolved|"
                           r"solved|complete))\b[^.!?]{0,40}\b(?:without|but|yet|not|never|still)\b"),
        P("resolved fixed solved sorted addressed refunded answered processed reimbursed credited approved enabled "
          "activated reinstated restored honored honoured",
          rf"\b(?:{_NT}|never|nothing|hasn'?t been|haven'?t been|wasn'?t|isn'?t|still not|not yet) (?:been )?"
          r"(?:resolved|fixed|solved|sorted|addressed|refunded|answered|processed|reimbursed|credited|approved|"
          r"enabled|activated|reinstated|restored|honou?red)\b"),
        P("disapproved rejected declined denied refused", r"\b(?:disapproved|rejected|declined|denied|refused)\b"),
        P("solution resolution fix luck progress success avail help",
          r"\b(?:no|without|zero) (?:solution|resolution|fix|luck|progress|success|avail|help)\b"),
        P("nobody one noone", r"\b(?:nobody|no one|noone) (?:\w+ )?(?:help\w*|answer\w*|respond\w*|repl(?:y|ies|ied)|"
                              r"call(?:ed|s)? (?:me |us )?back|gets back|got back|picks up|picked up|fix\w*|"
                              r"assist\w*|seems to (?:know|care|help)|knows|cares|is able|was able)\b"),
        P("useless help helpful unhelpful helping helped",
          r"\b(?:useless|no help|not helpful|unhelpful|(?:did|does|is|was|were|could|would|will|ca|wo)(?:n'?t| not)"
          r" (?:help|helping|helped))\b(?! but)"),
        P("same still", r"\b(?:same (?:issue|problem|error)|still (?:happening|broken|an issue|a problem))\b"),
        P("everything ghosted hung runaround run circles endless passed transferred",
          r"\b(?:tried everything|ghosted|hung up|runaround|run around|going (?:round )?in circles|endless (?:cycle|"
          r"loop)|passed around|transferred (?:around|\d+ times))\b"),
    )),
    Cue("outage", 0.4, (
        P(_NEG_WORDS, rf"\b{_NEG} (?:even |seem to |always |ever )?{_ACTION}\b"),
        P("work works", r"\b(?:don'?t|do not|never) (?:even )?works?\b"),
        P("working loading connecting responding opening syncing printing sending downloading updating charging "
          "playing showing receiving accepting functioning allowing letting",
          r"(?:\bnot|n't|\b(?:is|are|was|were|do|does|did|ca|wo|has|have)nt|\bstopped|\bstops|\bno longer) "
          r"(?:working|loading|connecting|responding|opening|syncing|printing|sending|downloading|updating|charging|"
          r"playing|showing|receiving|accepting|functioning|allowing (?:me|us)|letting (?:me|us))\b"),
        P("function* dysfunctional unusable inoperable unavailable worse used",
          r"\b(?:non-?function\w*|dysfunctional|unusable|inoperable|unavailable|(?:gets|getting|got) worse|"
          r"used to (?:work|last|be (?:good|great|fine|fast|better)))\b"),
        P("back", r"\b(?:service|internet|power|wi-?fi|connection|signal|cable|tv) back\b"),
        # Offline as a state the service fell into, not a feature ("play music offline").
        P("offline", r"\b(?:is|are|was|were|went|gone|goes|going|been|still|keeps? going|knocked|being|stays?|"
                     r"stayed) offline\b|\boffline (?:again|for|since|all day)\b"),
        P("crashes crashed crashing freezes froze glitch* bug buggy bugfest lags lagging laggy outage outages "
          "disconnect* malfunction* unresponsive loss dropped screen blank error errors",
          r"\b(?:crash(?:es|ed|ing)|freezes|froze|glitch\w*|bug|buggy|bugfest|bug-ridden|lags|lagging|laggy|outages?|"
          r"disconnect\w*|malfunction\w*|unresponsive|packet loss|dropped calls?|black screen|blank (?:page|"
          r"screen|recordings?)|error (?:code|message)|(?:an?|the|this|that|get(?:ting)?|got|keep getting) "
          r"errors?)\b"),
        P("issue issues", r"\b(?:an?|the|this|that|these|same|my|our|having|have|had|has|experiencing|any|technical|"
                          r"connection|connectivity|login|log-?in|billing|network|account|some|known|server|battery|"
                          r"sync|payment|delivery) issues?\b(?! with that)"),
        P("keep keeps kept", r"\b(?:keeps?|kept) (?:crashing|freezing|dropping|loading|pausing|restarting|rebooting|"
                             r"disconnecting|logging (?:me )?out|buffering|failing|dying|shutting|turning off|"
                             r"stopping)\b"),
        P("down", r"\b(?:is|are|was|were|been|being|still|currently|it'?s)\s+down\b(?! (?:to|for (?:it|that|this)|"
                  r"with))|\b(?:is|are) (?:\w+ ){1,2}down\?|\bdown (?:again|for (?:hours|days|\d+)|all day)\b"),
        P("down", r"\b(?:sites?|servers?|apps?|systems?|networks?|services?|website|internet|wi-?fi|power|psn|"
                  r"xbox live) (?:is |are |was |were |has |have |went |keeps going |goes |going )?down\b"),
        P("slow", r"\b(?:(?:very|so|really|too|super|extremely|incredibly) slow|slow (?:speeds?|internet|connection|"
                  r"service))\b"),
        P("no without", r"\b(?:no|without) (?:service|signal|internet|connection|wi-?fi|power|sound|audio|data|"
                        r"dial ?tone|tv|cable|phone service|heat|hot water|water)\b"),
        P("trouble problem problems difficulty difficulties issues",
          r"\bhaving (?:trouble|problems?|issues|difficult(?:y|ies))\b|\b(?:trouble|problems?|difficult(?:y|ies)) "
          r"(?:with|buying|logging|getting|connecting|accessing|using|paying|ordering|signing|downloading)\b"),
        P("until till til", r"\bnever (?:had|seen|experienced) (?:a |an |any |such )?(?:\w+ )?(?:problems?|issues?|"
                            r"trouble)\b[^.!?]{0,30}\b(?:until|till|til)\b"),
        P("blank black crapped conked bricked", r"\b(?:comes out|came out|shows|showing|goes|went|is|turns) blank\b|"
                                                r"\b(?:goes|going|went|turns|turned) black\b|"
                                                r"\b(?:crapped|conked) out\b|\bbricked\b"),
        P("everytime time whenever anytime", r"\b(?:every ?time|whenever|any ?time|each time) (?:i|we) (?:try|tried|"
                                             r"go|open|click|log|sign|attempt|use|want|put|enter|select)\b"),
        P("anymore more", r"(?:\b(?:not|no|never|cannot)|n't)\b[^.!?]{0,40}\bany ?more\b"),
        P("there", r"\b(?:is|are|was|were)(?:n'?t| not) (?:even )?there\b(?! (?:for|yet|any|a |an |to))"),
        P("gone", r"\b(?:it'?s|is|are|was|were|has|have|now) (?:just |all |now |completely )?gone\b"),
        P("missing disappeared vanished gone", r"\b(?:my|our|the|your|all) (?:\w+ ){1,2}(?:is|are|was|were|has|"
                                               r"have|has been|have been|went|has gone) (?:missing|disappeared|"
                                               r"vanished|gone)\b|\b(?:has|have|just|suddenly) disappeared\b"),
    )),
    Cue("account_access", 0.35, (
        P("hacked locked lock suspended deactivated disabled banned terminated compromised hijacked pirated",
          r"\b(?:hacked|locked out|lock(?:ed)? (?:me )?out|suspended|deactivated|disabled|banned|terminated|"
          r"compromised|hijacked|pirated)\b"),
        P("someone somebody", r"\b(?:someone|somebody) (?:has |had |just |else )?(?:signed|logged|hacked|got|used|"
                              r"is using|keeps trying|changed|accessed)\b"),
    )),
    Cue("non_delivery", 0.4, (
        P("arrive arrived receive received delivered shipped dispatched come came turned showed shown sent send",
          r"\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not|never|still not|not yet|wasn'?t|was not|"
          r"weren'?t|isn'?t|not) (?:been )?(?:arrived?|received?|delivered|shipped|dispatched|come|came|turned up|"
          r"showed up|shown up|sent|send)\b"),
        P("where wheres", rf"\bwhere(?:'s| is| are|s| did) (?:my|our|the) {_GOODS}\b"),
        P("lost missing stolen damaged wrong late delayed incomplete cold",
          rf"\b(?:lost|missing|stolen|damaged|wrong|late|delayed|incomplete|cold) (?:my |our |the )?{_GOODS}\b"),
        P("lost missing stolen damaged", r"\b(?:lost|missing|stolen|damaged) (?:all (?:of )?)?(?:my|our)\b"),
        P("give", r"\bgive (?:me|us) (?:back )?(?:my|our)\b"),
        P("account balance wallet library", r"\b(?:not|isn'?t|wasn'?t|never|aren'?t|weren'?t) (?:showing |appearing "
                                            r"|showing up )?(?:on|in) (?:my|our) (?:account|balance|wallet|library)\b"),
        P("never", r"\bnever (?:gonna|going to|will) (?:receive|get|arrive|come|see)\b"),
        P("lost missing late delayed stolen damaged never stuck",
          r"\b(?:order|package|parcel|delivery|bag|luggage|item|shipment)s? (?:is |was |has been |are |were )?"
          r"(?:lost|missing|late|delayed|stolen|damaged|never|stuck)\b"),
        P("delivered", r"\b(?:marked|shows?|showing|says?) (?:as )?delivered\b"),
        P("wrong", r"\bwrong (?:address|item|order|size|colou?r|product|one|person)\b"),
    )),
    Cue("billing", 0.4, (
        P("charged billed charging billing",
          r"\b(?:charged|billed|charging|billing) (?:me |us |my \w+ )?(?:twice|double|two times|\d+ times|again|"
          r"extra|wrong|incorrectly|more|for (?:something|an? \w+ (?:i|we) (?:didn'?t|did not|never)))\b"),
        P("double charg*", r"\bdouble[- ]?(?:charged|billed|charges?|billing)\b|\bover ?-?charg\w*\b"),
        P("charged billed", r"\b(?:being|been|got|getting|keep getting|still) (?:charged|billed)\b"),
        P("paid payed twice rebuy again", r"\balready (?:paid|payed) (?:for|twice)\b|\b(?:pay|paid|charged) "
                                          r"(?:for (?:it|this) )?twice\b|\brebuy\b|\bbuy (?:it|this|the game) again\b"),
        P("refund refunds refunding reimburse reimbursement chargeback chargebacks back backs money",
          r"\b(?:refunds?|refunding|reimburse|reimbursement|charge ?backs?|money back|my money|our money)\b"),
        P("unauthorized unauthorised fraudulent hidden surprise extra unexpected pending bogus duplicate wrong",
          r"\b(?:unauthori[sz]ed|fraudulent|hidden|surprise|extra|unexpected|pending|bogus|duplicate|wrong) "
          r"(?:charges?|fees?|payments?|transactions?|debits?|bill|billing)\b"),
        P("doubled went increased wrong incorrect", r"\b(?:bill|invoice|charge|fee|price|payment) (?:has |have )?"
                                                    r"(?:almost |nearly )?(?:doubled|went up|increased|is wrong|"
                                                    r"was wrong|incorrect)\b"),
        P("money", r"\b(?:took|take|taking|stole|steal|keep|keeping|holding|deduct\w*) (?:my|our|the) money\b"),
        P("charged charging what", r"\bcharg(?:ed|ing) (?:me|my|us|our)\b|\bwhat (?:i|we) (?:pay|paid|am paying|"
                                   r"are paying) for\b"),
        P("bill statement invoice", r"\b(?:bill|statement|invoice)\b[^.!?]{0,30}\b(?:charges?|fees?)\b"),
        P("additional extra", r"\b(?:additional|extra) (?:\$|£|€)\s?\d"),
        P("yet still", r"\b(?:i|we) (?:pay|paid|am paying|are paying)\b[^.!?]{0,40}\b(?:and yet|yet|and still)\b"),
        P("instead", r"\binstead of (?:(?:\$|£|€|ksh|rs\.?|inr|usd)\s?\d|\d[\d,.]*\s?(?:ksh|usd|dollars|bucks|"
                     r"euros?|pounds|gbp|eur)\b)"),
    )),
    Cue("deception", 0.4, (
        P("lie lies", r"\b(?:a|your|their|such|total|blatant|big|outright|complete|that'?s a|it'?s a|is a) lies?\b"),
        P("counterfeit scam* fraud* misleading mislead misled false bait rip ripoff ripped lied lying liar liars "
          "stole stolen thief thieves crook crooks robbed robbery extort* goug*",
          r"\b(?:counterfeit|scam\w*|fraud\w*|misleading|mislead|misled|false advertising|bait and switch|"
          r"rip ?-?off|ripped (?:me )?off|lied|lying to|liars?|stole|stolen|thie(?:f|ves)|crooks?|robbed|robbery|"
          r"extort\w*|price[- ]?goug\w*)\b"),
    )),
    Cue("churn_intent", 0.5, (
        P("account subscription service membership contract plan card prime policy line",
          r"\b(?:cancel\w*|close|closing|terminate|terminating|end|ending|drop|dropping|quit|quitting) (?:my|our|"
          r"the) (?:account|subscription|service|membership|contract|plan|card|prime|policy|line)\b"),
        P("switch switching switched moving port porting ship",
          r"\b(?:switch(?:ing|ed)?|moving|port(?:ing)?|jump(?:ing)? ship) (?:over |back )?to\b(?! (?:you|u|your)\b)"),
        P("looking", r"\blooking (?:around )?(?:for|at) (?:an? )?(?:new|different|another|other|alternative)\b"),
        P("alternative alternatives around", r"\b(?:looking|searching) (?:around )?(?:for|at) alternatives?\b|"
                                             r"\bstarting to look around\b"),
        P("ends expires up runs", r"\b(?:contract|subscription|plan|membership|lease) (?:ends|expires|is up|"
                                  r"runs out)\b"),
        P("renew* use using fly flying buy buying order ordering shop shopping book booking recommend* return* back",
          r"\b(?:won'?t|will not|not going to|never going to|never gonna|not gonna|no longer) (?:be )?(?:renew\w*|"
          r"use|using|fly|flying|buy|buying|order|ordering|shop|shopping|book|booking|recommend\w*|return\w*|"
          r"back)\b"),
        P("never", r"\bnever (?:again|flying|using|buying|ordering|shopping|booking|recommending)\b"),
        P("lost losing", r"\b(?:lost|losing) (?:me|a|another|one|my) (?:as a )?(?:customer|client|business|"
                         r"loyal customer)\b"),
        P("elsewhere else somewhere", r"\b(?:take|taking) (?:my|our) (?:business|money) (?:elsewhere|else where|"
                                      r"somewhere else)\b"),
        P("done finished through", r"\b(?:i'?m|im|i am|we'?re|we are|i'?m so|am) (?:so |officially |really )?"
                                   r"(?:done|finished|through) with (?:you|u|ya|y'?all|your|them)\b"),
        P("contemplating considering thinking about ready going",
          r"\b(?:contemplating|considering|thinking (?:of|about)|about to|ready to|going to) (?:ending|end|"
          r"cancel\w*|leav\w*|switch\w*|dropping|drop|moving|closing|close)\b"),
        P("recommend", r"\b(?:don'?t|do not|wouldn'?t|would not|won'?t|will not|never|cannot|can'?t) recommend\b"
                       r"(?! (?:\w+ )?(?:enough|highly|more))"),
        P("another different competing", r"\bgo(?:ing)? (?:to |with )?(?:another|a different|a competing) "
                                         r"(?:brand|provider|company|carrier|bank|airline|store|service|isp)\b"),
        P("straw time", r"\b(?:last|final) straw\b|\btime to (?:switch|find a new|look for|leave|cancel)\b"),
    )),
    Cue("escalation", 0.45, (
        P("escalate escalated escalation escalating supervisor manager bbb better ftc fcc ombudsman trading attorney "
          "lawyer solicitor legal lawsuit sue suing claims regulator consumer file filing lodge lodging formal "
          "report",
          r"\b(?:escalat(?:e|ed|ion|ing (?:this|it|my|the|to))|supervisor|manager|bbb|better business bureau|ftc|"
          r"fcc|ombudsman|trading standards|attorney|lawyer|solicitor|legal action|lawsuit|sue|suing|small claims|"
          r"regulator|consumer (?:protection|affairs|rights)|(?:file|filing|lodge|lodging) a (?:formal )?complaint|"
          r"formal complaint|report (?:you|this|them|it) to)\b"),
    )),
    Cue("sarcasm", 0.45, (
        P("nothing", r"\bthanks? (?:a lot |so much |again )?for nothing\b"),
        P("not", r"\b(?:great|good|nice|fantastic|brilliant|excellent|awesome|amazing|wonderful|stellar|superb) "
                 r"(?:job|work|service|customer service|going)\b\W{0,6}\bnot\b"),
        P("not sarcasm ohgreat thanksfornothing", r"#not\b|#sarcasm\b|#ohgreat\b|#thanksfornothing\b"),
        P("waiting being sitting getting losing wasting", r"\b(?:love|loving|enjoy|enjoying|adore) (?:waiting|being "
                                                          r"on hold|sitting on hold|getting charged|being charged|"
                                                          r"losing|being ignored|wasting)\b"),
        P("oh ah", r"\b(?:oh|ah) (?:great|good|joy|perfect|wonderful|brilliant|fantastic|lovely)\b"),
        P("that thats joke funny", r"\bso (?:that'?s|thats) (?:comforting|great|nice|fun|helpful)\b|\bwhat a joke\b|"
                                   r"\bhow funny\b"),
        P("ruining wasting nothing runaround making losing breaking charging",
          r"\b(?:thanks|thank you) (?:a lot|so much)?,? ?(?:@\w+ )?for (?:ruining|wasting|nothing|the runaround|"
          r"making|losing|breaking|charging)\b"),
        P("\U0001F643*", "\U0001F643"),  # upside-down face: in complaints it marks irony
    )),
    Cue("frustration", 0.35, (
        P("smh ugh* wtf fml ffs omfg jfc fed stand screwed sick tired enough unbelievable again",
          r"\b(?:smh|ugh+|wtf|fml|ffs|omfg|jfc|fed up|can'?t stand|screwed up|sick (?:and tired )?of|so tired of|"
          r"tired of|had enough|unbelievable|fail(?:ed)? again)\b"),
        P("fail* seriously", r"#(?:fail|epicfail|\w*servicefail|\w*fail\b)|\bseriously\?"),
        P("dare god christ pete heaven fuck", r"\bhow dare (?:you|they|u)\b|\bfor (?:the love of )?(?:god|christ|"
                                              r"pete|heaven|fuck)'?s?(?: sake)?\b"),
        P("better", r"\b(?:better than this|expected (?:more|better)|should (?:be|do|know) better|do better)\b"),
        P("care", r"\b(?:you|they|y'?all|u|nobody|no one) (?:clearly |obviously |just |really |even )?(?:don'?t|"
                  r"do not|doesn'?t|does not|couldn'?t|could not) care\b"),
        P("how", r"\bhow (?:is|are|was|were) (?:this|these|that|those)\b"),
        P("treat", r"\b(?:is (?:this|that) |this is |that'?s |is )?how you treat\b"),

        P("point possible acceptable okay ok fair legal", r"\b(?:what'?s|whats|what is) the point\b|\bhow (?:is|was) "
                                                          r"(?:it|this|that) (?:possible|acceptable|okay|ok|fair|"
                                                          r"legal)\b"),
        # eye-roll, steam from nose, pouting, cursing, facepalm, unamused, angry, thinking ("hmm")
        P("\U0001F644* \U0001F624* \U0001F621* \U0001F92C* \U0001F926* \U0001F612* \U0001F620* \U0001F914*",
          "[\U0001F644\U0001F624\U0001F621\U0001F92C\U0001F926\U0001F612\U0001F620\U0001F914]"),
    )),
    Cue("complaint_question", 0.2, (
        P("come up going where wheres why anyone",
          r"\b(?:how come|what'?s (?:up|going on) with|what is going on|where(?:'s| is| are| did) (?:my|our)|"
          r"any reason why|is anyone else|anyone else (?:having|getting|experiencing))\b"),
        P("wrong happening happened going", r"\bwhat(?:'s| is|s) (?:wrong|happening|going on) (?:with|to)\b|"
                                      r"\bwhat happened to (?:my|our|the)\b"),
        P("why", r"\bwhy (?:is|isn'?t|are|aren'?t|does|doesn'?t|did|didn'?t|can'?t|won'?t|has|hasn'?t|have|"
                 r"haven'?t|wouldn'?t|am i|my|our|the|this|u)\b"),
        P("else", r"\bis (?:anyone|anybody) else (?:having|getting|experiencing|seeing)\b"),
        P("supposed expected going", r"\bhow (?:am i|are we|is (?:one|anyone)|are (?:customers|people)) "
                                     r"(?:supposed|expected|going) to\b"),
    )),
    Cue("negated_action", 0.2, (
        # A weak, generic signal: in customer talk a negated verb is usually a problem ("it doesn't show", "I never
        # got"). Idioms where the negation praises ("can't put it down", "never going back") are excluded.
        P("t not never cannot unable longer isnt arent wasnt werent dont doesnt didnt cant wont havent hasnt",
          r"(?:\b(?:not|never|cannot|unable to|no longer)|n't|\b(?:is|are|was|were|do|does|did|ca|wo|have|has)nt)"
          r"\s+(?!(?:only|just|bad|too|sure|worry|wait|a problem|an issue|that|so|as|be|mind|care|know|think|"
          r"forget|hesitate|miss|stop|doubt|beat|imagine|get enough|say enough|recommend|complain|go back|going "
          r"back|regret|disappoint|let (?:you|me|us) down|put (?:it|this|them) down|give (?:it|this|them) up|trade|"
          r"be (?:happier|better|more)|have to|need to|hurt|fail|ask for|compare|tell)\b)(?:\w+ )?\w+"),
    )),
    Cue("insult", 0.4, (
        P("inept* incompeten* idiots morons clowns imbeciles amateurs amateurish bs garbage trash rubbish joke "
          "laughing laughingstock shambles shambolic clown shit shitshow dumpster",
          r"\b(?:inept\w*|incompeten\w*|idiots|morons|clowns|imbeciles|amateurs|amateurish|bs|garbage|trash|"
          r"rubbish|joke of a|laughing ?stock|shambles|shambolic|clown show|shit ?show|dumpster fire)\b"),
    )),
    Cue("cancellation", 0.35, (
        P("cancelled canceled overbooked bumped",
          r"\b(?:flight|order|booking|reservation|appointment|train|trip|delivery|tickets?|show|event|installation|"
          r"install|visit) (?:was |has been |got |is |were |have been |just got )?(?:cancell?ed|overbooked|"
          r"bumped)\b"),
        P("cancelled canceled show noshow", r"\b(?:they|you|u|y'?all|\w+ has|\w+ have) (?:just )?cancell?ed "
                                            r"(?:my|our)\b|\bno-?show\b"),
    )),
    Cue("accusation", 0.4, (
        # The brand did something to the author: "you lost my bag", "you guys cancelled my order".
        P("you u y yall your", r"\b(?:you|u|y'?all|you guys|you people|your (?:team|staff|agents?|reps?|driver|"
                               r"company|system|app|site|website|store|courier))\s+(?:just |have |had |has |then |"
                               r"also |literally |clearly |obviously |basically |completely |never )?(?:lost|cancell?ed|"
                               r"charged|overcharged|gave (?:my|our|away)|took (?:my|our|away)|deleted|removed|broke|"
                               r"ruined|messed|screwed|ignored|closed|blocked|banned|suspended|deactivated|refused|"
                               r"denied|failed|forgot|kicked|hung up|stole|lied|sent (?:me |us )?(?:the )?wrong|"
                               r"ripped|wasted|keep (?:sending|charging|cancell?ing|ignoring|changing))\b"),
    )),
    Cue("demand", 0.35, (
        # An imperative that something be repaired: "please fix the battery issues", "get your act together".
        P("fix sort act something", r"(?:^|[.!?] |\b(?:please|pls|plz|just|can you|could you|can y'?all|"
                                    r"you need to|need you to|when will you|so) )(?:\w+ )?fix (?:it|this|that|the|"
                                    r"your|my|our|these|those)\b|\bget your act together\b|\bsort (?:it|this|"
                                    r"yourselves) out\b|\bdo something\b"),
    )),
    Cue("buying_intent", 0.0, (
        P("recommendation recommendations suggestion suggestions recs",
          r"\b(?:any|anyone have|got any|need|want|looking for) (?:good )?(?:recommendations?|suggestions?|recs)\b"),
        P("recommend suggest", r"\b(?:can|could|would) (?:anyone|anybody|someone|somebody|you|y'?all) "
                               r"(?:recommend|suggest)\b"),
        P("recommendation recommendations", r"\brecommendations? (?:for|on)\b"),
        P("alternative alternatives", r"\balternatives? (?:to|for)\b"),
        P("looking", r"\blooking (?:for|to buy|to get|to switch to) (?:an?|some|good|the best|new|better) "
                     r"(?:\w+ ){0,2}?(?:tool|app|service|provider|platform|software|solution|product|option|carrier|"
                     r"plan|bank|laptop|phone|camera|vendor|system|crm|replacement)s?\b"),
        P("best", r"\bwhat(?:'s| is| are) the best \w+(?: \w+)? (?:for|to)\b"),
        P("buying getting purchasing trying buy get purchase try",
          r"\b(?:thinking (?:of|about)|planning (?:on|to)|want to|wanting to|considering) (?:buying|getting|"
          r"purchasing|trying|buy|get|purchase|try)\b"),
        P("market shopping", r"\bin the market for\b|\bshopping (?:around )?for\b"),
    )),
)
