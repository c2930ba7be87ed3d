"""The customer-service cues of the complaint-aware scorer: what went wrong (waiting, outages, lost orders...).

The tone of a text (sarcasm, anger, threats to leave...) is in monitor/_cue_tone.py; CUES joins both tables. The
patterns describe kinds of complaint in general terms; they are not tuned to the exact phrases of any data set.
The pattern format and the trigger-word gating are described in monitor/_cue_base.py.
"""
from __future__ import annotations

from monitor._cue_base import (ACTION, CONTACT, COUNT, GOODS, NEG_BRANCHES, NOT_BEFORE, NT, SPAN, SPAN_WORDS,
                               TIMES_COUNT, Cue, P)
from monitor._cue_tone import TONE_CUES

_FAILING_TO = (r" (?:working|loading|connecting|responding|opening|syncing|printing|sending|downloading|updating|"
               r"charging|playing|showing|receiving|accepting|functioning|allowing (?:me|us)|letting (?:me|us))\b")

# Not after "had it", "have this"...: how long the author has owned something is no wait.
_NOT_OWNED = "".join(rf"(?<!\b{verb} {thing} )" for verb in ("have", "had") for thing in ("it", "this", "mine"))

SERVICE_CUES: tuple[Cue, ...] = (
    Cue("waiting", 0.35, (
        P("wait waited waiting", rf"\bwait(?:ed|ing)?\b[^.!?]{{0,25}}?\b{COUNT} ?\+? ?{SPAN}\b"),
        P("waiting awaiting", r"\b(?:still|been|keep|kept|am|i'm|im|are|we're|left|sat|sitting|stuck) "
                              r"(?:waiting|awaiting)\b"),
        P("awaiting", r"\bawaiting\b"),
        P("hold", r"\b(?:on|put on|placed on) hold\b|\bhold (?:times?|music)\b"),
        P("no zero without not never & reply replies response responses answer answers update updates call callback "
          "follow followup word news contact feedback",
          r"\b(?:no|zero|without|without any|not a|not any|never got a|never received a) (?:reply|replies|response|"
          r"responses|answer|answers|updates?|call ?back|follow[- ]?up|word|news|contact|feedback)\b"),
        P("heard received gotten got", r"\b(?:haven'?t|have not|hasn'?t|has not|didn'?t|did not|never|still not|"
          r"not yet) (?:heard|received|gotten|got) (?:back|a reply|a response|an answer|anything|any|a call)\b"),
        P("been", rf"\bbeen (?:over |almost |nearly |about |more than )?{COUNT} {SPAN}\b"),
        # "for 3 days now", but not how long the author has owned something ("we've had this for two months now")
        P(SPAN_WORDS + " & now already without later",
          "|".join(rf"{_NOT_OWNED}\b{lead} (?:over |almost |nearly |more than )?{COUNT} {SPAN} (?:now|already|without|"
                   r"later)\b" for lead in ("for", "over", "after"))),
        P("later", rf"\b{COUNT} {SPAN} later\b"),
        P("long", r"\bhow long (?:do|does|will|until|before|should|is|are|has|have)\b"),
        P("hours days weeks months ages", r"\b(?:for|been|like this for|over|in) (?:hours|days|weeks|months|ages)\b"
                                          r"(?! (?:ago|before|after|in advance|ahead))"),
        P("dealing putting fighting struggling chasing trying calling emailing messaging",
          rf"\b(?:dealing with|putting up with|fighting|struggling|chasing|trying|calling|emailing|messaging)\b"
          rf"[^.!?]{{0,40}}\bfor (?:over |almost |nearly |more than |the (?:last|past) )?{COUNT} {SPAN}\b"),
        P("wait", r"\b(?:long|endless|hour|hours) wait\b|\bwait times?\b"),
        P(SPAN_WORDS + " & wait delay layover hold", rf"\b{COUNT} ?-?{SPAN} (?:wait|delay|layover|hold)\b"),
        P("answer reply respond back", r"\b(?:please|pls|plz|pleas) (?:answer|reply|respond|get back)\b"),
        P("waiting", r"\bwaiting (?:for|on) (?:my|the|a|an|your|ups|fedex|usps|dhl|someone|somebody|anyone|you|"
                     r"them|a reply)\b"),
        P("delay delays delayed overdue", rf"{NOT_BEFORE}(?<!for the )(?<!for any )\b(?:delays?|delayed|overdue)\b"),
        P("counting", rf"\b{SPAN} and counting\b"),
        P(SPAN_WORDS + " & last past", rf"\bfor (?:the )?(?:last|past) (?:over |almost |nearly )?{COUNT} ?{SPAN}\b"),
        P("reply respond answer", r"\b(?:reply|respond|answer) (?:to )?(?:my|our|me|us) ?(?:dms?|messages?|emails?|"
                                  r"tweets?|complaint|inquiry|enquiry|ticket|case|calls?)\b|\breply to dms?\b"),
        P("took taking takes take", rf"\b(?:took|taking|takes|take) (?:so long|forever|ages|too long|way too long)\b|"
                                    rf"\btook (?:over |almost |nearly |more than )?{COUNT} {SPAN} (?:to|for|just)\b"),
        # Stuck somewhere the service left the author: airports, planes, trains.
        P("stuck stranded tarmac runway sitting", r"\bstranded\b|\bstuck (?:in|at|on|here|for|inside|outside|"
                                                  r"overnight)\b|\b(?:on|at) the (?:tarmac|runway)\b|\b(?:still|been|"
                                                  r"are|were|we'?re|i'?m|am) (?:sitting|stuck) (?:here|on|in|at)\b"),
        # "it's never too late to ..." denies lateness
        P("late", rf"\b{COUNT} ?{SPAN} late\b|(?<!\bnever )(?<!\bnot )\b(?:running|arrived|arriving|always|too|is|"
                  r"was|are|were) late\b(?! (?:check|checkout|booking|night|notice|fee|to\b))|\blate again\b"),
        P("connection connections connecting", r"\bmiss(?:ed|ing)? (?:my|our|the|a) (?:connections?|connecting "
                                               r"(?:flight|train))\b"),
    )),
    Cue("repeat_contact", 0.25, (
        P("again over", r"\b(?:yet again|over and over|again and again)\b"),
        P("second 2nd third 3rd fourth 4th fifth 5th umpteenth nth",
          r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|umpteenth|nth) time\b(?!'?s? (?:the |a )?(?:charm|lucky))"),
        P("time", r"\b\d+th time\b(?!'?s? (?:the |a )?(?:charm|lucky))"),
        P("calls emails mails messages tweets dms attempts tries requests chats complaints reps representatives "
          "agents", rf"\b{TIMES_COUNT} {CONTACT}\b"),
        P("times", rf"\b(?:called|contacted|emailed|messaged|asked|told|tried|tweeted|dm'?e?d|reached out|"
                   rf"complained|spoken to|spoke to|rang|phoned|explained|reported|sent|submitted|requested|chatted)"
                   rf"\b[^.!?]{{0,30}}\b{TIMES_COUNT} times\b"),
        P("second third fourth fifth 2nd 3rd 4th 5th & day days week weeks night nights morning month",
          r"\b(?:second|third|fourth|fifth|2nd|3rd|4th|5th) (?:day|week|night|morning|month)s? (?:in a row|this week|"
          r"this month|running|straight|now)\b"),
        P("twice times", r"\b(?:twice|two times|three times|\d+ times) (?:now|already|today|this (?:week|month))\b"),
        P("many", r"\bhow many (?:more )?(?:times|calls|emails|hours|days|weeks)\b"),
        P("keep keeps kept", r"\b(?:keep|keeps|kept) (?:asking|telling|saying|calling|emailing|getting|sending|"
                             r"changing|happening|giving|showing|popping|coming up)\b"),
        P("repeatedly", r"\brepeatedly\b"),
        P("every & call calling called email emailing emailed tweet tweeting message messaging contact contacting "
          "chat chatting ring ringing phone phoning",
          r"\b(?:call|email|tweet|message|contact|chat|ring|phone)(?:ing|ed)? (?:you |them |support |about this |"
          r"(?:you |them )?about (?:it|this) )?every (?:single )?(?:day|week|morning|night)\b"),
        P("already", r"\balready (?:have|had|opened|submitted|filed|raised|made|sent) (?:a |an |the |my )?(?:service "
                     r"request|request|ticket|case|complaint|claim)\b"),
        P("happen happens always keeps", r"\bhappens? (?:way |far )?too (?:often|much)\b|\b(?:this|it) (?:always|"
                                         r"keeps) happen\w*\b|\bhappens all the time\b"),
        P("called contacted emailed messaged dm dmd dmed tweeted submitted reported complained done did",
          r"\b(?:already|i'?ve|i have|we'?ve|we have) (?:already )?(?:called|contacted|emailed|messaged|dm'?e?d|"
          r"tweeted|submitted|reported|complained|done (?:that|this|so)|did (?:that|this|so))\b"),
        P("again", r"\b(?:call|contact|email|message|ask|write|explain|apply|reinstall|start) (?:you |it |this )?"
                   r"(?:all )?over again\b"),
        P("still", rf"\bstill (?:{NT}|no|nothing|waiting|getting|having|broken|down|says|shows|showing|the same|"
                   r"happening|coming up|pending|processing|missing|stuck|sitting|can'?t|won'?t|haven'?t|hasn'?t|"
                   r"didn'?t|doesn'?t|isn'?t|don'?t|unable|ignor\w+|refus\w+)\b"),
        P("again", r"\b(?:happen(?:ed|ing|s)?|broke|broken|down|crash(?:ed|ing)?|charged|failed|wrong|delayed) "
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
          rf"\b(?:{NT}|never|nothing|hasn'?t been|haven'?t been|wasn'?t|isn'?t|still not|not yet) (?:been )?"
          r"(?:resolved|fixed|solved|sorted|addressed|refunded|answered|processed|reimbursed|credited|approved|"
          r"enabled|activated|reinstated|restored|honou?red)\b"),
        P("disapproved rejected declined denied refused", r"\b(?:disapproved|rejected|declined|denied|refused)\b"),
        P("solution resolution fix luck progress success avail help",
          r"\b(?:no|without|zero) (?:solution|resolution|fix|luck|progress|success|avail|help)\b"),
        P("nobody one noone", r"\b(?:nobody|no one|noone) (?:\w+ ){0,3}?(?:help\w*|answer\w*|respond\w*|"
                              r"repl(?:y|ies|ied)|call(?:ed|s)? (?:me |us )?back|gets back|got back|picks up|"
                              r"picked up|fix\w*|assist\w*|seems to (?:know|care|help)|knows|cares|is able|was able|"
                              r"(?:can|could|will|would) (?:tell|explain|help|give))\b"),
        P("useless help helpful unhelpful helping helped",
          r"\b(?:useless|no help|not helpful|unhelpful|(?:did|does|is|was|were|could|would|will|ca|wo)(?:n'?t| not)"
          r" (?:help|helping|helped))\b(?! but)"),
        P("same still", r"\b(?:same (?:issue|problem|error)|still (?:happening|broken|an issue|a problem))\b"),
        P("everything ghosted hung hangs runaround run circles endless passed transferred",
          r"\b(?:tried everything|ghosted|hung up|hangs up|runaround|run around|going (?:round )?in circles|"
          r"endless (?:cycle|loop)|passed around|transferred (?:around|\d+ times))\b"),
        P("nothing & do try tried did", r"\bnothing (?:i|we) (?:do|try|tried|did|have tried)\b"),
        P("nothing changed happened", r"\bnothing (?:has )?(?:been )?(?:done|changed|happened|happens)\b"),
    )),
    Cue("troubleshooting", 0.35, (
        # What the author already tried: the problem outlived the usual fixes.
        P("tried trying try",
          r"\b(?:tried|trying|try) (?:\w+ )?(?:resetting|restarting|rebooting|reinstalling|uninstalling|deleting|"
          r"clearing|updating|re-?downloading|unplugging|power cycling|logging (?:out|off)|signing out|turning (?:it|"
          r"the \w+) (?:off|on)|all (?:the|that|of)|both|multiple|several|different|another)\b"),
        P("restarted rebooted reinstalled uninstalled re installed cycled cleared unplugged reset troubleshooting "
          "troubleshot steps",
          r"\b(?:restarted|rebooted|re-?installed|uninstalled|power cycled|factory reset|hard reset|cleared (?:the |"
          r"my )?(?:cache|cookies|data|history)|unplugged (?:it|the|my)|troubleshot|(?:done|did|followed|tried|"
          r"gone through) (?:all |every |each )?(?:the |of the )?(?:troubleshooting|steps?))\b"),
    )),
    Cue("broken_promise", 0.3, (
        # The service did not do what it said it would: "supposed to arrive", "I was told", "you promised".
        P("supposed meant", r"\b(?:was|were|is|are|it'?s|its|they'?re) (?:supposed|meant) to\b"),
        P("promised assured told said",
          r"\b(?:promised|assured (?:me|us)|(?:said|told (?:me|us)) (?:it|that|they|i|we|you|he|she) "
          r"(?:would|will|'d|was|were|should|could))\b|\b(?:was|were|been|got|get|getting) (?:told|promised|"
          r"assured)\b"),
        P("though although despite", r"\b(?:even though|although|despite) (?:i|we|it|my|our|the|you|they|i'?ve|"
                                     r"having|already)\b"),
        P("instead", r"\binstead of\b"),
        P("should", r"\bshould (?:have|'ve|of) (?:been|arrived|received|gotten|got|come|had)\b|\bshould (?:be|have "
                    r"been) (?:here|there|delivered|fixed|refunded|working|free|included)\b"),
        P("back broken broke promise promises", r"\b(?:taking|took|take) back (?:the |your |their |its |my "
                                                r")?(?:promise|"
                                                r"offer|deal|word)\w*\b|\bwent back on\b|\bbroken promises?\b|\bbroke "
                                                r"(?:their|your|its|the|a|my) promises?\b|\bpromises? (?:\w+ ){0,5}?"
                                                r"(?:taking|took|take) back\b"),
    )),
    Cue("outage", 0.4, (
        *(P(triggers, regex.format(rf" (?:even |seem to |always |ever )?{ACTION}\b"))
          for triggers, regex in NEG_BRANCHES),
        P("work works", r"\b(?:don'?t|do not|doesn'?t|dosn'?t|does not|never) (?:even )?works?\b"),
        P("down", r"\b(?:app|site|website|server|servers|system|network|psn|service|page|portal|login) (?:is |are |"
                  r"seems to be |seem to be |appears to be |still |went |goes |keeps going )?down\b"
                  r"(?! (?:the|to|for|a|my|your|here|there|low|payment))"),
        P("wrong", r"\bsomething went wrong\b"),
        P("causing caused causes & issues problems errors crashes", r"\b(?:causing|caused|causes) (?:\w+ )?(?:issues|"
                                                                    r"problems|errors|crashes)\b"),
        P("constant constantly ongoing recurring", r"\b(?:constant|ongoing|recurring) (?:issues|problems|errors|"
                                                   r"crashes|outages|glitches|bugs)\b"),
        P("working loading connecting responding opening syncing printing sending downloading updating charging "
          "playing showing receiving accepting functioning allowing letting",
          "|".join(lead + _FAILING_TO for lead in (r"\bnot", "n't", r"\b(?:is|are|was|were|do|does|did|ca|wo|has|"
                                                                    r"have)nt",
                                                   r"\bstop(?:ped|s)", r"\bno longer"))),
        P("non nonfunctional nonfunctioning nonfunction nonfunctions dysfunctional unusable usable inoperable "
          "unavailable worse used",
          r"\b(?:non-?function(?:al|ing|s)?|dysfunctional|unusable|less usable|inoperable|unavailable|(?:gets|getting|"
          r"got) "
          r"worse|used to (?:work|last|use|love|like|enjoy|recommend|be able to|be (?:good|great|fine|fast|"
          r"better)))\b"),
        P("back", r"\b(?:service|internet|power|wi-?fi|connection|signal|cable|tv) back\b"),
        P("out & service internet power wi fi wifi connection signal cable tv phone network",
          r"\b(?:service|internet|power|wi-?fi|connection|signal|cable|tv|phone|network) (?:is |was |went |goes |keeps "
          r"going |has been |still )?out\b(?! (?:of|for|there|to|and about))"),
        P("out & in at again all since", r"@\w+ (?:is|are|was|went|has been|is still) out (?:in|at|again|all|"
                                         r"since)\b"),
        P("throttle throttles throttled throttling", r"\bthrottl(?:e|es|ed|ing)\b"),
        P("downloaded loaded installed opened accessed verified processed completed activated redeemed connected "
          "& be", r"\b(?:could ?n'?o?t|can ?n'?o?t|cannot|won'?t|will not) be (?:downloaded|loaded|installed|opened|"
                  r"accessed|verified|processed|completed|activated|redeemed|connected)\b"),
        # Offline as a state the service fell into, not a feature ("play music offline").
        P("offline", r"\b(?:is|are|was|were|went|gone|goes|going|been|still|keeps? going|knocked|being|stays?|"
                     r"stayed) offline\b|\boffline (?:again|for|since|all day)\b"),
        P("crashes crashed crashing freezes freeze freezing froze frozen glitch glitches glitchy glitched glitching "
          "bug buggy bugfest lags lagging laggy "
          "outage outages disconnect disconnects disconnected disconnecting disconnection disconnections malfunction "
          "malfunctions malfunctioned malfunctioning unresponsive loss dropped screen blank error errors buffering",
          r"\b(?:crash(?:es|ed|ing)|freez(?:e|es|ing)|froze|frozen|glitch(?:es|y|ed|ing)?|bug|buggy|bugfest|"
          r"bug-ridden|lags|"
          r"lagging|laggy|outages?|disconnect(?:s|ed|ing|ions?)?|malfunction(?:s|ed|ing)?|unresponsive|packet loss|"
          r"dropped calls?|black screen|"
          r"blank (?:page|screen|recordings?)|error (?:code|message)|(?:an?|the|this|that|get(?:ting)?|got|keep "
          r"getting) errors?|(?:keeps?|just|always|constantly|still) buffering)\b"),
        P("error errors", r"\berror\s?[:#]?\s?(?:[a-z]{1,3}-?)?\d"),
        P("issue issues", r"\b(?:an?|the|this|that|these|same|my|our|having|have|had|has|experiencing|any|technical|"
                          r"connection|connectivity|login|log-?in|billing|network|account|some|known|server|service|"
                          r"battery|sync|payment|delivery) issues?\b(?! with that)"),
        P("keep keeps kept", r"\b(?:keeps?|kept) (?:crashing|freezing|dropping|loading|pausing|restarting|rebooting|"
                             r"disconnecting|logging (?:me )?out|buffering|failing|dying|shutting|turning off|"
                             r"stopping|kicking)\b|\b(?:keeps?|kept) (?:giving|showing|throwing) (?:me )?(?:the |an? |"
                             r"this |that )?(?:following |same )?(?:message|error|notification|pop ?-?up|screen|"
                             r"warning)s?\b"),
        P("let allow", r"\b(?:you|it|they|app|site|system|website) (?:don'?t|do not) (?:even )?(?:let|allow) (?:me|"
                       r"us)\b"),
        P("working", r"\b(?:was|were) working (?:fine |perfectly |great |ok |okay )?(?:until|till|before|yesterday|"
                     r"last|a "
                     r"few|an hour|this morning|earlier|\d+)\b"),
        P("now & this", r"\band now this\b"),
        P("kicks kicked kick logs logged removes removed throw throws threw & out off from", r"\b(?:kicks?|kicked|"
                                                                                             r"logs?|logged|removes?|"
                                                                                             r"removed|throws?|"
                                                          r"threw) (?:me|us) (?:out|off|from)\b"),
        P("down", r"\b(?:is|are|was|were|been|being|still|currently|it'?s)\s+down\b(?! (?:to|for (?:it|that|this)|"
                  r"with))|\b(?:is|are) (?:\w+ ){1,2}down\?|\bdown (?:again|for (?:hours|days|\d+)|all day)\b"),
        P("down", r"\b(?:sites?|servers?|apps?|systems?|networks?|services?|website|internet|wi-?fi|power|psn|"
                  r"xbox live) (?:is |are |was |were |has |have |went |keeps going |goes |going )?down\b"),
        P("slow", r"\b(?:(?:very|so|really|too|super|extremely|incredibly) slow|slow (?:speeds?|internet|connection|"
                  r"service))\b"),
        P("no without & service signal internet connection wi fi wifi power sound audio data dial tone dialtone tv "
          "cable "
          "phone heat hot water", r"\b(?:no|without) (?:service|signal|internet|connection|wi-?fi|power|sound|audio|"
                                  r"data|"
                        r"dial ?tone|tv|cable|phone service|heat|hot water|water)\b"),
        P("trouble problem problems difficulty difficulties issues",
          r"\bhaving (?:trouble|problems?|issues|difficult(?:y|ies))\b|\b(?:trouble|problems?|difficult(?:y|ies)) "
          r"(?:with(?! (?:theirs|his|hers)\b)|buying|logging|getting|connecting|accessing|using|paying|ordering|"
          r"signing|downloading)\b"),  # trouble "with his" is someone else's
        P("until till til", r"\bnever (?:had|seen|experienced) (?:a |an |any |such )?(?:\w+ )?(?:problems?|issues?|"
                            r"trouble)\b[^.!?]{0,30}\b(?:until|till|til)\b"),
        P("blank black crapped conked bricked", r"\b(?:comes out|came out|shows|showing|goes|went|is|turns) blank\b|"
                                                r"\b(?:goes|going|went|turns|turned) black\b|"
                                                r"\b(?:crapped|conked) out\b|\bbricked\b"),
        P("broken broke", r"\b(?:is|are|was|were|got|it'?s|still|arrived|came|totally|completely|now) broken\b|"
                          r"\bbroken (?:seats?|screens?|links?|apps?|website|phone|tv|box|system|toilet|lavatory|"
                          r"bathroom|outlets?|armrest|tray)\b|\b(?:update|it|app|you|which|that) broke\b"),
        P("drain drains draining drained", r"\b(?:battery|phone|it) (?:\w+ )?drain(?:s|ing|ed)?\b|\bdrains? (?:my|the) "
                                           r"battery\b"),
        P("nothing none", r"\b(?:nothing|none of (?:it|them|the \w+)) (?:works|is working|loads|plays|happens)\b"),
        P("everytime time whenever anytime", r"\b(?:every ?time|whenever|any ?time|each time) (?:i|we) (?:try|tried|"
                                             r"go|open|click|log|sign|attempt|use|want|put|enter|select)\b"),
        # "can't wait any more" is eagerness or impatience, never something that stopped working
        P("anymore more", r"(?:\b(?:not|no|never|cannot)|n't)\b(?! wait\b)[^.!?]{0,40}\bany ?more\b"),
        P("there", r"\b(?:is|are|was|were)(?:n'?t| not) (?:even )?there\b(?! (?:for|yet|any|a |an |to))|"
                   r"\bit'?s not there\b"),
        P("gone", r"\b(?:it'?s|is|are|was|were|has|have|now) (?:just |all |now |completely )?gone\b"),
        P("missing disappeared vanished gone", r"\b(?:my|our|the|your|all) (?:\w+ ){1,2}(?:is|are|was|were|has|"
                                               r"have|has been|have been|went|has gone) (?:missing|disappeared|"
                                               r"vanished|gone)\b|\b(?:has|have|just|suddenly) disappeared\b"),
    )),
    Cue("account_access", 0.35, (
        P("hacked locked lock suspended deactivated disabled banned terminated compromised hijacked pirated",
          r"\b(?:hacked|locked out|lock(?:ed)? (?:me )?out|suspended|deactivated|disabled|banned|terminated|"
          r"compromised|hijacked|pirated)\b"),
        P("someone somebody", r"\b(?:someone|somebody) (?:\w+ ){0,5}?(?:has |had |just |else |is )?(?:signed|logged|"
                              r"hacked|got into|used|using|keeps trying|changed|accessed|stole)\b"),
        P("restore reinstate unblock unban unlock unsuspend reactivate",
          r"\b(?:restore|reinstate|unblock|unban|unlock|unsuspend|reactivate) (?:my|our)\b"),
    )),
    Cue("non_delivery", 0.4, (
        P("arrive arrived receive received delivered shipped dispatched come came turned showed shown sent send got "
          "gotten & t not never hasnt havent didnt wasnt werent isnt",
          r"\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not|never|still not|not yet|wasn'?t|was not|"
          r"weren'?t|isn'?t|not) (?:been )?(?:arrived?|received?|delivered|shipped|dispatched|come|came|turned up|"
          r"showed up|shown up|sent|send)\b|\bnever (?:got|gotten)\b"),
        P("where wheres", rf"\bwhere(?:'s| is| are|s| did) (?:my|our|the) {GOODS}\b"),
        P("lost missing stolen damaged wrong late delayed incomplete cold",
          rf"\b(?:lost|missing|stolen|damaged|wrong|late|delayed|incomplete|cold) (?:my |our |the )?{GOODS}\b"),
        P("lost missing stolen damaged", r"\b(?:lost|missing|stolen|damaged) (?:all (?:of )?)?(?:my|our)\b"),
        P("give", r"\bgive (?:me|us) (?:back )?(?:my|our)\b"),
        P("account balance wallet library", r"\b(?:not|isn'?t|wasn'?t|never|aren'?t|weren'?t) (?:showing |appearing "
                                            r"|showing up )?(?:on|in) (?:my|our) (?:account|balance|wallet|library)\b"),
        P("never", r"\bnever (?:gonna|going to|will) (?:receive|get|arrive|come|see)\b"),
        P("lost missing late delayed stolen damaged never stuck",
          r"\b(?:order|package|parcel|delivery|bag|luggage|baggage|suitcase|item|shipment)s? (?:is |was |has been "
          r"|are |were )?(?:lost|missing|late|delayed|stolen|damaged|never|stuck)\b"),
        P("make", r"\b(?:bags?|luggage|baggage|suitcases?) (?:didn'?t|did not|never|still hasn'?t|won'?t) make it\b"),
        P("delivered", r"\b(?:marked|shows?|showing|says?) (?:as )?delivered\b"),
        P("wrong", r"\bwrong (?:address|item|order|size|colou?r|product|one|person)\b"),
        # Only part of what was due came: "only received one of the two confirmations", "... but not the other".
        P("only & received got delivered sent", r"\bonly (?:received|got|delivered|sent(?: me| us)?) (?:\w+ ){0,5}?"
                                                r"(?:one|half|part|some) of\b"),
        P("other", r"\bbut not (?:for |from |on )?the other\b"),
    )),
    Cue("billing", 0.4, (
        P("charged billed charging billing",
          r"\b(?:charged|billed|charging|billing) (?:me |us |my \w+ )?(?:twice|double|two times|\d+ times|again|"
          r"extra|wrong|incorrectly|more|for (?:something|an? \w+ (?:i|we) (?:didn'?t|did not|never)))\b"),
        P("double doublecharged doublebilled doublecharge doublecharges doublebilling over overcharge overcharged "
          "overcharges overcharging",
          r"\bdouble[- ]?(?:charged|billed|charges?|billing)\b|\bover ?-?charg(?:e|ed|es|ing)\b"),
        P("charged billed debited", r"\b(?:being|been|got|getting|keep getting|still|i was|we were) (?:charged|billed|"
                                    r"debited)\b"),
        P("paid payed twice rebuy again", r"\balready (?:paid|payed) (?:for|twice)\b|\b(?:pay|paid|charged) "
                                          r"(?:for (?:it|this) )?twice\b|\brebuy\b|\bbuy (?:it|this|the game) again\b"),
        P("refund refunds refunding reimburse reimbursement chargeback chargebacks back backs money",
          r"\b(?:refunds?|refunding|reimburse|reimbursement|charge ?backs?|money back|my money|our money)\b"),
        P("unauthorized unauthorised fraudulent hidden surprise extra unexpected pending bogus duplicate wrong false "
          "incorrect",
          r"\b(?:unauthori[sz]ed|fraudulent|hidden|surprise|extra|unexpected|pending|bogus|duplicate|wrong|false|"
          r"incorrect) "
          r"(?:charges?|fees?|payments?|transactions?|debits?|bill|billing)\b"),
        P("doubled went increased wrong incorrect", r"\b(?:bill|invoice|charge|fee|price|payment) (?:has |have )?"
                                                    r"(?:almost |nearly )?(?:doubled|went up|increased|is wrong|"
                                                    r"was wrong|incorrect)\b"),
        P("money", r"\b(?:took|take|taking|stole|steal|keep|keeping|holding|deduct\w*) (?:my|our|the) money\b"),
        P("money funds & off from out", r"\b(?:money|funds) (?:off|from|out of) (?:my|our) (?:card|account|bank|"
                                        r"wallet|balance)\b"),
        P("charged charging", r"\bcharg(?:ed|ing) (?:me|my|us|our)\b"),
        P("pay paid paying & what", r"\bwhat (?:i|we) (?:pay|paid|am paying|are paying) for\b"),
        P("bill statement invoice", r"\b(?:bill|statement|invoice)\b[^.!?]{0,30}\b(?:charges?|fees?)\b"),
        P("raised raising increased hiked jacked & price prices rate rates fee fees bill premium subscription",
          r"\b(?:raised|raising|increased|hiked|jacked up) (?:the |my |our |your )?(?:prices?|rates?|fees?|bill|"
          r"premium|"
          r"subscription)\b"),
        P("deduct deducted deducting deducts", r"\bdeduct(?:ed|ing|s)? (?:my|our|from|money|\$|credit|balance|"
                                               r"airtime|data)"),
        P("paid", r"\bpaid (?:extra|more|double)\b"),
        P("additional extra", r"\b(?:additional|extra) (?:\$|£|€)\s?\d"),
        P("yet still", r"\b(?:i|we) (?:pay|paid|am paying|are paying)\b[^.!?]{0,40}\b(?:and yet|yet|and still)\b"),
        P("instead", r"\binstead of (?:(?:\$|£|€|ksh|rs\.?|inr|usd)\s?\d|\d[\d,.]*\s?(?:ksh|usd|dollars|bucks|"
                     r"euros?|pounds|gbp|eur)\b)"),
    )),
    Cue("cancellation", 0.35, (
        P("cancelled canceled overbooked bumped diverted",
          r"\b(?:flight|order|booking|reservation|appointment|train|trip|delivery|tickets?|show|event|installation|"
          r"install|visit|ride) (?:was |has been |got |is |were |have been |just got )?(?:cancell?ed|overbooked|"
          r"bumped|diverted)\b"),
        P("cancelled canceled bumped", r"\b(?:they|you|u|y'?all|has|have) (?:just )?(?:cancell?ed|bumped) (?:my|our|me|"
                                       r"us)\b"),
        P("show noshow", r"\bno-?show\b"),
        P("cancelled canceled cancellation cancellations",
          r"\bcancell?ed (?:my |our |the )?(?:flight|train|trip|order|booking|reservation)|\b(?:flight|train|"
          r"last[- ]minute|another) cancell?ations?\b"),
        P("cancelling canceling", r"\bcancell?ing (?:my|our) (?:flight|train|order|booking|reservation|trip|"
                                  r"appointment|ride)\b"),
        P("rebook rebooked rebooking", r"\brebook\w*\b[^.!?]{0,40}\b(?:tomorrow|next (?:day|morning|week)|overnight|"
                                       rf"{COUNT} (?:hours|days) later)\b"),
    )),
    Cue("defective", 0.4, (
        # Goods that arrived bad: "found plastic in my food", "arrived damaged", "mouldy", "faulty charger".
        P("plastic hair glass metal bone mould mold insect worm fly cockroach bug staple",
          r"\b(?:found|find|there was|there'?s|there is|had|got|bit(?:ten)? (?:on|into)) (?:a |an |some |this |that "
          r"|these |(?:lovely|nice|little|tiny|small|big|huge|large|long) |(?:a )?pieces? of |bits? of )*"
          r"(?:plastic|hair|glass|metal|bone|mou?ld|insect|worm|fly|cockroach|bug|staple)s?\b"),
        P("mouldy moldy rotten stale expired undercooked spoiled spoilt date defective faulty dented leaking",
          r"\b(?:mou?ldy|rotten|stale|expired|undercooked|spoil(?:ed|t)|out of date|defective|faulty|dented|"
          r"leaking)\b"),
        P("arrived came delivered", r"\b(?:arrived|came|delivered) (?:\w+ )?(?:damaged|cracked|broken|smashed|crushed|"
                                    r"torn|opened|ripped|wet|crumpled|empty|incomplete)\b"),
        P("pieces shattered", r"\bin pieces\b|\bshattered\b"),
        P("this", r"\bwhat(?:'s| is) this (?:in|on) (?:my|our)\b"),
    )),
    Cue("left_without", 0.35, (
        # What the author went without: amenities, information, an apology. Outages of service are in "outage".
        P("food drink drinks snack snacks entertainment screen screens outlet outlets blanket blankets pillow pillows "
          "c "
          "aircon air apology apologies explanation communication information info announcement announcements "
          "compensation voucher vouchers hotel meal meals assistance staff agent agents one notice warning "
          "notification "
          "receipt tracking & no zero without single sign even",
          r"\b(?:no|zero|without|without any|not even an?|not a single|no sign of|without so much as an?) "
          r"(?:food|drinks?|snacks?|entertainment|screens?|outlets?|blankets?|pillows?|a/?c|air ?con(?:ditioning|"
          r"ditioner)?|apology|"
          r"apologies|explanation|communication|information|info|announcements?|compensation|vouchers?|hotel|"
          r"meals?|assistance|staff|agents?|gate agents?|one at the (?:desk|counter|gate)|notice|warning|"
          r"notification|receipt|tracking)\b"),
        P("without", r"\bwithout (?:telling|informing|notifying|asking|warning|letting|consulting|any notice|"
                     r"(?:any )?explanation)\b"),
        # What the brand ran out of or left out: "they were out of rice", "someone forgot to include the sauce".
        P("out", r"\b(?:ran|run|running|they were|they'?re|they are|there|there'?s|you were|you'?re|you are|were|was) "
                 r"(?:completely |totally |all |always |still )?out of (?:\w+ )?(?:stock|guac\w*|food|chicken|beef|"
                 r"steak|rice|chips|forks|spoons|napkins|cups|ice|milk|bread|seats|rooms|cars|tickets|sizes?)\b"),
        # What the brand stopped offering: "why have you discontinued ...", "you stopped selling ...".
        P("discontinued discontinue stopped", r"\b(?:discontinued|discontinue|stopped (?:selling|stocking|making|"
                                              r"carrying|offering))\b"),
        P("forgot forgotten forget", r"\b(?:you|u|y'?all|they|he|she|someone|staff|driver|who|store) (?:\w+ )?"
                                     r"(?:forgot|forgotten|forget) (?:to|my|our|the)\b"),
    )),
)

CUES: tuple[Cue, ...] = SERVICE_CUES + TONE_CUES
