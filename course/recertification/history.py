"""A trainee's staying-current history after their passes, simulated for `flask demo seed`. PURE apart
from the rules it applies (schedule.py, policy.py): the same FSRS schedule and the same lapse and renewal
rule as the app, so the demo's states are ones the app itself would reach.

Three kinds of trainee: one who keeps up (answers each refresher within a few days of its date), one
who stops answering at some point (and lapses 30 days later), one who never answers. Answers are right
with a chance that falls with the days since the pass, a little faster for objectives that are hard.
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from ..content.model import Certification
from . import policy, schedule

KEEPS_UP, STOPS = 0.35, 0.35  # the rest never answer a refresher
KEPT_DAYS = 120  # answers older than this are simulated (they move the schedule) but not kept: demo size


@dataclass(frozen=True)
class Answer:
    objective: int
    at: datetime
    right: bool
    days_since_pass: int


@dataclass
class ModuleHistory:
    period: policy.Period
    cards: dict[int, schedule.Scheduled] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)
    events: list[tuple[datetime, policy.Event]] = field(default_factory=list)


_FSRS = schedule.scheduler(schedule.DEFAULT_FSRS)
_BASE = datetime(2000, 1, 1)


def _step(card: tuple, right: bool, late_days: int) -> tuple[tuple, int]:
    """One review `late_days` after the due date, from a card state reduced to what FSRS reads; the result
    is the next state and the days to its due date. The state is rounded (stability to two significant
    digits, difficulty to a tenth) so that trainees share cached steps: without it nearly every step was a
    new FSRS computation, half the time of seeding 10,000 trainees. An interval moves by 5% at most."""
    stability, difficulty, interval = card
    return _cached_step((float(f"{stability:.2g}"), round(difficulty, 1), interval), right, late_days)


@lru_cache(maxsize=200_000)
def _cached_step(card: tuple, right: bool, late_days: int) -> tuple[tuple, int]:
    stability, difficulty, interval = card
    last = _BASE
    due = last + timedelta(days=interval)
    state = {"card_id": 1, "state": 2, "step": None, "stability": stability, "difficulty": difficulty}
    state |= {"due": due.isoformat() + "+00:00", "last_review": last.isoformat() + "+00:00"}
    at = due + timedelta(days=late_days)
    after = schedule.review(_FSRS, state, right, at)
    days = max(1, round((after.due_at - at).total_seconds() / 86400))
    return (after.card["stability"], after.card["difficulty"], days), days


def simulate(
    passed_at: datetime,
    objectives: int,
    ability: float,
    now: datetime,
    rules: Certification,
    rng: random.Random,
) -> ModuleHistory:
    """One module's period, schedule and refresher answers from its pass until `now`."""
    kind = rng.random()
    stops_at = now if kind < KEEPS_UP else passed_at + timedelta(days=rng.uniform(20, 400))
    if kind >= KEEPS_UP + STOPS:
        stops_at = passed_at
    history = ModuleHistory(policy.Period(passed_at, policy.valid_until(passed_at, rules)))
    states: dict[int, tuple[tuple, datetime]] = {}
    missed: set[int] = set()
    for number in range(1, objectives + 1):
        first = schedule.first_review(_FSRS, number, passed_at, fully_right=rng.random() < 0.8)
        days = round((first.due_at - passed_at).total_seconds() / 86400)
        states[number] = ((first.card["stability"], first.card["difficulty"], days), first.due_at)
    queue = [(due, number) for number, (_, due) in states.items()]  # the next objective due comes first
    heapq.heapify(queue)
    while True:
        due, number = queue[0]
        card = states[number][0]
        late = rng.choice((0, 0, 1, 2))
        at = due + timedelta(days=late, hours=rng.uniform(8, 18) - due.hour)
        if at > min(now, stops_at) or at <= passed_at:
            break
        period, events = policy.advance(history.period, True, at, rules)
        history.events += [(at, e) for e in events]
        history.period = period
        since = (at - period.certified_at).days
        reread = 2.0 if number in missed else 0.0  # a miss sends the trainee back to the lesson
        chance = 1 / (1 + math.exp(-(ability + 2.0 + reread - 0.0015 * since - 0.4 * (number % 3))))
        right = rng.random() < chance
        if right:
            missed.discard(number)
        else:
            missed.add(number)
        if (now - at).days <= KEPT_DAYS:
            history.answers.append(Answer(number, at, right, since))
        new_card, days = _step(card, right, late)
        states[number] = (new_card, at + timedelta(days=days))
        heapq.heapreplace(queue, (at + timedelta(days=days), number))
    for number, (card, due) in states.items():
        stability, difficulty, interval = card
        last = due - timedelta(days=interval)
        state = {"card_id": number, "state": 2, "step": None, "stability": stability, "difficulty": difficulty}
        state |= {"due": due.isoformat() + "+00:00", "last_review": last.isoformat() + "+00:00"}
        history.cards[number] = schedule.Scheduled(state, due)
    overdue = (now - min(due for _, due in states.values())).total_seconds() / 86400
    scores = [1.0 if a.right else 0.0 for a in reversed(history.answers)]
    lapse_at = min(now, max(passed_at, stops_at) + timedelta(days=rules.overdue_days + 1))
    keeps = policy.kept_up([overdue], scores, rules)
    period, events = policy.advance(history.period, keeps, lapse_at if not keeps else now, rules)
    history.events += [(lapse_at if e is policy.Event.LAPSE else now, e) for e in events]
    history.period = period
    return history
