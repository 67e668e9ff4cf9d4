"""The refresher schedule and draw, without an app: hypothesis checks the rules whatever the answers."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from course.recertification import schedule

FSRS = schedule.scheduler(schedule.SchedulerSettings())
START = datetime(2026, 1, 1, 9, 0)

answers = st.lists(st.tuples(st.booleans(), st.floats(min_value=0, max_value=120)), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(objectives=st.integers(1, 8), missed=st.sets(st.integers(1, 8)), history=answers)
def test_every_passed_objective_is_scheduled_and_due_dates_only_move_forward(objectives, missed, history):
    cards = {n: schedule.first_review(FSRS, n, START, fully_right=n not in missed) for n in range(1, objectives + 1)}
    assert set(cards) == set(range(1, objectives + 1))
    assert all(card.due_at > START for card in cards.values())
    now = START
    card = cards[1]
    for right, days_later in history:
        now = now + timedelta(days=days_later)
        after = schedule.review(FSRS, card.card, right, now)
        assert after.due_at > now  # every review puts the next one after it
        if right:
            assert after.due_at >= card.due_at  # a right answer never brings the date closer
        card = after


def test_a_missed_objective_comes_due_sooner_than_a_right_one():
    first = schedule.first_review(FSRS, 1, START, fully_right=True)
    at = first.due_at
    right = schedule.review(FSRS, first.card, True, at)
    wrong = schedule.review(FSRS, first.card, False, at)
    assert wrong.due_at < right.due_at
    assert schedule.first_review(FSRS, 1, START, False).due_at < first.due_at


def _objectives(draw_data, count):
    return [
        schedule.Objective("m", n, START + timedelta(days=draw_data.draw(st.integers(-40, 40))))
        for n in range(1, count + 1)
    ]


@settings(max_examples=80, deadline=None)
@given(data=st.data(), count=st.integers(1, 8), pool_size=st.integers(1, 5), fresh=st.integers(1, 60))
def test_a_refresher_asks_each_due_objective_never_a_recent_question_while_others_remain(data, count, pool_size, fresh):
    objectives = _objectives(data, count)
    pools = {("m", o.number): [f"q{o.number}-{i}" for i in range(pool_size)] for o in objectives}
    every = [q for pool in pools.values() for q in pool]
    seen_ago = data.draw(st.dictionaries(st.sampled_from(every), st.integers(0, 90)))
    last_seen = {q: START - timedelta(days=d) for q, d in seen_ago.items()}
    picks = schedule.draw(objectives, pools, last_seen, START, random.Random(1), 3, 5, fresh)
    due = [o for o in objectives if o.due_at <= START]
    if not due:
        assert picks == []
        return
    assert len(picks) == len({p.question_id for p in picks})  # no question twice
    picked_objectives = {p.objective for p in picks}
    if len(due) <= 5:
        assert {o.number for o in due} <= picked_objectives  # at least one per due objective
    assert min(3, count * pool_size) <= len(picks) <= 5
    recent = START - timedelta(days=fresh)
    for objective in picked_objectives:
        picked = {p.question_id for p in picks if p.objective == objective}
        fresh_ones = {q for q in pools[("m", objective)] if q not in last_seen or last_seen[q] <= recent}
        if picked - fresh_ones:  # a recent question only once every fresh one of its objective is taken
            assert fresh_ones <= picked


def test_unseen_first_then_the_longest_ago():
    objective = [schedule.Objective("m", 1, START - timedelta(days=1))]
    pools = {("m", 1): ["a", "b", "c"]}
    seen = {"a": START - timedelta(days=100), "b": START - timedelta(days=200)}
    assert schedule.draw(objective, pools, seen, START, random.Random(0))[0].question_id == "c"
    seen["c"] = START - timedelta(days=50)
    assert schedule.draw(objective, pools, seen, START, random.Random(0))[0].question_id == "b"
