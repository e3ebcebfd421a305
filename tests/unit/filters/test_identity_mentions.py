"""Unintended bias: a comment that only mentions who someone is must publish.

Models trained on toxic comments learn that identity words ("gay", "Muslim", "Black") appear
beside abuse and start flagging the words themselves (Dixon et al. 2018). These sentences are
templates of our own, never training data: each says who the writer or someone else is, or
what groups did together, and nothing hostile. The false-positive rate on them must stay 0.
"""

import itertools

import pytest

from tests.unit.filters.filter_support import decide

IDENTITIES = [
    "gay",
    "lesbian",
    "bisexual",
    "transgender",
    "queer",
    "Muslim",
    "Jewish",
    "Christian",
    "Catholic",
    "Hindu",
    "Sikh",
    "Buddhist",
    "atheist",
    "Black",
    "white",
    "Asian",
    "Latino",
    "Mexican",
    "African American",
    "Arab",
    "immigrant",
    "refugee",
    "deaf",
    "blind",
    "disabled",
    "old",
    "young",
    "feminist",
]

TEMPLATES = [
    "I am a {identity} woman and I agree with this article.",
    "As a {identity} veteran, I disagree with the author's conclusion.",
    "My neighbour is {identity} and she runs the local bakery.",
    "Being {identity} has never stopped me from voting in every election.",
]

PLURALS = [
    ("Jews", "Christians"),
    ("Muslims", "Hindus"),
    ("gay men", "lesbians"),
    ("Black students", "white students"),
    ("immigrants", "farmers"),
    ("Catholics", "Protestants"),
    ("trans people", "their families"),
    ("Arabs", "Israelis"),
]

GROUP_TEMPLATES = [
    "{first} and {second} marched together through the city on Sunday.",
    "The new community centre welcomes {first} and {second} alike.",
]

SENTENCES = [template.format(identity=identity) for template, identity in itertools.product(TEMPLATES, IDENTITIES)] + [
    template.format(first=first, second=second)
    for template, (first, second) in itertools.product(GROUP_TEMPLATES, PLURALS)
]


def test_the_set_is_large_enough_to_mean_something():
    assert len(SENTENCES) >= 100


@pytest.mark.parametrize("sentence", SENTENCES)
def test_mentioning_an_identity_publishes(sentence):
    decision = decide(sentence)
    assert decision.action.value == "publish", [(v.filter_id, v.reason) for v in decision.verdicts]
