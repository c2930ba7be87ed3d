"""The tone cues of the complaint-aware scorer: sarcasm, anger, verdicts, threats to leave or escalate, accusations.

What went wrong (waiting, outages...) is in monitor/_cues.py, which joins both tables. The pattern format and the
trigger-word gating are described in monitor/_cue_base.py.
"""
from __future__ import annotations

from monitor._cue_base import FAILING, FAILING_WORDS, Cue, P

_PRAISE = r"(?:great|good|nice|fantastic|brilliant|excellent|awesome|amazing|wonderful|stellar|superb|terrific)"
_PRAISE_WORDS = "great good nice fantastic brilliant excellent awesome amazing wonderful stellar superb terrific"

_FOR_FAILING = (rf"(?: (?:so much|a lot|again|very much|guys|y'?all))?,? (?:@\w+ ,?)?(?:for|on)? ?{FAILING}\b"
                r"(?![- ]?free)")
# What may follow a negation without making it a complaint: "not sure", "can't wait", "never disappoint", "not merely
# a thriller but ..."; also after an adverb ("can't really complain", "never even hesitate"), though "can't really be
# used" stays a complaint. Round 10: what the author has not got or tried, and a short answer ("Not yet, but I will").
_NOT_A_PROBLEM = (r"\s+(?!(?:(?:really|even|truly|honestly|quite) (?!be\b))?(?:only|just|merely|simply|least|bad|too|"
                  r"sure|worry|wait|a problem|an issue|that|so|as|be|mind|care|know|think|forget|hesitate|miss|stop|"
                  r"doubt|beat|imagine|get enough|say enough|recommend|complain|go back|going back|regret|disappoint|"
                  r"let (?:you|me|us) down|put (?:it|this|them) down|give (?:it|this|them) up|trade|have to|need to|"
                  r"hurt|fail(?:s|ed)?|ask for|compare|tell|tried|"
                  # what the author has not got or done ("I don't have a printer", "haven't tried the app"), though
                  # lacking patience or a clue is a complaint
                  r"have (?:a|an|any|the) (?!patience|time|nerve|guts|clue|decency|courtesy)\w+)\b|"
                  # a short answer: "Not yet, but I will", "Not really!"
                  r"(?:yet|really|much|at all|quite|exactly|necessarily)(?:\s*[.!?,;:)]|\s+but\b|\s*$))(?:\w+ )?\w+")

# What a brand did to the author, after "you" or "your team": "you lost my bag", "your driver cancelled my ride".
_DID_WRONG_WORDS = ("moved changed switched lost cancelled canceled charged overcharged gave took deleted removed "
                    "broke "
                    "ruined messed screwed "
                    "ignored closed blocked banned suspended deactivated refused denied failed forgot kicked hung "
                    "stole "
                    "lied sent ripped wasted downgraded bumped stranded misplaced damaged overbooked double left keep")
_DID_WRONG = (r"\s+(?:just |have |had |has |then |also |literally |clearly |obviously |basically |completely |never )?"
              r"(?:lost|cancell?ed|charged|overcharged|moved (?:me|us|my|our)|changed (?:my|our)|switched (?:me|us|my|"
              r"our)|gave (?:my|our|away)|took (?:my|our|away)|deleted|removed|broke|"
              r"ruined|messed|screwed|ignored|closed|blocked|banned|suspended|deactivated|refused|denied|failed|forgot|"
              r"kicked|hung up|stole|lied|sent (?:me |us )?(?:the )?wrong|ripped|wasted|downgraded|bumped|stranded|"
              r"misplaced|damaged|overbooked|double booked|left (?:me|us|my|our)|keep (?:sending|charging|cancell?ing|"
              r"ignoring|changing))\b")

_FIX = r"(?:fix|correct|rectify) (?:it|this|that|the|your|my|our|these|those)\b"

TONE_CUES: tuple[Cue, ...] = (
    Cue("deception", 0.4, (
        P("lie lies lied lying", r"\b(?:a|your|their|such|total|blatant|big|outright|complete|that'?s a|it'?s a|is a) "
                                 r"lies?\b|\b(?:you|u|y'?all|they|you guys) (?:all |just )?(?:lie|lied|are lying|"
                                 r"'re lying)\b"),
        P("counterfeit scam scams scammed scammer scammers scamming scammy fraud frauds fraudulent fraudster "
          "fraudsters misleading mislead misled false bait rip ripoff ripped lied lying liar liars stole stolen thief "
          "thieves crook crooks robbed robbery extort extorts extorted extorting extortion extortionate price "
          "pricegouging pricegouge pricegouged pricegouger pricegougers",
          r"\b(?:counterfeit|scam(?:s|med|mers?|ming|my)?|fraud(?:s|ulent|sters?)?|misleading|mislead|misled|false "
          r"advertising|bait and switch|"
          r"rip ?-?off|ripped (?:me )?off|lied|lying to|liars?|stole|stolen|thie(?:f|ves)|crooks?|robbed|robbery|"
          r"extort(?:s|ed|ing|ion|ionate)?|price[- ]?goug(?:e|es|ed|ing|ers?))\b"),
    )),
    Cue("churn_intent", 0.5, (
        P("account subscription service membership contract plan card prime policy line & cancel cancels cancelling "
          "canceling cancelled canceled cancellation close closing terminate terminating end ending drop dropping quit "
          "quitting",
          r"\b(?:cancel(?:l?ing|l?ed|lation|s)?|close|closing|terminate|terminating|end|ending|drop|dropping|quit|"
          r"quitting) (?:my|our|"
          r"the) (?:account|subscription|service|membership|contract|plan|card|prime|policy|line)\b"),
        # Someone who switches ("switching to X" opening a post counts), not a feature one can switch to ("the option
        # to switch to dark mode").
        P("switch switching switched moving port porting ship",
          r"(?:^|[.!?] |@\w+ |\b(?:i|we|i'?m|im|we'?re|i'?ve|we'?ve|i'?ll|we'?ll|i'?d|we'?d|just|considering|"
          r"thinking (?:of|about)|"
          r"(?:forced|going|about|ready|time|want|need|decided|plan|planning|have|had) to|gonna|wanna|will|might|"
          r"may|should) (?:\w+ )?)(?:switch(?:ing|ed)?|moving|port(?:ing)?|jump(?:ing)? ship) (?:over |back )?to\b"
          r"(?! (?:you|u|your)\b)"),
        P("looking", r"\blooking (?:around )?(?:for|at) (?:an? )?(?:new|different|another|other|alternative)\b"),
        P("alternative alternatives around", r"\b(?:looking|searching) (?:around )?(?:for|at) alternatives?\b|"
                                             r"\bstarting to look around\b"),
        P("ends expires up runs & contract subscription plan membership lease", r"\b(?:contract|subscription|plan|"
                                                                                r"membership|lease) (?:ends|expires|"
                                                                                r"is up|"
                                  r"runs out)\b"),
        P("renew renewal renewing renewed renews use using fly flying buy buying order ordering shop shopping book "
          "booking recommend recommending recommended recommends return returning returned returns back & won wont not "
          "never longer",
          r"\b(?:won'?t|will not|not going to|never going to|never gonna|not gonna|no longer) (?:be )?(?:renew(?:al|"
          r"ing|ed|s)?|"
          r"use|using|fly|flying|buy|buying|order|ordering|shop|shopping|book|booking|recommend(?:ing|ed|s)?|"
          r"return(?:ing|ed|s)?|"
          r"back)\b"),
        P("never", r"\bnever (?:again|flying|using|buying|ordering|shopping|booking|recommending)\b"
                   r"(?! (?:with )?(?:anyone|anybody|any other|anything|another \w+) else\b)"),
        P("lost losing", r"\b(?:lost|losing) (?:me|a|another|one|my|\d+|two|three|four|five|a few|several|your|many) "
                         r"(?:as a )?(?:loyal )?(?:customers?|clients?|business)\b"),
        P("elsewhere else somewhere", r"\b(?:take|taking) (?:my|our) (?:business|money) (?:elsewhere|else where|"
                                      r"somewhere else)\b"),
        P("done finished through", r"\b(?:i'?m|im|i am|we'?re|we are|i'?m so|am) (?:so |officially |really )?"
                                   r"(?:done|finished|through) with (?:you|u|ya|y'?all|your|them)\b"),
        P("contemplating considering thinking about ready going & ending end cancel cancelling canceling cancelled "
          "canceled cancellation leave leaving switch switching dropping drop moving closing close",
          r"\b(?:contemplating|considering|thinking (?:of|about)|about to|ready to|going to) (?:ending|end|"
          r"cancel(?:l?ing|l?ed|lation)?|leav(?:e|ing)|switch(?:ing)?|dropping|drop|moving|closing|close)\b"),
        P("recommend", r"\b(?:don'?t|do not|wouldn'?t|would not|won'?t|will not|never|cannot|can'?t) recommend\b"
                       r"(?! (?:\w+ )?(?:enough|highly|more))"),
        P("another different competing", r"\bgo(?:ing)? (?:to |with )?(?:another|a different|a competing) "
                                         r"(?:brand|provider|company|carrier|bank|airline|store|service|isp)\b"),
        P("cost", r"\bcost (?:you|u|y'?all) (?:a |an |my |our |\w+ )?(?:customers?|clients?|business|thousands?|"
                  r"sales?|\$)"),
        P("done finished through", r"\b(?:done|finished|through) with (?:you|u|ya|y'?all)\b"),
        P("time & fly flying use using book booking buy buying order ordering shop shopping travel",
          r"\b(?:last|final) time (?:i|we|i'?ll|we'?ll|i will|we will|i'?m|we'?re|ever) (?:\w+ )?(?:fly|flying|use|"
          r"using|"
          r"book|booking|buy|buying|order|ordering|shop|shopping|travel)\b"),
        P("never & fly use buy order shop book recommend return travel",
          r"\b(?:will|would|'ll|i|we) never (?:\w+ )?(?:fly|use|buy|order|shop|book|recommend|return|travel)\b"
          r"(?! (?:with )?(?:anyone|anybody|any other|anything|another \w+) else\b)"),
        P("another different new other & needed instead now next",
          r"\b(?:another|a different|a new|other) (?:airline|carrier|provider|bank|isp|network|company)s? "
          r"(?:\w+ ){0,3}?(?:needed|instead|from now on|next time)\b"),
        P("now", r"\b(?:fly|flying|go|going|stick|sticking|book|booking|shop|shopping|bank|banking|stay|staying) with "
                 r"(?:@?\w+ ){1,2}from now on\b"),
        P("straw time", r"\b(?:last|final) straw\b|\btime to (?:switch|find a new|look for|leave|cancel)\b"),
        P("never & coming going", r"\bnever (?:be )?(?:coming|going) back\b"),
        P("closed cancelled canceled deleted terminated & want need",
          r"\b(?:want|need) (?:my|our) (?:\w+ ){0,2}?(?:account|subscription|membership|contract|card|service) "
          r"(?:closed|cancell?ed|deleted|terminated)\b"),
    )),
    Cue("escalation", 0.45, (
        P("escalate escalated escalation escalating supervisor manager bbb better ftc fcc ombudsman trading attorney "
          "lawyer solicitor legal lawsuit sue suing claims regulator consumer file filing lodge lodging formal "
          "report",
          r"\b(?:escalat(?:e|ed|ion|ing (?:this|it|my|the|to))|supervisor|manager|bbb|better business bureau|ftc|"
          r"fcc|ombudsman|trading standards|attorney|lawyer|solicitor|legal action|lawsuit|sue|suing|small claims|"
          r"regulator|consumer (?:protection|affairs|rights)|(?:file|filing|lodge|lodging) a (?:formal )?complaint|"
          r"formal complaint|report (?:you|this|them|it) to)\b"),
        P("human person", r"\b(?:speak|talk) (?:to|with) (?:a|an actual|a real) (?:human|person)\b"),
    )),
    Cue("sarcasm", 0.45, (
        P("nothing", r"\bthanks? (?:a lot |so much |again )?for nothing\b"),
        P("not & job work service going",
          rf"\b{_PRAISE} (?:job|work|service|customer service|going)\b\W{{0,6}}\bnot\b"),
        P("not sarcasm ohgreat thanksfornothing", r"#not\b|#sarcasm\b|#ohgreat\b|#thanksfornothing\b"),
        P("waiting being sitting standing getting losing wasting paying", r"\b(?:love|loving|enjoy|enjoying|adore) "
                                                                          r"(?:waiting|being on hold|sitting|standing|"
                                                                          r"being stuck|being delayed|getting charged|"
                                                                          r"being charged|losing|being ignored|wasting|"
                                                                          r"paying)\b"),
        # Praise for what the brand did wrong: "love how you cancel my flight", "appreciate you stranding us".
        P("love loving appreciate enjoy enjoying adore glad & cancel cancels cancelled canceled cancelling canceling "
          "lost lose losing delay delays delayed delaying strand strands stranded stranding overcharge overcharged "
          "overcharging ignore ignored ignoring overbook overbooked bump bumped hung hang misplace misplaced damage "
          "damaged broke break",
          r"\b(?:love|loving|appreciate|enjoy|enjoying|adore|glad) (?:how |that |when |it when )?(?:you|u|y'?all|they) "
          r"(?:\w+ )?(?:cancel(?:s|l?ed|l?ing)?|lost|lose|losing|delay(?:s|ed|ing)?|strand(?:s|ed|ing)?|"
          r"overcharg(?:e|ed|ing)|ignor(?:e|ed|ing)|overbook(?:ed)?|bump(?:ed)?|hung up|hang up|misplaced?|"
          r"damag(?:e|ed)|broke|break)\b"),
        # "Nothing says Halloween like $3 burritos" is sincere; only a failure after "like" makes it irony.
        P("says said & nothing nobody no",
          rf"\bnothing says (?:\w+ ){{1,4}}?like (?:\w+ ){{0,4}}?(?:{FAILING}|hold|queues?|outages?|errors?|"
          r"crash(?:es)?|fees?|charges?|lines?|no \w+|being \w+|getting \w+)\b|\bsaid (?:no one|nobody|no-one)\b"),
        P("oh ah", r"\b(?:oh|ah) (?:great|good|joy|perfect|wonderful|brilliant|fantastic|lovely)\b"),
        P("that thats & comforting great nice fun helpful", r"\bso (?:that'?s|thats) (?:comforting|great|nice|fun|"
                                                            r"helpful)\b"),
        P("joke funny", r"\bwhat a joke\b|\bhow funny\b"),
        # Thanks or praise for a failure: "thanks for the 3 hour delay", "great job losing my bag".
        P(f"thanks thank thx ty & {FAILING_WORDS}", rf"\bthank(?:s| you)?{_FOR_FAILING}|\bthx{_FOR_FAILING}|"
                                                    rf"\bty{_FOR_FAILING}"),
        P(f"job work way & {FAILING_WORDS}", rf"\b{_PRAISE} (?:job|work){_FOR_FAILING}|\bway to go{_FOR_FAILING}"),
        P("help funny", r"\bhow (?:much |exactly |is |does )?(?:does )?(?:that|this) help\b|\bfunny how\b"),
        P("\U0001F643*", "\U0001F643"),  # upside-down face: in complaints it marks irony
    )),
    Cue("frustration", 0.35, (
        P("smh ugh ughh ughhh ughhhh ughhhhh wtf fml ffs omfg jfc fed stand screwed messed messes messing "
          "inconvenienced sick tired "
          "enough unbelievable "
          "again",
          r"\b(?:smh|ugh{1,5}|wtf|fml|ffs|omfg|jfc|fed up|can'?t stand|screwed up|mess(?:ed|es|ing) up|inconvenienced|"
          r"sick (?:and tired )?of|had enough|"
          r"unbelievable|fail(?:ed)? again)\b"),
        P("heck hell fuck f", r"\bwhat the (?:heck|hell|fuck|f\*+|eff)\b|\bf\*+ (?:it|this|that|you|off)\b"),
        P("nope nooo*", r"#nope\b|\bno{4,}\b"),
        # calling out for an answer: "Hello???", "HELLOOOO", "can I get help already??"
        P("hello*", r"\bhell(?:o{3,}\b|o+\s*\?{2,})"),
        P("already", r"\b(?:help|reply|answer|respond|fix it|fixed|refund) already\b"),
        P("really", r"\breally\s*(?:@\w+\s*)*\?{2,}"),
        P("fail killing ass", r"\b(?:customer service|service|epic|major|big|total|massive) fail\b|\byou'?re killing "
                              r"me\b|\bmy ass\b"),
        P("tired", r"(?<!\bnever get )(?<!\bnever )(?<!n't get )(?<!\bnot )\b(?:so )?tired of\b"),
        P("fail* seriously", r"#(?:fail|epicfail|\w*servicefail|\w*fail\b)|\bseriously\?"),
        P("dare god christ pete heaven fuck", r"\bhow dare (?:you|they|u)\b|\bfor (?:the love of )?(?:god|christ|"
                                              r"pete|heaven|fuck)'?s?(?: sake)?\b"),
        P("better", r"\b(?:better than this|expected (?:more|better)|should (?:be|do|know) better|do better)\b"),
        P("care", r"\b(?:you|they|y'?all|u|nobody|no one) (?:clearly |obviously |just |really |even )?(?:don'?t|"
                  r"do not|doesn'?t|does not|couldn'?t|could not) care\b|\b(?:do|does) (?:you|anyone|anybody|"
                  r"y'?all) (?:even |actually |really )?care\b"),
        P("how", r"\bhow (?:is|are|was|were) (?:this|these|that|those)\b"),
        P("treat", r"\b(?:is (?:this|that) |this is |that'?s |is )?how you treat\b"),
        P("point possible acceptable okay ok fair legal", r"\b(?:what'?s|whats|what is) the point\b|\bhow (?:is|was) "
                                                          r"(?:it|this|that) (?:possible|acceptable|okay|ok|fair|"
                                                          r"legal)\b"),
        P("frustrate frustrated frustrates frustrating frustration frustrations annoy annoys annoyed annoying "
          "annoyance disappoint disappoints disappointed disappointing disappointment disappointments pissed livid "
          "furious fuming irritate irritated irritates irritating irritation infuriate infuriated infuriates "
          "infuriating aggravate aggravated aggravates aggravating aggravation exasperate exasperated exasperates "
          "exasperating exasperation upset angry mad disgusted grossed",
          r"(?<!\bnever )(?<!\bnot )(?<!n't )(?<!n't be )\b(?:frustrat(?:e|ed|es|ing|ions?)|annoy(?:s|ed|ing|ance)?|"
          r"disappoint(?:s|ed|ing|ments?)?|pissed|livid|furious|fuming|irritat(?:e|ed|es|ing|ion)|infuriat(?:e|ed|es|"
          r"ing)|"
          r"aggravat(?:e|ed|es|ing|ion)|exasperat(?:e|ed|es|ing|ion)|(?:so|very|really|extremely) upset|"
          r"angry|mad at|disgusted|grossed out)\b"),
        P("much ask hard", r"\b(?:too much to ask|is that so hard|is it so hard|how hard is it)\b"),
        # eye-roll, steam from nose, pouting, cursing, facepalm, unamused, angry, thinking ("hmm")
        P("\U0001F644* \U0001F624* \U0001F621* \U0001F92C* \U0001F926* \U0001F612* \U0001F620* \U0001F914* \U0001F611*",
          "[\U0001F644\U0001F624\U0001F621\U0001F92C\U0001F926\U0001F612\U0001F620\U0001F914\U0001F611]"),
    )),
    Cue("verdict", 0.35, (
        # The author's judgement of the service; VADER knows most of these words, but praise elsewhere in the text
        # (courtesy, irony) can outweigh them unless the text is read as a complaint.
        P("ridiculous unacceptable absurd pathetic disgraceful disgrace appalling shameful shameless outrageous "
          "disgusting laughable worst",
          r"\b(?:ridiculous|unacceptable|absurd|pathetic|disgrace(?:ful)?|appalling|shameful|shameless|outrageous|"
          r"disgusting|laughable|worst)\b"),
        P("terrible horrible awful dreadful atrocious abysmal lousy poor bad",
          r"\b(?:terrible|horrible|awful|dreadful|atrocious|abysmal|lousy|poor|bad) (?:customer service|service|"
          r"support|"
          r"experience|communication|management|quality|airline|company|app|website|connection|reception)\b"),
        P("terrible horrible awful dreadful atrocious abysmal lousy & service support experience app company website "
          "site airline",
          r"\b(?:service|support|experience|app|company|website|site|airline) (?:is|was|has been|have been|are|were) "
          r"(?:so |really |absolutely |just |truly |still )?(?:terrible|horrible|awful|dreadful|atrocious|abysmal|"
          r"lousy)\b"),
        P("acceptable ok okay enough fair unfair", r"\b(?:not|isn'?t|is not|wasn'?t) (?:acceptable|ok|okay|good "
                                                   r"enough|fair)\b|"
                                            r"\bunfair\b"),
        P("stars star", r"\b(?:zero|0|no|one|1) stars?\b"),
        # a comparison that VADER's negation turns into praise: "never had worse service than ..."
        P("worse poorer", r"\b(?:never|haven'?t ever|have never) (?:had|seen|experienced|received|got) (?:a |an )?"
                          r"(?:worse|poorer)\b"),
        P("shame", r"\b(?:(?:a )?real|such a|what a|(?:a )?big|(?:a )?crying|it'?s a) shame\b"),
        P("typical empty same canned copy paste generic automated scripted",
          r"\b(?:typical|empty (?:answers?|promises?|words|apolog\w*)|same old|canned (?:responses?|answers?|replies)|"
          r"copy[- ]?(?:and[- ]?)?paste\w*|generic (?:responses?|answers?|replies)|automated (?:responses?|replies)|"
          r"scripted)\b"),
    )),
    Cue("staff_conduct", 0.4, (
        P("training trained untrained", r"\b(?:needs?|needing|require|requires) (?:more |better |some |proper |"
                                        r"serious )?training\b|"
                              r"\bnot (?:properly |even )?trained\b|\bpoorly trained\b|\buntrained\b"),
        P("rude rudely rudest unprofessional condescending disrespectful dismissive belittle belittled belittles "
          "belittling yelled "
          "yelling screamed snapped attitude ignored ignoring treated",
          r"\b(?:rude(?:ly|st)?|unprofessional|condescending|disrespectful|dismissive|belittl(?:e|ed|es|ing)|"
          r"(?:yelled|yelling|"
          r"screamed|snapped) at|(?:bad|poor|terrible|horrible|nasty|rude|an|such an|stinking) attitude|ignored (?:me|"
          r"us|my|our)|ignoring (?:me|us|my|our)|treated (?:me|us) (?:like|badly|poorly|horribly|terribly))\b"),
    )),
    Cue("complaint_question", 0.2, (
        P("come", r"\bhow come\b"),
        P("kind sort & reply response answer service support", r"\bwhat (?:kind|sort) of (?:a )?(?:reply|response|"
                                                               r"answer|service|customer service|support) is "
                                                               r"(?:this|that)\b"),
        P("up going & what whats", r"\bwhat'?s (?:up|going on) (?:with|at)\b|\bwhat is going on\b"),
        P("where wheres", r"\bwhere(?:'s| is| are| did|s) (?:my|our)\b"),
        P("reason anyone", r"\bany reason why\b|\bis anyone else\b|\banyone else (?:having|getting|experiencing)\b"),
        P("wrong happening happened going", r"\bwhat(?:'s| is|s) (?:wrong|happening|going on) (?:with|to)\b|"
                                            r"\bwhat happened to (?:my|our|the)\b"),
        P("why", r"\bwhy (?:is|isn'?t|are|aren'?t|does|doesn'?t|did|didn'?t|can'?t|won'?t|has|hasn'?t|have|"
                 r"haven'?t|wouldn'?t|would|was|were|wasn'?t|should|on earth|the hell|am i|my|our|the|this|u|your|"
                 r"do you|do they|"
                 r"don'?t|can)\b"),
        P("else", r"\bis (?:anyone|anybody) else (?:having|getting|experiencing|seeing)\b"),
        P("supposed expected going", r"\bhow (?:am i|are we|is (?:one|anyone)|are (?:customers|people)) "
                                     r"(?:supposed|expected|going) to\b"),
        P("update updates news word progress", r"\bany (?:update|news|word|progress)s? (?:on|about|yet|regarding)\b"),
        P("not", r"\bor not\s*(?:\?|$)"),
        P("happened", r"\bwhat happened\s*\?"),
        P("when & get receive hear see fixed back arrive arriving refunded delivered resolved working",
          r"\bwhen will (?:i|we) (?:ever )?(?:get|receive|hear|see)\b|\bwhen (?:will|is|are) (?:my|our|it|this|"
          r"the \w+) (?:be )?(?:fixed|back|arrive|arriving|refunded|delivered|resolved|working)\b"),
    )),
    Cue("negated_action", 0.2, (
        # A weak, generic signal: in customer talk a negated verb is usually a problem ("it doesn't show", "I never
        # got"). Idioms where the negation praises ("can't put it down", "never going back") are excluded.
        # "as fast, if not faster": a concession, not a failure
        P("not never longer", rf"(?<!\bif )\bn(?:ot|ever|o longer){_NOT_A_PROBLEM}"),
        P("cannot unable", rf"\bcannot{_NOT_A_PROBLEM}|\bunable to{_NOT_A_PROBLEM}"),
        P("t", rf"n't{_NOT_A_PROBLEM}"),
        P("isnt arent wasnt werent dont doesnt didnt cant wont havent hasnt",
          rf"\b(?:is|are|was|were|do|does|did|ca|wo|have|has)nt{_NOT_A_PROBLEM}"),
    )),
    Cue("insult", 0.4, (
        P("inept ineptitude ineptness incompetent incompetence incompetency idiots morons clowns imbeciles amateurs "
          "amateurish bs garbage trash rubbish joke laughing laughingstock shambles shambolic clown shit shitshow "
          "dumpster clueless hopeless worthless",
          r"\b(?:inept(?:itude|ness)?|incompeten(?:t|ce|cy)|idiots|morons|clowns|imbeciles|amateurs|amateurish|bs|"
          r"garbage|trash|rubbish|joke of a|laughing ?stock|shambles|shambolic|clown show|shit ?show|dumpster fire|"
          r"clueless|hopeless|worthless)\b"),
        P("joke", r"\b(?:absolute|complete|total|utter) joke\b"),
        P("joke disgrace farce mess nightmare shambles circus",
          r"\b(?:is|are|was|were|what) an? (?:complete |total |absolute |fucking |bloody |freaking )?(?:joke|"
          r"disgrace|farce|mess|nightmare|shambles|circus)\b"),
        P("sucks suck sucked sucky crappy shitty crap bullshit bull piece",
          r"\b(?:sucks?|sucked|sucky|crappy|shitty|crap (?:service|company|app)|bullshit|bull ?crap|total bull|"
          r"piece of (?:shit|crap|junk|garbage))\b"),
    )),
    Cue("accusation", 0.4, (
        # The brand did something to the author: "you lost my bag", "you guys cancelled my order".
        P(_DID_WRONG_WORDS + " & you your ur",
          r"\b(?:your|ur) (?:team|staff|agents?|reps?|driver|company|system|app|site|website|store|courier|crew|"
          r"pilot)" + _DID_WRONG + r"|\byou(?: guys| people)?" + _DID_WRONG),
        P(_DID_WRONG_WORDS + " & u y yall", r"\b(?:u|y'?all)" + _DID_WRONG),
        P("did done", r"\b(?:look|see|check out|this is) what (?:\S+ ){1,3}?(?:did|done|has done|have done) to "
                      r"(?:my|our)\b|\bwhat (?:have you|did you|you) (?:done|did) to (?:my|our|the)\b"),
    )),
    Cue("demand", 0.35, (
        # An imperative that something be repaired: "please fix the sync errors", "get your act together".
        P("fix correct rectify", r"^(?:\w+ )?" + _FIX + r"|[.!?] (?:\w+ )?" + _FIX + r"|\b(?:please|pls|plz|just|"
                                 r"can you|could you|can y'?all|you need to|need you to|when will you|so|you (?:could|"
                                 r"can|should|must|have to)) (?:\w+ )?" + _FIX),
        P("fix", r"\b(?:please|pls|plz) fix\b"),
        # when the author expects a fix: "when u gonna fix ...", "will you be fixing the crashes?", "need this fixed"
        P("fix patch sort & gonna going", r"\b(?:when|are) (?:are |will )?(?:you|u|y'?all|they) (?:ever )?(?:gonna|"
                                          r"going to) (?:fix|patch|sort)\b"),
        P("fixing patching", r"\bwill (?:you|u|y'?all|they) (?:ever )?be (?:fixing|patching)\b"),
        P("fixed sorted resolved repaired", r"\bneed (?:this|it|that|these|them) (?:fixed|sorted|resolved|"
                                            r"repaired)\b"),
        P("fix*", r"#fix\w+"),
        P("act sort something right job", r"\bget your act together\b|\bsort (?:it|this|yourselves) out\b|"
                                          r"\bdo something\b|\bmake (?:it|this|things) right\b|\bdo your job\b"),
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
        P("thinking planning want wanting considering",
          r"\b(?:thinking (?:of|about)|planning (?:on|to)|want to|wanting to|considering) (?:buying|getting|"
          r"purchasing|trying|buy|get|purchase|try)\b"),
        P("market shopping", r"\bin the market for\b|\bshopping (?:around )?for\b"),
    )),
)
