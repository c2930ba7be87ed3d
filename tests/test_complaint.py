"""The complaint-aware scorer: hand-written cases that always run, and the labelled dev set on real complaints."""
from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor import _cue_praise, complaint
from monitor._cue_engine import CueMatcher, fast_finder, tokens_of
from monitor.complaint import CUE_NAMES, ComplaintScorer
from monitor.fastvader import FastVader
from monitor.sentiment import ScorerSpec, VaderScorer, build_scorer
from monitor.types import Score, label_for
from tests.corpora import GROUND_TRUTH_SETS, devset, ground_truth, ibm_agent_turns, ibm_client_turns, twcs_rows

REPO = Path(__file__).resolve().parent.parent
DEVSET_DIR = Path(__file__).parent / "data" / "devset"
# heldout3's figures after the fourth round (README), which tuned on it: floors and ceilings, measured, not goals.
# Since the tenth round one complaint fewer: a negated "have a ..." that was its only cue (README).
HELDOUT3_NEGATIVE_FLOOR = 135 / 161
HELDOUT3_POSITIVE_CEILING = 1 / 37
HELDOUT3_NEUTRAL_CEILING = 17 / 112
# heldout4's figures after the fifth round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT4_NEGATIVE_FLOOR = 107 / 140
HELDOUT4_POSITIVE_CEILING = 2 / 61
HELDOUT4_NEUTRAL_CEILING = 21 / 99
# heldout5's figures after the sixth round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT5_NEGATIVE_FLOOR = 84 / 109
HELDOUT5_POSITIVE_CEILING = 3 / 35
HELDOUT5_NEUTRAL_CEILING = 25 / 106
# heldout6's figures after the seventh round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT6_NEGATIVE_FLOOR = 95 / 118
HELDOUT6_POSITIVE_CEILING = 0 / 49
HELDOUT6_NEUTRAL_CEILING = 22 / 83
# heldout7's figures after the eighth round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT7_NEGATIVE_FLOOR = 137 / 161
HELDOUT7_POSITIVE_CEILING = 1 / 17
HELDOUT7_NEUTRAL_CEILING = 17 / 72
# heldout8's figures after the ninth round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT8_NEGATIVE_FLOOR = 122 / 162
HELDOUT8_POSITIVE_CEILING = 1 / 20
HELDOUT8_NEUTRAL_CEILING = 18 / 68
# heldout9's figures after the tenth round (README), which tuned on it: floors and ceilings, measured, not goals.
HELDOUT9_NEGATIVE_FLOOR = 108 / 141
HELDOUT9_POSITIVE_CEILING = 0 / 18
HELDOUT9_NEUTRAL_CEILING = 25 / 91
# heldout10's figures after the tenth round, labelled before any change of that round and never examined, as floors
# and ceilings: measured, not goals. 72.8% of its complaints are labelled negative (goal >= 75%; VADER 40.5%), 2 of
# its 25 positive posts (VADER 1) and 30 of its 125 neutral texts (VADER 20), before and after the round's changes
# alike.
HELDOUT10_NEGATIVE_FLOOR = 169 / 232
HELDOUT10_POSITIVE_CEILING = 2 / 25
HELDOUT10_NEUTRAL_CEILING = 30 / 125
# Every split whose errors were examined, pooled: since the ninth round they meet the goals together (8 positive
# posts labelled negative of 376 since the tenth, 2.1%). Each also keeps a row of its own below.
TUNING_SPLITS = ("dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
                 "heldout8", "heldout9")
# Ground-truth snippets rated 2.0 or more (clearly positive by ~10 raters) that the scorer labels negative, and those
# rated -2.0 or less that it labels negative, after the tenth round: ceilings and floors, measured (README). VADER:
# 24 / 196 / 4 clearly positive labelled negative, 149 / 1,114 / 58 clearly negative.
CLEARLY_RATED = [("amazonReviewSnippets", 22, 787, 215, 283), ("movieReviewSnippets", 216, 2187, 1241, 2052),
                 ("nytEditorialSnippets", 4, 50, 61, 69)]


@pytest.fixture(scope="module")
def scorer() -> ComplaintScorer:
    return ComplaintScorer(reference_year=2026)


# text, expected label, cues that must be among the reported ones
CASES = [
    ("Been waiting 9 days for a reply from support.", "negative", {"waiting"}),
    ("On hold for 2 hours now.", "negative", {"waiting"}),
    ("Still no reply. Third time I'm asking.", "negative", {"waiting", "repeat_contact"}),
    ("They closed my ticket without fixing anything.", "negative", {"unresolved"}),
    ("The app crashes every time I open it.", "negative", {"outage"}),
    ("My internet is not working. Can you help?", "negative", {"outage"}),
    ("Charged twice for the same order. I want a refund.", "negative", {"billing"}),
    ("The package never arrived and the tracking says delivered.", "negative", {"non_delivery"}),
    ("Someone hacked my account and changed the password", "negative", {"account_access"}),
    ("Looking for alternatives, our contract ends in June.", "negative", {"churn_intent"}),
    ("Switching to Acme next month, your prices keep going up.", "negative", {"churn_intent"}),
    ("I'm escalating this to a manager and filing with the BBB.", "negative", {"escalation"}),
    ("My lawyer will be in touch.", "negative", {"escalation"}),
    ("Thanks for nothing.", "negative", {"sarcasm"}),
    ("Great job... not.", "negative", {"sarcasm"}),
    ("I just love waiting on hold for 2 hours.", "negative", {"sarcasm", "waiting"}),
    ("Another fantastic day of non-functioning email, thanks a lot!", "negative", {"sarcasm", "outage"}),
    ("Your reps are completely incompetent", "negative", {"insult"}),
    ("They cancelled my flight and nobody will tell us anything", "negative", {"cancellation"}),
    ("Customer for 10 years and never been this disappointed", "negative", {"tenure_claim"}),
    ("Loyal customer for a decade and this is how you treat me?", "negative", {"tenure_claim", "frustration"}),
    ("Thanks for the quick fix, support was great!", "positive", set()),
    ("Love the new update, great work team!", "positive", set()),
    ("Your support team fixed my issue in 5 minutes. Amazing!", "positive", {"resolved"}),
    ("It was down this morning but it's working again, thanks!", "positive", {"resolved"}),
    ("Thanks again!", "positive", set()),
    ("Any recommendations for a good CRM tool?", "positive", {"buying_intent"}),
    ("Is there an alternative to Zendesk for a small team?", "neutral", {"buying_intent"}),
    ("Looking for a tool to track brand mentions, any recommendations?", "neutral", {"buying_intent"}),
    ("The store opens at 9am on Sundays.", "neutral", set()),
    ("You guys lost my bag and nobody will say where it is.", "negative", {"accusation"}),
    ("Please fix the sync, it drops every night.", "negative", {"demand"}),
    ("The app has been like this for weeks.", "negative", {"waiting"}),
    ("I can't access my playlists anymore.", "negative", {"outage"}),
    ("What's wrong with your website today?", "negative", {"complaint_question"}),
    ("My router went offline again.", "negative", {"outage"}),
    ("Screen goes black after the logo.", "negative", {"outage"}),
    ("How do I find the dark mode setting? I don't see it.", "neutral", set()),  # a how-to question
    ("3 months of Premium for $2. Play music offline wherever you go.", "positive", set()),  # a feature, no outage
    ("Tried restarting and reinstalling, it still freezes on launch.", "negative", {"troubleshooting", "outage"}),
    ("My parcel was supposed to arrive on Monday.", "negative", {"broken_promise"}),
    ("Found a piece of plastic in my salad.", "negative", {"defective"}),
    ("Three hours on the plane. No food, no water, no explanation.", "negative", {"left_without"}),
    ("Honestly this is unacceptable.", "negative", {"verdict"}),
    ("The gate agent was incredibly rude to my mother.", "negative", {"staff_conduct"}),
    ("Stuck on the tarmac for 2 hours and counting.", "negative", {"waiting"}),
    ("Missed my connection because of your delay, now stranded overnight.", "negative", {"waiting"}),
    ("You moved us to a 6am flight without asking.", "negative", {"accusation", "left_without"}),
    # Sarcasm: praise for a failure, and generic praise next to a complaint.
    ("Thanks for the 4 hour delay, really appreciate it.", "negative", {"sarcasm", "waiting"}),
    ("Love how you cancel my flight and don't tell anyone.", "negative", {"sarcasm"}),
    ("Nothing says customer service like a 2 hour hold.", "negative", {"sarcasm"}),
    ("Nothing says summer like an ice cream on the pier.", "positive", {"praise"}),  # the idiom said sincerely
    # Round 7: a site that is down, what the brand ran out of or left out, a promise never to return, exasperation.
    ("The checkout page seems to be down again.", "negative", {"outage"}),
    ("They were out of chicken and someone forgot to include the sauce.", "negative", {"left_without"}),
    ("Never coming back to this branch.", "negative", {"churn_intent"}),
    ("What the heck happened to my order?!", "negative", {"frustration"}),
    ("Props to the hotel for a late checkout, no way I would miss breakfast now", "positive", {"praise"}),
    ("Great, another flight cancellation. You guys are the best.", "negative", {"sarcasm", "cancellation"}),
    ("So glad I paid extra for a seat that doesn't recline.", "negative", {"sarcasm"}),
    # A problem that the text thanks someone for fixing, or turns from to clear praise, is not a complaint.
    ("Thank you for taking care of us when our flight was cancelled!", "positive", {"praise"}),
    ("The cancellation sucked but the agent at the desk rebooked us in 5 minutes. Thank you!", "positive", {"praise"}),
    ("Even with the delay, best flight I've had in years.", "positive", {"praise"}),
    ("Great crew, but they lost my bag and nobody will tell me where it is.", "negative", {"non_delivery"}),
    ("Lost my bag, but hey, at least the snacks were good.", "negative", {"non_delivery"}),
    ("Thanks for the update. Still no refund after 3 weeks.", "negative", {"repeat_contact"}),
    # Praise said through a negation is praise; a negated problem followed by a time starts a complaint.
    ("Can't thank you enough for today!", "positive", {"praise"}),
    ("Couldn't be happier with the service.", "positive", {"praise"}),
    ("No issues at all with the order this time.", "positive", {"praise"}),
    ("It doesn't get any better than this.", "positive", {"praise"}),
    ("Never had a problem until today, now the app crashes on launch.", "negative", {"outage"}),
    ("No issues with the flight but the food was awful.", "negative", set()),
    ("Couldn't be happier to sit on the tarmac for 3 hours.", "negative", {"waiting"}),
    # Waiting as the state of things in a text that thanks is courtesy; with a time or "still" it is waiting.
    ("Thank you! Put in a request and I'm waiting for the reply.", "neutral", set()),
    ("Thanks. I'm waiting on my refund for 3 weeks now.", "negative", {"waiting"}),
    ("Thanks, still waiting.", "negative", {"waiting"}),
    # Wider recall: a past span without "the", money taken off a card, contact every day, "please fix".
    ("On the phone for past 45 mins.", "negative", {"waiting"}),
    ("They keep taking money off my card.", "negative", {"billing"}),
    ("I have called every day about this.", "negative", {"repeat_contact"}),
    ("Please fix in the next update.", "negative", {"demand"}),
    # Round 5. Thanks for listening or for compensation, after a problem, is praise; so is praise said through a
    # negative question or idiom, and thanks with no complaint cue in a text VADER reads as sad.
    ("Thank you @acme for listening and helping when I had an issue today. Great service.", "positive", {"praise"}),
    ("@acme credited us 500 points for the cancelled flight. Great job!", "positive", {"praise"}),
    ("Isn't this the best sandwich you've ever seen?", "positive", {"praise"}),
    ("Ain't no coffee like free coffee.", "positive", {"praise"}),
    ("A weekend isn't complete without a visit to the market!", "positive", {"praise"}),
    ("Self check-in kiosks scare me. Grateful the staff let me use the desk.", "neutral", set()),
    # Round 5 recall: irony with an adjective or a handle, "ur team", churn to another provider, dismissive replies.
    ("Thanks @acme for the huge delays today.", "negative", {"sarcasm"}),
    ("Ur team messed up my order again.", "negative", {"accusation", "frustration"}),
    ("I will be flying with another airline from now on.", "negative", {"churn_intent"}),
    ("So what sort of answer is that supposed to be?", "negative", {"complaint_question"}),
    ("Nice to know you ignore paying customers. Absolute joke.", "negative", {"insult", "sarcasm"}),
    ("I was charged $40 for a bag.", "negative", {"billing"}),
    ("Only received one of my two parcels.", "negative", {"non_delivery"}),
    ("Got the email for the first booking but not the other.", "negative", {"non_delivery"}),
    ("What is this in my salad??", "negative", {"defective"}),
    ("They gave me a voucher for the delay, but my bag is still missing.", "negative", set()),
    ("Thanks for listening, but I still have no refund after 3 weeks.", "negative", {"billing"}),
    # Round 8. Playful emojis VADER rates negative (fire, ghost) are not complaints; thanks for kindness is praise;
    # eagerness ("can't wait to try") is praise said through a negation; a reply that only says it works is a fix.
    ("Steak burrito with extra guac 🔥🔥", "neutral", set()),
    ("Thanks for your kindness, my issue was with my bank.", "positive", {"praise"}),
    ("Can't wait to try the new menu!", "positive", {"praise"}),
    ("I can't wait any longer for my refund.", "negative", {"billing"}),
    ("Works. Blame the update.", "neutral", set()),
    # Round 8 recall: calls for an answer, expected fixes, throttling, what the brand stopped offering, verdicts
    # after the noun, longer account take-overs, passive failures, false charges.
    ("Hello??? Anyone there?", "negative", {"frustration"}),
    ("Can I get a reply already?", "negative", {"frustration"}),
    ("Really @acme???", "negative", {"frustration"}),
    ("When are you gonna fix the login page", "negative", {"demand"}),
    ("I need this fixed today.", "negative", {"demand"}),
    ("Messes up every order #fixyourapp", "negative", {"frustration", "demand"}),
    ("@acme is out in my neighborhood again", "negative", {"outage"}),
    ("Stop throttling my connection.", "negative", {"outage"}),
    ("Files could not be downloaded from the server.", "negative", {"outage"}),
    ("Why have you discontinued the large jars?", "negative", {"left_without"}),
    ("Your support is horrible.", "negative", {"verdict"}),
    ("Someone got into my old account and changed the email", "negative", {"account_access"}),
    ("Nothing I do will let me sign in.", "negative", {"unresolved"}),
    ("Where can I report a false charge?", "negative", {"billing"}),
    # Round 9. Absence of problems, however it is worded, is praise; a problem "not a router problem" locates is not.
    ("Never noticed any battery issues with mine.", "positive", {"praise"}),
    ("Not had any of the usual issues this time.", "positive", {"praise"}),
    ("Not a router problem, the app itself crashes on launch.", "negative", {"outage"}),
    # Someone who switches is churn; a feature one can switch to is not. A fix confirmed is a fix; "cheers" thanks.
    ("I'm switching to another bank next month.", "negative", {"churn_intent"}),
    ("The app lets you switch to dark mode in settings.", "neutral", set()),
    ("Logging out and in again does resolve the error. Thanks.", "positive", {"resolved"}),
    ("Thankyou! I was afraid I would miss the show.", "neutral", set()),
    ("We've had this for two months now and love it.", "positive", set()),
    # Round 10. What the author has not got or tried, a short answer, a how-to question ("is there any way", "would
    # this be"), a negation in an if-clause and "too late to" are no complaint; lacking patience, no internet and a
    # threat still are.
    ("I don't have a printer at home, can I show the ticket on my phone?", "neutral", set()),
    ("I haven't tried the desktop app yet.", "neutral", set()),
    ("I don't have any letters from you, was it sent to my old address?", "neutral", set()),
    ("Not yet, I'll check after work.", "neutral", set()),
    ("Not really, it was a quick question.", "neutral", set()),
    ("Is there any way to show the newest emails first and not the oldest?", "neutral", set()),
    ("Would this be allowed as cabin baggage? The page does not list a size.", "neutral", set()),
    ("Tell me if you don't get the code by tomorrow.", "neutral", set()),
    ("If you haven't tried the new soup yet, you should.", "neutral", set()),
    ("Even if you've never been to the city, you'll love this tour.", "positive", set()),
    ("Is it too late to change my seat?", "neutral", set()),
    ("I don't have internet since Monday.", "negative", {"negated_action"}),
    ("I frankly don't have the patience for another call.", "negative", {"negated_action"}),
    ("If I don't get my refund by Friday I'm cancelling my account.", "negative", {"churn_intent"}),
    ("It's not working yet.", "negative", {"outage"}),
    ("If you want the app, it doesn't install on my tablet.", "negative", {"outage", "negated_action"}),
]

# Round 9: text, a cue that must not fire. Owning something for a while is not waiting, nor is "never too late"; a
# concession ("if not faster"), an adverb before a harmless verb ("can't really complain"), "never fails to" and
# another's trouble ("with his") are no complaint; a fix asked about is no fix.
ABSENT_CUES = [
    ("We've had this for two months now and love it.", "waiting"),
    ("It's never too late to book a seat.", "waiting"),
    ("The new checkout is as fast as the old one, if not faster.", "negated_action"),
    ("I can't really complain.", "negated_action"),
    ("It never fails to make my day.", "negated_action"),
    ("My brother has trouble with his, but mine is fine.", "outage"),
    ("Never noticed any battery issues with mine.", "outage"),
    ("The app lets you switch to dark mode in settings.", "churn_intent"),
    ("So that fixes my problem?", "resolved"),
    # Round 10: what the author has not got, a short answer, a negation in an if-clause, "too late to".
    ("I don't have a printer at home.", "negated_action"),
    ("Not yet, I'll check after work.", "negated_action"),
    ("Tell me if you don't get the code by tomorrow.", "negated_action"),
    ("Is it too late to change my seat?", "waiting"),
]


@pytest.mark.parametrize("text,label,cues", CASES, ids=[c[0][:40] for c in CASES])
def test_hand_written_cases(scorer, text, label, cues):
    score = scorer.score(text)
    assert score.label == label, score
    assert cues <= set(score.cues), score


@pytest.mark.parametrize("text,cue", ABSENT_CUES, ids=[c[0][:40] for c in ABSENT_CUES])
def test_cues_that_must_not_fire(scorer, text, cue):
    assert cue not in scorer.score(text).cues


def test_vader_parts_are_upstream_and_label_follows_score(scorer):
    upstream = VaderScorer()
    for text, _, _ in CASES:
        score, expected = scorer.score(text), upstream.polarity_scores(text)
        assert (score.compound, score.pos, score.neu, score.neg) == \
            (expected["compound"], expected["pos"], expected["neu"], expected["neg"])
        assert -1.0 <= score.score <= 1.0 and score.label == label_for(score.score)
        assert set(score.cues) <= set(CUE_NAMES) and len(set(score.cues)) == len(score.cues)


def test_buying_intent_alone_does_not_lower_the_score(scorer):
    for text in ("Any recommendations for a good CRM tool?", "Is there an alternative to Zendesk?"):
        score = scorer.score(text)
        assert score.cues == ("buying_intent",)
        assert score.score == pytest.approx(FastVader().polarity_scores(text)["compound"], abs=1e-4)


@pytest.mark.parametrize("text,years", [
    ("Customer for 10 years and never been this disappointed", 10.0),
    ("loyal customer for a decade", 10.0),
    ("I've been a member since 2014 and I'm cancelling", 12.0),
    ("customer since '09", 17.0),
    ("18 months as a subscriber", 1.5),
    ("a 3-year customer", 3.0),
    ("Been with you guys for over 5 years", 5.0),
    ("I have been using your app for 6 years and it keeps crashing", 6.0),
    ("customer for two decades", 20.0),
])
def test_tenure_claims(scorer, text, years):
    score = scorer.score(text)
    assert score.tenure_claim_years == years
    assert "tenure_claim" in score.cues


@pytest.mark.parametrize("text", ["I waited 10 years for this film", "Since 2014 the law has changed",
                                  "Our customers love it", "customer since yesterday"])
def test_no_tenure_claim_without_a_relationship_and_a_length(scorer, text):
    score = scorer.score(text)
    assert score.tenure_claim_years is None and "tenure_claim" not in score.cues


def test_reference_year_is_a_parameter_defaulting_to_the_current_utc_year():
    text = "customer since 2020"
    assert ComplaintScorer(reference_year=2030).score(text).tenure_claim_years == 10.0
    this_year = datetime.now(timezone.utc).year
    assert ComplaintScorer().score(text).tenure_claim_years == this_year - 2020


def test_domain_terms_add_cues_and_move_the_score():
    plain = ComplaintScorer()
    tuned = ComplaintScorer(negative_terms=["sync error", "Paywall"], positive_terms=["dark mode"])
    text = "Got a sync error again today, and the new dark mode is here"
    base, score = plain.score(text), tuned.score(text)
    assert {"domain_negative", "domain_positive"} <= set(score.cues)
    assert "domain_negative" not in base.cues
    neg_only = ComplaintScorer(negative_terms=["sync error"]).score(text)
    pos_only = ComplaintScorer(positive_terms=["dark mode"]).score(text)
    assert neg_only.score < base.score < pos_only.score
    assert ComplaintScorer(negative_terms=["paywall"]).score("PAYWALL everywhere").label == "negative"
    assert "domain_negative" not in tuned.score("paywalls are walls").cues  # whole words only


def test_long_posts_are_averaged_not_summed(scorer):
    # VADER sums valence, so repeating a mild sentence drives its compound to +1 (vaderSentiment issue #151)
    sentence = "The room was nice."
    three, twelve = " ".join([sentence] * 3), " ".join([sentence] * 12)
    assert FastVader().polarity_scores(twelve)["compound"] > 0.95
    assert scorer.score(twelve).score == scorer.score(three).score < 0.9


def test_a_handle_is_a_name_not_a_sentiment_word(scorer):
    # "@united" is the word "united" (+1.8) to VADER: it made every complaint to that airline look kinder
    assert FastVader().polarity_scores("@united")["compound"] > 0.3
    assert scorer.score("@united").score == 0.0
    assert scorer.score("@united flight delayed again, third time this month").label == "negative"


def test_negation_does_not_cross_a_sentence_end(scorer):
    assert FastVader().polarity_scores("Booking no 123. Thanks.")["compound"] < 0  # upstream: "no" negates thanks
    assert scorer.score("Booking no 123. Thanks.").label == "positive"


def test_deterministic_and_rejects_non_text(scorer):
    text = "Still waiting on my refund, third email now"
    assert scorer.score(text) == ComplaintScorer(reference_year=2026).score(text) == scorer.score(text)
    with pytest.raises(TypeError):
        scorer.score(None)


def test_build_scorer_gives_the_complaint_scorer_with_configured_terms():
    built = build_scorer(ScorerSpec("complaint", negative_terms=("paywall",)))
    assert isinstance(built, ComplaintScorer) and built.name == "complaint"
    assert "domain_negative" in built.score("another paywall").cues
    assert isinstance(built.score("fine"), Score)


def test_trigger_gating_never_changes_which_cues_fire():
    matcher = CueMatcher()
    texts = [t.lower() for t, _, _ in CASES] + [
        "ive done that multiple times", "is psn down?", "#customerservicefail", "thx 🙃", "so that's comforting",
        "non-functioning", "overcharged!!", "price-gouging", "ugh", "i can't log in", "it doesnt work",
        "not working any more", "what's going on with my order", "y'all lost my bag", "get your act together",
        "i haven't been able to log in", "it is not loading", "they wouldn't let me board", "cant connect",
        "your driver cancelled my ride", "thanks for nothing", "great job losing my bag", "2 hour wait at the gate",
        "the crew was lovely", "thanks for rebooking us", "but the agent fixed it", "fraudulent charge",
        "#epicfail", "ughhh", "frustrated and disappointed", "not disappointed at all", "my ass"]
    texts += [t.lower() for t, _ in ABSENT_CUES]
    for text in texts:
        assert matcher.find(text) == matcher.find_ungated(text), text


# --- real data: skipped when ../shared/data is absent ----------------------------------------------------------


def _all_shared_texts(shared) -> list[str]:
    texts = [r.text for name in GROUND_TRUTH_SETS for r in ground_truth(shared, name)]
    texts += [r["text"] for r in twcs_rows(shared)]
    return texts + list(ibm_client_turns(shared).values()) + ibm_agent_turns(shared)


def test_trigger_gating_is_exact_on_real_corpora(shared_data):
    matcher = CueMatcher()
    lowered = [t.lower().replace("\u2019", "'") for t in _all_shared_texts(shared_data)]
    assert [t for t in lowered if matcher.find(t) != matcher.find_ungated(t)] == []


def test_word_gates_and_fast_forms_of_the_framing_regexes_are_exact_on_real_corpora(shared_data):
    # Each regex runs only when a gate word occurs, and is searched through its branches' fast forms: neither may
    # change an answer. The texts include the hand-written cases, which exercise every framing.
    checks = [(_cue_praise._PRAISE, _cue_praise._PRAISE_WORDS), (_cue_praise._IRONIC_PRAISE, _cue_praise._IRONY_WORDS),
              (_cue_praise._RESOLVED, _cue_praise._RESOLVED_WORDS), (_cue_praise._TURN, _cue_praise._TURN_WORDS),
              (complaint._SELF_CAUSED, complaint._SELF_CAUSED_WORDS), (complaint._HOW_TO, complaint._HOW_TO_WORDS),
              (_cue_praise._LITOTES, _cue_praise._LITOTES_WORDS)]
    texts = [t.lower().replace("\u2019", "'") for t in _all_shared_texts(shared_data) + [c[0] for c in CASES]]
    for regex, gate in checks:
        found = fast_finder(regex.pattern)
        matching = [t for t in texts if regex.search(t)]
        assert matching, regex.pattern[:60]  # the check is not empty
        assert [t for t in matching if gate.isdisjoint(tokens_of(t))] == [], regex.pattern[:60]
        assert [t for t in texts if found(t) != bool(regex.search(t))] == [], regex.pattern[:60]
    # the praise-through-negation regex has a second gate: a negation word
    litotes = [t for t in texts if _cue_praise._LITOTES.search(t)]
    assert litotes and [t for t in litotes if _cue_praise._LITOTES_NEGATIONS.isdisjoint(tokens_of(t))] == []


def test_one_vader_pass_gives_upstreams_parts_on_real_corpora(shared_data, scorer):
    # The scorer reuses its own VADER pass for the sentence scores: its parts must stay FastVader's (= upstream's).
    fast = FastVader()
    wrong = []
    for text in _all_shared_texts(shared_data):
        score, expected = scorer.score(text), fast.polarity_scores(text)
        if (score.compound, score.pos, score.neu, score.neg) != \
                (expected["compound"], expected["pos"], expected["neu"], expected["neg"]):
            wrong.append(text)
    assert wrong == []


def _rates(label_of, items) -> dict[str, float]:
    out = {}
    for label in ("negative", "neutral", "positive"):
        group = [d for d in items if d.label == label]
        out[label] = sum(label_of(d.text) == "negative" for d in group) / len(group)
    return out


@functools.lru_cache(maxsize=1)
def _devset(shared: Path):
    return devset(shared)


@pytest.fixture
def labelled(shared_data):
    return _devset(shared_data)


def test_devset_has_enough_hand_labels(labelled):
    assert len(labelled) >= 300
    assert {d.split for d in labelled} == {"dev", "dev2", "heldout", "heldout2", "heldout3", "heldout4", "heldout5",
                                           "heldout6", "heldout7", "heldout8", "heldout9", "heldout10"}
    assert len({(d.source, d.source_id) for d in labelled}) == len(labelled)


def _draw(split: str):
    spec = importlib.util.spec_from_file_location(f"draw_{split}", DEVSET_DIR / f"draw_{split}.py")
    draw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw)
    return draw.draw()


def test_heldout3_is_the_documented_random_draw(labelled):
    # The README says how heldout3 was drawn; the committed script must reproduce exactly its ids, in order.
    assert [(s, i) for s, i, _ in _draw("heldout3")] == [(d.source, d.source_id) for d in labelled
                                                          if d.split == "heldout3"]


@pytest.mark.parametrize("split, sizes", [("heldout4", [130, 90, 60, 20]), ("heldout5", [60, 100, 70, 20]),
                                         ("heldout6", [13, 90, 127, 20]), ("heldout7", [0, 5, 205, 40]),
                                         ("heldout8", [0, 17, 193, 40]), ("heldout9", [0, 0, 210, 40]),
                                         ("heldout10", [0, 0, 322, 60])])
def test_stratified_held_out_splits_are_the_documented_random_draws(labelled, split, sizes):
    # The README says how each was drawn (its seed, four strata); its script must reproduce its ids, in order,
    # with no id or text of any other split.
    drawn = _draw(split)
    assert [(s, i) for s, i, _ in drawn] == [(d.source, d.source_id) for d in labelled if d.split == split]
    strata = [st for _, _, st in drawn]
    assert [strata.count(st) for st in ("airline", "rich", "other", "ibm")] == sizes
    earlier = {(d.source, d.source_id) for d in labelled if d.split != split}
    earlier_texts = {d.text.strip().lower() for d in labelled if d.split != split}
    held = [d for d in labelled if d.split == split]
    assert not earlier.intersection((d.source, d.source_id) for d in held)
    assert not earlier_texts.intersection(d.text.strip().lower() for d in held)


def test_tuning_splits_meet_the_goals_and_beat_vader(labelled, scorer):
    # dev, dev2, heldout and heldout2 to heldout9 were each evaluated, then their errors were seen: tuning data now.
    tuning = [d for d in labelled if d.split in TUNING_SPLITS]
    ours = _rates(lambda t: scorer.score(t).label, tuning)
    vader = _rates(lambda t: label_for(FastVader().polarity_scores(t)["compound"]), tuning)
    figures = f"complaint {ours} / vader {vader}"
    assert ours["negative"] >= 0.75, figures  # share of real complaints labelled negative
    assert ours["positive"] <= 0.03, figures  # share of positive posts labelled negative
    assert ours["negative"] > vader["negative"] + 0.2, figures


# heldout3 was evaluated clean in the third round and tuned on in the fourth; heldout4 likewise in the fourth and
# fifth, heldout5 in the fifth and sixth, heldout6 in the sixth and seventh, heldout7 in the seventh and eighth,
# heldout8 in the eighth and ninth, heldout9 in the ninth and tenth; heldout10 was labelled before any change of the
# tenth round and evaluated before and after, its errors never examined (README). These are the figures the scorer
# achieves there, not the goals.
@pytest.mark.parametrize("split, floor, margin, positive_ceiling, neutral_ceiling", [
    ("heldout3", HELDOUT3_NEGATIVE_FLOOR, 0.25, HELDOUT3_POSITIVE_CEILING, HELDOUT3_NEUTRAL_CEILING),
    ("heldout4", HELDOUT4_NEGATIVE_FLOOR, 0.3, HELDOUT4_POSITIVE_CEILING, HELDOUT4_NEUTRAL_CEILING),
    ("heldout5", HELDOUT5_NEGATIVE_FLOOR, 0.3, HELDOUT5_POSITIVE_CEILING, HELDOUT5_NEUTRAL_CEILING),
    ("heldout6", HELDOUT6_NEGATIVE_FLOOR, 0.3, HELDOUT6_POSITIVE_CEILING, HELDOUT6_NEUTRAL_CEILING),
    ("heldout7", HELDOUT7_NEGATIVE_FLOOR, 0.3, HELDOUT7_POSITIVE_CEILING, HELDOUT7_NEUTRAL_CEILING),
    ("heldout8", HELDOUT8_NEGATIVE_FLOOR, 0.25, HELDOUT8_POSITIVE_CEILING, HELDOUT8_NEUTRAL_CEILING),
    ("heldout9", HELDOUT9_NEGATIVE_FLOOR, 0.3, HELDOUT9_POSITIVE_CEILING, HELDOUT9_NEUTRAL_CEILING),
    ("heldout10", HELDOUT10_NEGATIVE_FLOOR, 0.3, HELDOUT10_POSITIVE_CEILING, HELDOUT10_NEUTRAL_CEILING),
])
def test_held_out_splits_keep_the_figures_measured_there(labelled, scorer, split, floor, margin, positive_ceiling,
                                                         neutral_ceiling):
    heldout = [d for d in labelled if d.split == split]
    ours = _rates(lambda t: scorer.score(t).label, heldout)
    vader = _rates(lambda t: label_for(FastVader().polarity_scores(t)["compound"]), heldout)
    figures = f"complaint {ours} / vader {vader}"
    assert ours["negative"] >= floor, figures  # share of real complaints labelled negative
    assert ours["negative"] >= vader["negative"] + margin, figures
    assert ours["positive"] <= positive_ceiling, figures  # share of positive posts labelled negative
    assert ours["neutral"] <= neutral_ceiling, figures


def _pearson(xs, ys) -> float:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def test_correlation_with_human_ratings_of_tweets(shared_data, scorer):
    rated = ground_truth(shared_data, "tweets")
    r = _pearson([scorer.score(x.text).score for x in rated], [x.mean for x in rated])
    assert r >= 0.86, r


def test_clearly_positive_tweets_stay_out_of_negative(shared_data, scorer):
    positive = [x for x in ground_truth(shared_data, "tweets") if x.mean >= 2.0]
    wrong = [x.text for x in positive if scorer.score(x.text).label == "negative"]
    assert len(wrong) <= 0.01 * len(positive), wrong


@pytest.mark.parametrize("name, positive_ceiling, n_positive, negative_floor, n_negative", CLEARLY_RATED)
def test_clearly_rated_snippets_keep_the_figures_measured_there(shared_data, scorer, name, positive_ceiling,
                                                                n_positive, negative_floor, n_negative):
    # A large, independent human measure: the cue mistakes that label praise negative there hit customer posts too.
    rated = ground_truth(shared_data, name)
    positive = [x for x in rated if x.mean >= 2.0]
    negative = [x for x in rated if x.mean <= -2.0]
    assert (len(positive), len(negative)) == (n_positive, n_negative)
    wrong = [x.text for x in positive if scorer.score(x.text).label == "negative"]
    assert len(wrong) <= positive_ceiling, wrong
    assert sum(scorer.score(x.text).label == "negative" for x in negative) >= negative_floor


# --- `arcwatch score` ---------------------------------------------------------------------------------------------


def _run_score(stdin: bytes, *args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCWATCH_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "monitor.cli", *args, "score"], input=stdin, cwd=cwd, env=env,
                          capture_output=True, timeout=120)


def test_score_cli_writes_one_json_line_per_input_line_in_order(tmp_path):
    texts = ["Been waiting 9 days for a reply from support.", "Thanks for the quick fix, support was great!", "",
             "tab\tand bare\rcarriage return stay in one text", "customer for 10 years, cancelling now"]
    stdin = "\n".join(texts[:3]).encode() + b"\r\n" + "\n".join(texts[3:]).encode()  # CRLF and no final newline
    done = _run_score(stdin, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    scorer = ComplaintScorer()
    assert len(rows) == len(texts)
    for text, row in zip(texts, rows):
        s = scorer.score(text)
        assert row == {"compound": s.compound, "score": s.score, "label": s.label, "cues": list(s.cues)}
    assert rows[0]["label"] == "negative" and "waiting" in rows[0]["cues"]
    assert rows[1]["label"] == "positive"


def test_score_cli_uses_the_configured_scorer_and_terms(tmp_path):
    (tmp_path / "config.toml").write_text('[sentiment]\nnegative_terms = ["sync error"]\n')
    done = _run_score(b"another sync error\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "domain_negative" in json.loads(done.stdout)["cues"]
    (tmp_path / "config.toml").write_text('[sentiment]\nscorer = "vader"\n')
    row = json.loads(_run_score(b"Been waiting 9 days for a reply\n", cwd=tmp_path).stdout)
    assert row["cues"] == [] and row["score"] == row["compound"]


def test_score_cli_keeps_undecodable_lines_and_reports_bad_config(tmp_path):
    done = _run_score(b"ok\n\xff\xfe broken bytes\nfine\n", cwd=tmp_path)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 3
    (tmp_path / "config.toml").write_text('[sentiment]\nscorer = 3\n')
    bad = _run_score(b"text\n", cwd=tmp_path)
    assert bad.returncode == 2 and b"sentiment.scorer" in bad.stderr and bad.stdout == b""
