"""Read-only reports over attempts: item statistics per quiz and theme mastery. The numbers come from
the pure `statistics` module; this module only gathers the marks, scoped to what the viewer may see."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select

from ..content.model import Module
from ..extensions import db
from ..identity.models import User
from ..quizzes.mastery import theme_mastery
from ..quizzes.models import AttemptItem, QuizAttempt
from ..quizzes.rules import AttemptStatus
from . import statistics
from .access import visible_trainee_ids


@dataclass(frozen=True)
class ObjectiveRow:
    number: int
    text: str
    questions: int  # in the pool
    pool_exhausted: int  # draws that had to repeat a question whose answer the trainee had been shown


@dataclass(frozen=True)
class QuizReport:
    module: Module
    first: statistics.QuizStats  # first attempts only: how questions behave on a first encounter
    all: statistics.QuizStats  # every attempt, retakes and practice included
    prompts: dict[str, str]
    objectives: list[ObjectiveRow]
    scores: tuple[float, ...] = ()  # every submitted attempt's score, percent of the marks it served


def quiz_report(viewer: User, module: Module, cohort_id: int | None = None) -> QuizReport:
    rows = db.session.execute(
        select(
            AttemptItem.attempt_id,
            AttemptItem.question_id,
            AttemptItem.score,
            AttemptItem.pool_exhausted,
            QuizAttempt.number,
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.status == AttemptStatus.SUBMITTED,
            QuizAttempt.user_id.in_(visible_trainee_ids(viewer, cohort_id)),
        )
    )
    attempts: dict[int, dict[str, float]] = {}
    firsts: set[int] = set()
    objective_of = {q.id: q.objective for q in module.quiz.questions}
    exhausted: dict[int, int] = {}
    for attempt_id, question_id, score, pool_exhausted, number in rows:
        attempts.setdefault(attempt_id, {})[question_id] = score or 0.0
        if number == 1:
            firsts.add(attempt_id)
        if pool_exhausted and question_id in objective_of:
            exhausted[objective_of[question_id]] = exhausted.get(objective_of[question_id], 0) + 1
    prompts = {q.id: q.prompt for q in module.quiz.questions}
    objectives = [
        ObjectiveRow(n, text, sum(o == n for o in objective_of.values()), exhausted.get(n, 0))
        for n, text in enumerate(module.objectives, start=1)
    ]
    return QuizReport(
        module,
        statistics.analyse([marks for attempt_id, marks in attempts.items() if attempt_id in firsts]),
        statistics.analyse(list(attempts.values())),
        prompts,
        objectives,
        tuple(100.0 * math.fsum(marks.values()) / len(marks) for marks in attempts.values() if marks),
    )


def trainee_mastery(trainee_id: int) -> dict[str, float | None]:
    return theme_mastery(select(User.id).where(User.id == trainee_id))


def cohort_mastery(viewer: User, cohort_id: int | None) -> dict[str, float | None]:
    return theme_mastery(visible_trainee_ids(viewer, cohort_id))
