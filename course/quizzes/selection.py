"""Which questions a new attempt draws. PURE: standard library only.

An attempt is blueprinted: it covers as many of the module's objectives as it has questions before it
repeats one, starting with the objectives the trainee missed last time, so a retake retests exactly what
went wrong. Within an objective it takes a question whose right answer the trainee has not been shown
(unseen first, then the least seen and longest ago), so copying a review never passes a retake. Only when
every question on an objective has been revealed does it fall back to the least recently revealed one,
and it says so (`Drawn.pool_exhausted`) for the instructor's statistics. A question is never drawn twice
in one attempt, and the drawn questions are shuffled, so the served order says nothing about priority.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    id: str
    objective: int


@dataclass(frozen=True)
class History:
    """What the trainee has met of this quiz before, from their submitted attempts."""

    seen: Counter[str] = field(default_factory=Counter)  # how many times each question was served
    last_seen: Mapping[str, int] = field(default_factory=dict)  # number of the latest attempt that served it
    revealed: frozenset[str] = frozenset()  # questions whose right answer the trainee has been shown
    missed_objectives: frozenset[int] = frozenset()  # objectives not fully right in the latest attempt


@dataclass(frozen=True)
class Drawn:
    id: str
    pool_exhausted: bool  # every question on its objective had been revealed to this trainee


def _preference(candidate: Candidate, history: History, tiebreak: float) -> tuple:
    return (
        candidate.id in history.revealed,
        history.seen[candidate.id],
        history.last_seen.get(candidate.id, -1),
        tiebreak,
    )


def draw(pool: Sequence[Candidate], count: int, rng: random.Random, history: History | None = None) -> list[Drawn]:
    history = history or History()
    by_objective: dict[int, list[Candidate]] = {}
    for candidate in pool:
        by_objective.setdefault(candidate.objective, []).append(candidate)
    for candidates in by_objective.values():
        tiebreaks = {c.id: rng.random() for c in candidates}
        candidates.sort(key=lambda c: _preference(c, history, tiebreaks[c.id]))
    objectives = list(by_objective)
    rng.shuffle(objectives)
    objectives.sort(key=lambda o: o not in history.missed_objectives)  # stable: missed ones first

    chosen: list[Drawn] = []
    while len(chosen) < min(count, len(pool)):
        for objective in objectives:
            if len(chosen) == count or not by_objective[objective]:
                continue
            candidate = by_objective[objective].pop(0)  # revealed ones sort last: reaching one means none is left
            chosen.append(Drawn(candidate.id, pool_exhausted=candidate.id in history.revealed))
    rng.shuffle(chosen)
    return chosen


def missed_objectives(latest_attempt: Iterable[tuple[int, float]]) -> frozenset[int]:
    """The objectives of the questions not fully right, from (objective, score) pairs of one attempt."""
    return frozenset(objective for objective, score in latest_attempt if score < 1)
