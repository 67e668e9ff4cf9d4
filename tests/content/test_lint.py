"""The quiz lint rules of issue 9: each one on a small catalog that trips it and one that does not."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from course.content import Catalog, Module, Option, Question, Quiz, check_content, lint
from course.content.itemlint import cue_words

FIXTURES = Path(__file__).parent / "fixtures"


def single(qid: str, right: str, *wrong: str, prompt: str = "Which statement is accurate?") -> Question:
    options = (Option(right, correct=True), *(Option(w) for w in wrong))
    return Question(qid, "single", "risks", prompt, "Because.", "m#p", options=options, objective=1, level="recall")


def multiple(qid: str, right: list[str], wrong: list[str]) -> Question:
    options = (*(Option(r, correct=True) for r in right), *(Option(w) for w in wrong))
    prompt = "Which are accurate? Select all that apply."
    return Question(qid, "multiple", "risks", prompt, "Because.", "m#p", options=options, objective=1, level="recall")


def true_false(qid: str, answer: bool, prompt: str = "", objective: int = 1) -> Question:
    prompt = prompt or f"Statement {qid}."
    return Question(
        qid, "true_false", "legal", prompt, "Because.", "m#p", answer=answer, objective=objective, level="recall"
    )


def catalog(*banks: list[Question], objectives: int = 1) -> Catalog:
    """One module per bank, each with `objectives` objectives and its bank as its quiz."""
    modules = []
    for number, questions in enumerate(banks, start=1):
        slug = f"m{number}"
        quiz = Quiz(slug, "Check", 80, 1, None, 0, "highest", tuple(questions), "v", path=f"quizzes/{slug}.yaml")
        goals = tuple(f"Objective {i}." for i in range(1, objectives + 1))
        modules.append(Module(number, slug, "Title", "Summary.", 5, goals, (), "", (), quiz, f"lessons/{slug}.md"))
    return Catalog(tuple(modules))


def warnings(cat: Catalog, containing: str) -> list[str]:
    return [str(p) for p in lint.lint(cat) if containing in p.message]


# --- 1. cue words ------------------------------------------------------------------------------------


def test_absolute_words_only_in_wrong_options_are_flagged():
    q = single("abs", "Blood pressure tends to rise", "It never changes", "It falls in every patient")
    assert cue_words(q) == "absolute words (never, every) appear only in wrong options"
    assert warnings(catalog([q]), "absolute words") == [
        "quizzes/m1.yaml:0: 'abs': absolute words (never, every) appear only in wrong options, "
        "so the key can be guessed from the wording"
    ]


def test_hedges_only_in_right_options_are_flagged():
    q = single("hedge", "It may raise blood pressure", "It lowers blood pressure", "It stops breathing")
    assert cue_words(q) == "hedges (may) appear only in right options"


def test_both_cues_in_one_item_give_one_warning():
    q = single("both", "Breathing is usually kept", "Breathing ALWAYS stops", "Breathing stops")
    assert (
        cue_words(q)
        == "absolute words (always) appear only in wrong options; hedges (usually) appear only in right options"
    )
    assert len(warnings(catalog([q]), "'both'")) == 1


def test_multiple_questions_are_checked_with_all_their_right_options():
    flagged = multiple("m", ["It can cause cystitis", "It raises blood pressure"], ["It is completely safe"])
    assert cue_words(flagged) == (
        "absolute words (completely) appear only in wrong options; hedges (can) appear only in right options"
    )
    balanced = multiple("b", ["It can cause cystitis", "Only a clinic may give it"], ["It can never harm"])
    assert cue_words(balanced) is None


@pytest.mark.parametrize(
    "options",
    [
        ("It is only given in a clinic", "It is only sold online", "It is sold online"),  # absolutes on both sides
        ("It can raise blood pressure", "It can lower it", "It lowers it"),  # hedges on both sides
        ("Doctors allow it", "Nobody sees it", "Somebody sells it"),  # "all", "none", "some" inside other words
        ("It is FDA-approved", "It is unapproved", "It is banned"),  # no cue at all
    ],
)
def test_balanced_or_absent_cue_words_are_not_flagged(options):
    assert cue_words(single("ok", *options)) is None


def test_cannot_and_cant_are_absolutes_not_the_hedge_can():
    assert cue_words(single("c", "It raises blood pressure", "It can't be abused", "Neither")) == (
        "absolute words (can't) appear only in wrong options"
    )
    assert cue_words(single("c", "It cannot be sold online", "It is sold online", "Neither")) is None
    assert cue_words(single("c", "It can't be sold online", "It is sold online", "Neither")) is None


def test_true_false_and_matching_questions_have_no_cue_word_check():
    assert cue_words(true_false("tf", False, "Ketamine never raises blood pressure.")) is None


# --- 2. true/false balance ---------------------------------------------------------------------------


TRUE_FALSE_CASES = [
    (1, 4, True), (2, 4, False), (3, 4, True), (2, 5, False), (3, 5, False), (1, 5, True), (4, 6, True),
    (0, 3, False), (3, 3, False),
]  # fmt: skip


@pytest.mark.parametrize(("trues", "total", "flagged"), TRUE_FALSE_CASES)
def test_true_false_share_must_be_between_40_and_60_percent(trues, total, flagged):
    bank = [true_false(f"tf{i}", i < trues) for i in range(total)]
    found = warnings(catalog(bank), "true/false answers are true")
    assert len(found) == flagged
    if flagged:
        assert f"{trues} of {total} true/false answers are true" in found[0]


# --- 3. near-duplicates across banks -----------------------------------------------------------------


def test_a_reworded_statement_in_another_quiz_is_flagged_with_both_ids():
    a = true_false("us-schedule", True, "In the United States, ketamine is a Schedule III controlled substance.")
    b = true_false("us-status", False, "Ketamine is a Schedule-III controlled substance in the United States!")
    found = warnings(catalog([a], [b]), "near-duplicate")
    assert found == [
        "quizzes/m2.yaml:0: 'us-status' is a near-duplicate of 'us-schedule' (quizzes/m1.yaml:0; "
        "similarity 1.00): trainees would meet one item twice under two ids"
    ]


NEAR = [
    # (statement in one quiz, statement in another, flagged): the threshold, 0.85, from both sides
    ("Racemic ketamine is FDA-approved for the treatment of depression.",
     "In the US, racemic ketamine is FDA-approved for the treatment of depression.", True),  # 0.87: a clause added
    ("Racemic ketamine is FDA-approved for the treatment of depression.",
     "Esketamine is FDA-approved for the treatment of depression.", False),  # 0.84: a different fact
]  # fmt: skip


@pytest.mark.parametrize(("first", "second", "flagged"), NEAR)
def test_near_duplicate_threshold(first, second, flagged):
    found = warnings(catalog([true_false("a", False, first)], [true_false("b", True, second)]), "near-duplicate")
    assert len(found) == flagged


def test_options_count_so_a_shared_stem_with_different_options_is_no_duplicate():
    a = single("a", "It blocks the NMDA receptor", "It inhibits serotonin reuptake", "It enhances GABA-A")
    b = single("b", "Blood pressure usually rises", "Blood pressure falls", "Breathing always stops")
    same_but_shuffled = single(
        "c", "It blocks the NMDA receptor", "It enhances GABA-A", "It inhibits serotonin reuptake"
    )
    assert warnings(catalog([a], [b]), "near-duplicate") == []
    assert len(warnings(catalog([a], [b, same_but_shuffled]), "near-duplicate")) == 1


def test_related_but_distinct_items_and_repeats_within_one_quiz_are_not_flagged():
    us = true_false("us", True, "Ketamine is a Schedule III controlled substance in the United States.")
    uk = true_false("uk", True, "Ketamine is a Class B drug in the United Kingdom.")
    assert warnings(catalog([us], [uk]), "near-duplicate") == []
    assert warnings(catalog([us, true_false("us-again", True, us.prompt)]), "near-duplicate") == []


def test_near_duplicate_check_stays_fast_on_two_hundred_items():
    words = ["ketamine", "dose", "blood", "pressure", "bladder", "clinic", "trial", "receptor", "law", "session"]

    def statement(b: int, i: int) -> str:
        return " ".join(words[(b * 7 + i * j) % len(words)] for j in range(12)) + f" {b} {i}"

    banks = [[true_false(f"q{b}-{i}", i % 2 == 0, statement(b, i)) for i in range(17)] for b in range(12)]
    start = time.perf_counter()
    lint.lint(catalog(*banks))
    assert time.perf_counter() - start < 5  # words and cheap bounds: about 0.3 s; characters took minutes


# --- 4. key length -----------------------------------------------------------------------------------


def test_right_option_longest_in_more_than_half_of_single_questions_is_flagged():
    longest = single("l1", "The longest option of all", "Short", "Shorter one")
    bank = [
        longest,
        single("l2", "Also the longest option", "Short", "Tiny"),
        single("n", "Mid size", "A", "Longer than mid"),
    ]
    assert warnings(catalog(bank), "the correct option is") == [
        "quizzes/m1.yaml:1: the correct option is the longest in 2 of 3 single questions"
    ]
    assert warnings(catalog(bank[1:]), "the correct option is") == []  # 1 of 2 is not more than half


def test_right_option_shortest_in_more_than_half_is_flagged_and_ties_do_not_count():
    bank = [single("s1", "Short", "Much longer", "Longer still"), single("s2", "Tiny", "Not so tiny", "Quite long")]
    assert warnings(catalog(bank), "the correct option is") == [
        "quizzes/m1.yaml:1: the correct option is the shortest in 2 of 2 single questions"
    ]
    tied = [single("t1", "Equal", "Same!", "Longer one"), single("t2", "Equal", "Same!", "Longer one")]
    assert warnings(catalog(tied), "the correct option is") == []
    tied_longest = [single("t1", "Equal", "Same!", "A"), single("t2", "Equal", "Same!", "B")]
    assert warnings(catalog(tied_longest), "the correct option is") == []


# --- 5. objectives -----------------------------------------------------------------------------------


def test_objectives_with_no_question_or_fewer_than_three_are_flagged():
    bank = [true_false(f"o2-{i}", i % 2 == 0, objective=2) for i in range(2)]
    bank += [true_false(f"o3-{i}", i % 2 == 0, objective=3) for i in range(3)]
    bank += [true_false("missing", True, objective=0)]  # the loader's error in a file; the lint names it too
    assert warnings(catalog(bank, objectives=3), "objective") == [
        "quizzes/m1.yaml:0: 'missing': no objective",
        "quizzes/m1.yaml:1: objective 1 of module 'm1' has no question",
        "quizzes/m1.yaml:1: objective 2 of module 'm1' has 2 questions, fewer than 3: "
        "a trainee who misses it cannot be retested with an unseen question",
    ]


def test_an_objective_with_three_questions_is_not_flagged_and_unknown_numbers_do_not_crash():
    bank = [true_false(f"q{i}", i % 2 == 0, objective=1) for i in range(3)] + [true_false("x", True, objective=9)]
    assert warnings(catalog(bank, objectives=1), "objective") == []


# --- through the validator ---------------------------------------------------------------------------


def test_check_content_reports_each_new_rule_on_a_fixture_course(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", course)
    shutil.copy(FIXTURES / "lint" / "02-beta.yaml", course / "quizzes" / "02-beta.yaml")
    report = check_content(course / "lessons", course / "quizzes")
    assert report.catalog is not None and report.errors == []
    # the fixture predates levels: its "no level" warnings are tested in test_levels.py
    beta = [str(w) for w in report.warnings if w.path == "quizzes/02-beta.yaml" and "no level" not in w.message]
    assert beta == [
        "quizzes/02-beta.yaml:1: 4 of 4 true/false answers are true (100%); "
        "keep the share of true answers between 40% and 60%",
        "quizzes/02-beta.yaml:1: objective 1 of module 'beta' has 2 questions, fewer than 3: "
        "a trainee who misses it cannot be retested with an unseen question",
        "quizzes/02-beta.yaml:1: the correct option is the shortest in 1 of 1 single questions",
        "quizzes/02-beta.yaml:9: 'beta-cue-words': absolute words (never, all, always) appear only in wrong "
        "options; hedges (may) appear only in right options, so the key can be guessed from the wording",
        "quizzes/02-beta.yaml:21: 'beta-reworded-statement' is a near-duplicate of 'alpha-true-false' "
        "(quizzes/01-alpha.yaml:34; similarity 1.00): trainees would meet one item twice under two ids",
    ]
    # every question of the valid fixture tests alpha's first objective: its second has none
    assert "quizzes/01-alpha.yaml:1: objective 2 of module 'alpha' has no question" in map(str, report.warnings)


# --- 6. cognitive levels and multiple-select structure (issue 22) ----------------------------------------


def levelled(levels: str) -> list[Question]:
    """One true/false question per letter: a(pplication), u(nderstanding), r(ecall); alternately true."""
    names = {"a": "application", "u": "understanding", "r": "recall"}
    return [
        replace(true_false(f"q{i}", i % 2 == 0, f"Statement number {i} about {names[c]}."), level=names[c])
        for i, c in enumerate(levels)
    ]


@pytest.mark.parametrize(("levels", "flagged"), [
    ("aaaauuurrr", []),
    ("aaaauuuurr", []),
    ("aaauuuuurr", ["3 of 10 questions are application (30%); at least 35%"]),
    ("aaaaurrrrr", ["5 of 10 questions are recall (50%); at most 40%"]),
    ("aaaaaaauuuuuurrrrrrr", []),  # 7/20 = 35% application and 7/20 = 35% recall: both limits are inclusive
    ("aaaaaauuuuuuurrrrrrr", ["6 of 20 questions are application (30%); at least 35%"]),
    ("aaaaaaauuuuurrrrrrrr", []),  # 8/20 = 40% recall: still allowed
    ("aaaaaaauuuurrrrrrrrr", ["9 of 20 questions are recall (45%); at most 40%"]),
])  # fmt: skip
def test_level_shares_per_bank(levels, flagged):
    found = [w.split(": ", 1)[1] for w in warnings(catalog(levelled(levels)), "questions are")]
    assert [w[: len(f)] for w, f in zip(found, flagged, strict=False)] == flagged and len(found) == len(flagged)


def test_a_question_without_a_level_or_objective_is_named():
    bank = [replace(q, level="") for q in levelled("aaaauuurrr")[:1]] + levelled("aaaauuurrr")[1:]
    bank.append(replace(true_false("no-objective", True, "A statement without an objective."), objective=0))
    assert warnings(catalog(bank), "no level") == ["quizzes/m1.yaml:0: 'q0': no level"]
    assert warnings(catalog(bank), "no objective") == ["quizzes/m1.yaml:0: 'no-objective': no objective"]


def test_multiple_select_items_that_all_have_the_same_number_of_wrong_options_are_flagged():
    two_wrong = [multiple(f"m{i}", [f"R{i}a", f"R{i}b", f"R{i}c"], [f"W{i}a", f"W{i}b"]) for i in range(3)]
    assert warnings(catalog(two_wrong), "multiple-select") == [
        "quizzes/m1.yaml:1: all 3 multiple-select questions have 2 wrong options; vary the number (1 to 3) "
        "so it cannot be learnt"
    ]
    varied = [*two_wrong[:2], multiple("m9", ["R9a", "R9b"], ["W9a", "W9b", "W9c"])]
    assert warnings(catalog(varied), "multiple-select") == []
    assert warnings(catalog(two_wrong[:1]), "multiple-select") == []  # one item has no spread to judge


def test_a_multiple_select_item_with_no_wrong_option_is_flagged():
    everything = multiple("all-right", ["A", "B", "C"], [])
    assert warnings(catalog([everything, multiple("other", ["A", "B"], ["C"])]), "no wrong option") == [
        "quizzes/m1.yaml:0: 'all-right': a multiple-select question with no wrong option"
    ]
