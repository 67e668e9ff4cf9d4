"""The checkers, one per question type, without an app."""

from __future__ import annotations

import random

import pytest

from course.content.model import Option, Pair, Question
from course.quizzes import grading
from course.quizzes.serving import public_view, serve


def question(qtype: str, **fields) -> Question:
    return Question(id="q", type=qtype, theme="risks", prompt="P?", explanation="E.", lesson="m#p", **fields)


SINGLE = question("single", options=(Option("right", True), Option("wrong a"), Option("wrong b")))
MULTIPLE = question(
    "multiple", options=(Option("r1", True), Option("r2", True), Option("r3", True), Option("w1"), Option("w2"))
)
TRUE_FALSE = question("true_false", answer=False)
MATCHING = question("matching", pairs=(Pair("a", "1"), Pair("b", "2"), Pair("c", "3"), Pair("d", "4")))


def served(q: Question) -> dict:
    return serve(q, random.Random(7))


def keys(snapshot: dict, *texts: str) -> list[str]:
    return [o["key"] for o in snapshot["options"] if o["text"] in texts]


def test_single_and_true_false():
    s = served(SINGLE)
    assert grading.score_answer(s, grading.parse_answer(s, {"choice": keys(s, "right")})) == 1.0
    assert grading.score_answer(s, grading.parse_answer(s, {"choice": keys(s, "wrong a")})) == 0.0
    tf = served(TRUE_FALSE)
    assert grading.score_answer(tf, grading.parse_answer(tf, {"choice": ["false"]})) == 1.0
    assert grading.score_answer(tf, grading.parse_answer(tf, {"choice": ["true"]})) == 0.0


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (("r1", "r2", "r3"), 1.0),
        (("r1", "r2"), pytest.approx(2 / 3)),
        (("r1", "r2", "r3", "w1"), pytest.approx(2 / 3)),
        (("r1", "w1"), 0.0),
        (("r1", "r2", "r3", "w1", "w2"), pytest.approx(1 / 3)),
        (("w1", "w2"), 0.0),  # never negative
    ],
)
def test_multiple_partial_credit(chosen, expected):
    s = served(MULTIPLE)
    assert grading.score_answer(s, grading.parse_answer(s, {"choice": keys(s, *chosen)})) == expected


def test_matching_partial_credit():
    s = served(MATCHING)
    rights = {r["text"]: r["key"] for r in s["rights"]}
    by_left = {left["text"]: left["key"] for left in s["lefts"]}
    form = {
        f"match-{by_left['a']}": [rights["1"]],
        f"match-{by_left['b']}": [rights["2"]],
        f"match-{by_left['c']}": [rights["4"]],
    }
    assert grading.score_answer(s, grading.parse_answer(s, form)) == 0.5


def test_unanswered_scores_zero_and_parses_to_none():
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, MATCHING):
        s = served(q)
        assert grading.parse_answer(s, {}) is None
        assert grading.score_answer(s, None) == 0.0


@pytest.mark.parametrize(
    ("q", "form"),
    [
        (SINGLE, {"choice": ["forged"]}),
        (SINGLE, {"choice": ["a", "b"]}),
        (MULTIPLE, {"choice": ["forged"]}),
        (TRUE_FALSE, {"choice": ["maybe"]}),
        (MATCHING, {"match-forged": ["x"]}),
    ],
)
def test_forged_answers_are_refused(q, form):
    with pytest.raises(grading.InvalidAnswer):
        grading.parse_answer(served(q), form)


def test_matching_refuses_a_right_item_that_was_not_served():
    s = served(MATCHING)
    with pytest.raises(grading.InvalidAnswer):
        grading.parse_answer(s, {f"match-{s['lefts'][0]['key']}": ["not-a-key"]})


def test_right_answer_scores_one_for_every_type():
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, MATCHING):
        s = served(q)
        assert grading.score_answer(s, grading.right_answer(s)) == 1.0


def test_answers_in_words_one_part_per_option_or_pair():
    m = served(MULTIPLE)
    chosen = {"choices": sorted(keys(m, "r1", "w2"))}
    assert sorted(grading.answer_parts(m, chosen)) == ["r1", "w2"]
    assert grading.describe_answer(m, chosen) in ("r1; w2", "w2; r1")
    pairs = served(MATCHING)
    lefts = pairs["lefts"]
    one = {"matches": {lefts[0]["key"]: lefts[0]["answer"]}}
    parts = grading.answer_parts(pairs, one)
    pair_of = {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert parts[0] == f"{lefts[0]['text']} → {pair_of[lefts[0]['text']]}"
    assert parts[1:] == [f"{left['text']} → (none)" for left in lefts[1:]]
    t = served(TRUE_FALSE)
    assert grading.answer_parts(t, grading.right_answer(t)) == ["False"]
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, MATCHING):
        assert grading.answer_parts(served(q), None) == []
        assert grading.describe_answer(served(q), None) == "(no answer)"


def test_grade_totals_and_pass_mark():
    snaps = [served(SINGLE), served(TRUE_FALSE), served(MULTIPLE)]
    responses = [grading.right_answer(snaps[0]), grading.right_answer(snaps[1]), None]
    result = grading.grade(snaps, responses, pass_mark=66)
    assert (result.score, result.max_score, result.percent, result.passed) == (2.0, 3.0, 66.7, True)
    assert not grading.grade(snaps, responses, pass_mark=80).passed


def test_public_view_contains_nothing_that_marks_the_answer():
    for q in (SINGLE, MULTIPLE, TRUE_FALSE, MATCHING):
        view = repr(public_view(served(q)))
        assert "correct" not in view and "answer" not in view and "explanation" not in view and "E." not in view


def test_serving_shuffles_options_with_fresh_keys():
    orders = {tuple(o["text"] for o in serve(SINGLE, random.Random(seed))["options"]) for seed in range(20)}
    assert len(orders) > 1
    a, b = serve(SINGLE, random.Random(1)), serve(SINGLE, random.Random(2))
    assert {o["key"] for o in a["options"]}.isdisjoint({o["key"] for o in b["options"]})


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 90.0), ("latest", 70.0), ("first", 40.0), ("average", 66.7)]
)
def test_module_score_methods(method, expected):
    assert grading.module_score([40.0, 90.0, 70.0], method) == expected
    assert grading.module_score([], method) is None
