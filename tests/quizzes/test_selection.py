"""The blueprinted draw, without an app: examples first, then properties over any history and any pool."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from course.quizzes.selection import Candidate, History, draw, missed_objectives

# 15 questions, objectives 1-3 with 5 each: q1-q5 on 1, q6-q10 on 2, q11-q15 on 3
POOL = [Candidate(f"q{i}", (i - 1) // 5 + 1) for i in range(1, 16)]
OBJECTIVE = {c.id: c.objective for c in POOL}


def ids(drawn) -> list[str]:
    return [d.id for d in drawn]


def test_draws_the_requested_number_without_repeats():
    for seed in range(50):
        chosen = ids(draw(POOL, 5, random.Random(seed)))
        assert len(chosen) == len(set(chosen)) == 5 and set(chosen) <= set(OBJECTIVE)


def test_every_objective_is_covered_before_one_repeats():
    for seed in range(50):
        chosen = ids(draw(POOL, 5, random.Random(seed)))
        counts = Counter(OBJECTIVE[q] for q in chosen)
        assert set(counts) == {1, 2, 3} and max(counts.values()) - min(counts.values()) <= 1


def test_missed_objectives_come_first_when_the_attempt_is_shorter_than_the_blueprint():
    history = History(missed_objectives=frozenset({3}))
    for seed in range(50):
        assert 3 in {OBJECTIVE[q] for q in ids(draw(POOL, 1, random.Random(seed), history))}


def test_a_retake_avoids_questions_whose_answer_was_revealed():
    revealed = frozenset({"q1", "q2", "q3", "q6"})
    history = History(seen=Counter(revealed), revealed=revealed, missed_objectives=frozenset({1, 2}))
    for seed in range(50):
        drawn = draw(POOL, 6, random.Random(seed), history)
        assert not revealed & set(ids(drawn)) and not any(d.pool_exhausted for d in drawn)


def test_unseen_questions_come_before_seen_ones_then_the_least_recently_seen():
    seen = Counter({"q1": 1, "q2": 1, "q3": 1, "q4": 2})
    last_seen = {"q1": 3, "q2": 1, "q3": 2, "q4": 3}
    single_objective = POOL[:5]
    for seed in range(30):
        rng = random.Random(seed)
        assert ids(draw(single_objective, 1, rng, History(seen, last_seen))) == ["q5"]  # never seen
        assert set(ids(draw(single_objective, 3, rng, History(seen, last_seen)))) == {"q5", "q2", "q3"}


def test_an_exhausted_objective_falls_back_to_the_least_recently_revealed_and_says_so():
    revealed = frozenset(c.id for c in POOL[:5])
    history = History(
        seen=Counter(revealed), last_seen={"q1": 4, "q2": 2, "q3": 5, "q4": 3, "q5": 6}, revealed=revealed
    )
    drawn = draw(POOL[:5], 1, random.Random(1), history)
    assert drawn[0].id == "q2" and drawn[0].pool_exhausted


def test_order_is_shuffled_not_priority_order():
    history = History(missed_objectives=frozenset({1}))
    firsts = {ids(draw(POOL, 5, random.Random(seed), history))[0] for seed in range(30)}
    assert len({OBJECTIVE[q] for q in firsts}) > 1


def test_small_pool_draws_everything_once():
    assert sorted(ids(draw(POOL[:3], 5, random.Random(1)))) == ["q1", "q2", "q3"]


def test_missed_objectives_are_those_not_fully_right():
    assert missed_objectives([(1, 1.0), (2, 0.5), (3, 0.0), (1, 0.0)]) == {1, 2, 3}
    assert missed_objectives([(1, 1.0), (2, 1.0)]) == frozenset()


# --- properties: any pool, any history --------------------------------------------------------------


@st.composite
def pools_and_histories(draw_from):
    size = draw_from(st.integers(1, 25))
    objectives = draw_from(st.lists(st.integers(1, 4), min_size=size, max_size=size))
    pool = [Candidate(f"q{i}", objective) for i, objective in enumerate(objectives)]
    names = [c.id for c in pool]
    seen = Counter(draw_from(st.dictionaries(st.sampled_from(names), st.integers(1, 6))))
    last_seen = {q: draw_from(st.integers(1, 20)) for q in seen}
    revealed = frozenset(draw_from(st.lists(st.sampled_from(sorted(seen)), unique=True))) if seen else frozenset()
    missed = frozenset(draw_from(st.lists(st.integers(1, 4), unique=True)))
    count = draw_from(st.integers(1, 12))
    return pool, count, History(seen, last_seen, revealed, missed), draw_from(st.integers(0, 2**32))


@settings(max_examples=300, deadline=None)
@given(pools_and_histories())
def test_the_draw_keeps_its_promises_for_any_history(case):
    pool, count, history, seed = case
    drawn = draw(pool, count, random.Random(seed), history)
    chosen = ids(drawn)
    objective = {c.id: c.objective for c in pool}
    by_objective: dict[int, set[str]] = {}
    for c in pool:
        by_objective.setdefault(c.objective, set()).add(c.id)

    # the requested number, or the whole pool; never a question twice
    assert len(chosen) == min(count, len(pool)) == len(set(chosen))
    # blueprint: as many objectives as the attempt allows before any repeats
    covered = Counter(objective[q] for q in chosen)
    assert len(covered) == min(len(chosen), len(by_objective))
    # missed objectives are retested first, as far as the attempt allows
    missed_present = {o for o in history.missed_objectives if o in by_objective}
    assert len(missed_present & set(covered)) == min(len(missed_present), len(chosen))
    for o, questions in by_objective.items():
        mine = [d for d in drawn if objective[d.id] == o]
        unrevealed = questions - history.revealed
        # never a revealed question while an unrevealed one on the same objective is left undrawn
        if any(d.id in history.revealed for d in mine):
            assert unrevealed <= set(chosen)
        # unseen before seen, among the unrevealed
        if any(history.seen[d.id] and d.id not in history.revealed for d in mine):
            assert {q for q in unrevealed if not history.seen[q]} <= set(chosen)
        # the exhausted flag says exactly that a revealed question had to be drawn
        assert all(d.pool_exhausted == (d.id in history.revealed) for d in mine)
