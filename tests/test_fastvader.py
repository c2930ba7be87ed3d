"""FastVader must give exactly upstream vaderSentiment 3.3.2's output: compared on real corpora and edge cases."""
from __future__ import annotations

import random

import pytest

from monitor.fastvader import FastVader
from monitor.sentiment import VaderScorer, vader_internals
from tests.corpora import GROUND_TRUTH_SETS, ground_truth, ibm_agent_turns, ibm_client_turns, twcs_rows

EDGE_CASES = [
    "", "   ", "\n\t", ".", "!!!", "???", ":)", ":-(", "<3", ":D", "No.", "no", "NO", "not", "but", "But but BUT",
    "VADER is smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is not smart, handsome, nor funny.", "The book was only kind of good.", "kind of", "it was kind",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all", "At least it isn't a horrible book.",
    "Sentiment analysis has never been good.", "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.", "With VADER, sentiment analysis is the shit!",
    "On the other hand, VADER is quite bad ass", "VADER is such a badass!", "Without a doubt, excellent idea.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.", "least good", "very least good",
    "no no no good", "no good", "nope, not good", "no or nor bad", "good no", "GOOD good", "GOOD", "good GOOD!",
    "It is the bomb", "yeah right", "kiss of death", "to die for", "this is the shit man", "bus stop",
    "The ride was good but the wait was bad but the food was great", "good good bad bad but good good",
    "I love it but it helps",  # upstream's "but" rule scales the first equal value: love*0.5 == helps
    "I love love love it but hate hate hate the price", "not so good", "never so happy", "never this happy",
    "without doubt good", "sort of nice", "SORT OF NICE", "kind of NICE", "Extremely GOOD but VERY bad",
    "cut the mustard", "under the weather", "in the red", "I can't stand it", "fed up", "screwed up",
    "( '}{' )", "aint good", "ain't good", "isn't great", "wasn't bad", "uh-uh good", "hardly good",
    "Great!!!!!!!", "Great??", "Great???", "Great????", "Bad!?!?", "Thanks. No.", "No. Thanks.",
    "Booking no QX7RTZ. Thanks.", "👍👍👍", "😡😡 worst", "I ❤️ this", "café au lait est délicieux",
    "Ich bin überrascht zu sehen, nur wie erstaunlich nützlich VADER!", "我很惊讶地看到VADER是如此有用!",
    "¡Qué bueno!", "naïve but good", "GOOD\u00a0bad", "good\u2003bad", "tab\tseparated good", "İstanbul good",
    "ＧＯＯＤ", "x" * 300, "good " * 200, "!" * 50 + " good", "but " * 30 + "good", "no " * 20 + "good",
]

_VOCAB = ("good great bad awful love hate not no never nor without but BUT kind of sort very VERY extremely "
          "barely least at this so the shit bomb bad ass yeah right kiss death to die for a it is was I you "
          "GREAT Bad HATE!! :) :( :D <3 lol LOL 😁 💔 👍 🙃 ok okay thanks please help n't isn't can't "
          "doesn't won't hardly somewhat kinda Kind Of? ?? !!! ... , . nice poor fine happy sad").split()


def _synthetic(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_VOCAB) for _ in range(rng.randint(1, 25))) for _ in range(n)]


def _differences(texts) -> list[tuple[str, dict, dict]]:
    fast, upstream = FastVader(), VaderScorer()
    out = []
    for text in texts:
        a, b = fast.polarity_scores(text), upstream.polarity_scores(text)
        if repr(a) != repr(b):  # repr: same keys, same order, same float bits (even -0.0)
            out.append((text, a, b))
    return out


def test_identical_on_edge_cases():
    assert _differences(EDGE_CASES) == []


def test_identical_on_random_token_soup():
    # negations, boosters, "but", idioms, capitals, emojis and punctuation in every order
    assert _differences(_synthetic(4000, seed=151)) == []


def test_valence_sum_and_single_pass_agree_with_polarity_scores():
    fast = FastVader()
    for text in EDGE_CASES + _synthetic(300, seed=7):
        scores, valence = fast.scores_and_valence(fast.tokenize(text))
        assert scores == fast.polarity_scores(text)
        assert valence == fast.valence_sum(text)


def test_lexicon_variant_leaves_upstream_lexicon_alone():
    variant = FastVader({"good": None, "meh": -1.0})
    assert "good" not in variant.lexicon and variant.lexicon["meh"] == -1.0
    assert FastVader().lexicon["good"] == vader_internals().lexicon["good"] == 1.9
    assert variant.polarity_scores("good")["compound"] == 0.0


def test_checks_the_pinned_upstream_version():
    assert vader_internals().version == "3.3.2"  # the fast path copies 3.3.2's rules


def _shared_texts(shared) -> list[str]:
    texts = [r.text for name in GROUND_TRUTH_SETS for r in ground_truth(shared, name)]
    texts += [r["text"] for r in twcs_rows(shared)]
    texts += list(ibm_client_turns(shared).values()) + ibm_agent_turns(shared)
    return texts


def test_identical_on_all_shared_corpora(shared_data):
    texts = _shared_texts(shared_data)
    assert len(texts) > 30_000  # 23,703 rated texts, 5,000 tweets, ~2,300 support turns
    assert _differences(texts) == []


@pytest.mark.parametrize("name", GROUND_TRUTH_SETS)
def test_ground_truth_files_parse_completely(shared_data, name):
    expected = {"tweets": 4200, "amazonReviewSnippets": 3708, "movieReviewSnippets": 10605,
                "nytEditorialSnippets": 5190}
    assert len(ground_truth(shared_data, name)) == expected[name]


def test_tokenize_keeps_upstream_tokens_and_marks_sentence_ends():
    fast = FastVader()
    for text in EDGE_CASES + ["One. Two!\nThree", "a... b", "line one\n\nline two  ", "Ends here."]:
        tokens = fast.tokenize(text)
        assert tokens.raw == tokens.text.split()
        assert tokens.ends == sorted(set(tokens.ends)) and (not tokens.raw or tokens.ends[-1] == len(tokens.raw))
    assert fast.tokenize("One. Two!\nThree four").ends == [1, 2, 4]
    assert fast.tokenize("U.S. trip was great... really").ends == [1, 4, 5]


def test_sentence_valences_of_one_sentence_equal_its_valence_sum():
    fast = FastVader()
    for text in ["good", "VERY GOOD but bad!!!", "no good at all", "kind of nice", "😁 great"]:
        assert fast.sentence_valences(fast.tokenize(text)) == [fast.valence_sum(text)]
    two = fast.sentence_valences(fast.tokenize("Booking no 123. Thanks."))
    assert two == [fast.valence_sum("Booking no 123."), fast.valence_sum("Thanks.")]
