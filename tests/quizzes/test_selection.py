"""Question selection for new attempts and retakes, without an app."""

from __future__ import annotations

import random
from collections import Counter

from course.quizzes.selection import draw

POOL = [f"q{i}" for i in range(1, 16)]


def test_draws_the_requested_number_without_repeats():
    for seed in range(50):
        chosen = draw(POOL, 5, random.Random(seed))
        assert len(chosen) == len(set(chosen)) == 5 and set(chosen) <= set(POOL)


def test_missed_questions_come_first_on_a_retake():
    for seed in range(50):
        chosen = draw(POOL, 5, random.Random(seed), Counter({q: 1 for q in POOL[:5]}), missed_last_time={"q2", "q4"})
        assert {"q2", "q4"} <= set(chosen)


def test_then_the_least_seen_questions():
    seen = Counter({q: 1 for q in POOL[:10]})  # q11..q15 never seen
    for seed in range(50):
        assert set(draw(POOL, 5, random.Random(seed), seen)) == set(POOL[10:])


def test_missed_beyond_the_count_are_all_missed_ones():
    missed = set(POOL[:8])
    assert set(draw(POOL, 5, random.Random(3), missed_last_time=missed)) <= missed


def test_order_is_shuffled_not_priority_order():
    firsts = {draw(POOL, 5, random.Random(seed), missed_last_time={"q1"})[0] for seed in range(30)}
    assert len(firsts) > 1


def test_small_pool_draws_everything_once():
    assert sorted(draw(POOL[:3], 5, random.Random(1))) == POOL[:3]
