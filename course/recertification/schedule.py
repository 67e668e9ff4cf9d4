"""When each objective of a passed module is due again, and which questions a refresher draws.
PURE: the standard library and `fsrs`, so hypothesis can check the rules without an app.

Each objective is one FSRS card. The pass is its first review: an objective answered fully right in the
passing attempt is rated Easy, one with a mistake Good, so the first refresher comes after days, not
minutes (learning steps are for flash cards reviewed in one sitting; a clinic refresher is days apart).
A refresher answer is the next review: right is Good, wrong is Again, so a missed objective comes due
sooner. Two rules hold whatever the answers (tests/recertification/test_schedule.py):

- every review sets the next due date after the moment of the review (due dates only move forward);
- a right answer never brings a due date closer (an objective answered before it was due keeps its date).

A refresher takes at least one question per due objective (the most overdue first, at most `most`
questions), then fills up to `least` from the objectives due next, and then, if the trainee has fewer
objectives than that, with further questions on the same ones. Within an objective it prefers a
question not seen in the last `fresh_days` (in a quiz or a refresher), then the unseen, then the one seen
longest ago: no refresher repeats a recent question while the objective has another.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler


@dataclass(frozen=True)
class SchedulerSettings:
    """The FSRS settings (REFRESHER_* in the app's settings)."""

    desired_retention: float = 0.9
    maximum_interval_days: int = 180
    parameters: tuple[float, ...] | None = None  # FSRS-6 weights; None: the library's defaults

    @classmethod
    def from_config(cls, config: Mapping) -> SchedulerSettings:
        return cls(
            config["REFRESHER_DESIRED_RETENTION"],
            config["REFRESHER_MAXIMUM_INTERVAL_DAYS"],
            config["REFRESHER_FSRS_PARAMETERS"],
        )


DEFAULT_FSRS = SchedulerSettings()


def scheduler(settings: SchedulerSettings) -> Scheduler:
    extra = {"parameters": settings.parameters} if settings.parameters else {}
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=settings.maximum_interval_days,
        enable_fuzzing=False,  # the same answers give the same dates: tests and trainees can rely on them
        **extra,
    )


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Scheduled:
    card: dict  # fsrs.Card.to_dict(), stored as JSON
    due_at: datetime  # naive UTC, like every time in the database


def first_review(fsrs: Scheduler, objective: int, passed_at: datetime, fully_right: bool) -> Scheduled:
    """An objective's schedule from the pass: its first refresher comes after days, sooner after a mistake."""
    rating = Rating.Easy if fully_right else Rating.Good
    card, _ = fsrs.review_card(Card(card_id=objective), rating, _aware(passed_at))
    return Scheduled(card.to_dict(), _naive(card.due))


def review(fsrs: Scheduler, card: dict, right: bool, at: datetime) -> Scheduled:
    """The schedule after a refresher answer at `at`."""
    before = Card.from_dict(card)
    after, _ = fsrs.review_card(before, Rating.Good if right else Rating.Again, _aware(at))
    due = _naive(after.due)
    if right:
        due = max(due, _naive(before.due))
    return Scheduled(after.to_dict() | {"due": _aware(due).isoformat()}, max(due, at + timedelta(minutes=1)))


@dataclass(frozen=True)
class Objective:
    module: str
    number: int
    due_at: datetime


@dataclass(frozen=True)
class Pick:
    module: str
    objective: int
    question_id: str


def _question(
    pool: Sequence[str], last_seen: Mapping[str, datetime], now: datetime, fresh_days: int, rng: random.Random
) -> str | None:
    recent = now - timedelta(days=fresh_days)
    tiebreak = {q: rng.random() for q in pool}
    ranked = sorted(
        pool,
        key=lambda q: (
            q in last_seen and last_seen[q] > recent,  # seen in the last `fresh_days`: last resort
            q in last_seen,  # unseen first
            last_seen.get(q, datetime.min),  # then the one seen longest ago
            tiebreak[q],
        ),
    )
    return ranked[0] if ranked else None


def draw(
    objectives: Sequence[Objective],
    pools: Mapping[tuple[str, int], Sequence[str]],
    last_seen: Mapping[str, datetime],
    now: datetime,
    rng: random.Random,
    least: int = 3,
    most: int = 5,
    fresh_days: int = 30,
) -> list[Pick]:
    """The questions of one refresher: the due objectives first (most overdue first), then the next due.

    `objectives` are every scheduled objective of the trainee; `pools` the question ids of each
    (module, objective); `last_seen` when each question was last served to this trainee (quiz or
    refresher; ids are unique across the course). Nothing is due: nothing is drawn.
    """
    ordered = sorted(objectives, key=lambda o: (o.due_at, o.module, o.number))
    due = [o for o in ordered if o.due_at <= now]
    if not due:
        return []
    upcoming = [o for o in ordered if o.due_at > now]
    chosen = due[:most] + upcoming[: max(0, least - len(due))]
    picks: list[Pick] = []
    while True:  # one round per objective; more rounds only to reach `least` when objectives are few
        before = len(picks)
        for objective in chosen:
            if picks and len(picks) >= (most if before == 0 else least):
                break
            taken = {p.question_id for p in picks}
            pool = [q for q in pools.get((objective.module, objective.number), ()) if q not in taken]
            question = _question(pool, last_seen, now, fresh_days, rng)
            if question is not None:
                picks.append(Pick(objective.module, objective.number, question))
        if len(picks) >= least or len(picks) == before:
            return picks
