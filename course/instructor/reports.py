"""Read-only reports over attempts: item statistics per quiz and theme mastery. The numbers come from
the pure `statistics` module; this module only gathers the marks, scoped to what the viewer may see."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import case, func, select

from ..content.model import Module
from ..enrolment.models import CohortMember
from ..extensions import db
from ..identity.models import User
from ..learning.models import ModuleSummary
from ..quizzes import grading
from ..quizzes.grading import answer_parts
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


def quiz_report(
    viewer: User, module: Module, cohort_id: int | None = None, min_responses: int = statistics.MIN_RESPONSES
) -> QuizReport:
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
        statistics.analyse([marks for attempt_id, marks in attempts.items() if attempt_id in firsts], min_responses),
        statistics.analyse(list(attempts.values()), min_responses),
        prompts,
        objectives,
        tuple(100.0 * math.fsum(marks.values()) / len(marks) for marks in attempts.values() if marks),
    )


@dataclass(frozen=True)
class Choice:
    text: str  # an option, a matched pair ("item → answer"), or "(no answer)"
    right: bool  # part of the right answer
    chosen: int  # how many answers included it


@dataclass(frozen=True)
class ResponseAnalysis:
    """How often each option of one question was chosen (Moodle's response analysis), over the submitted
    attempts that served it, with the answers' count behind every share."""

    question_id: str
    prompt: str
    answers: int
    choices: list[Choice]


def response_analysis(
    viewer: User, module: Module, question_id: str, cohort_id: int | None = None
) -> ResponseAnalysis | None:
    """Counts the parts of each answer in words (the question type's own `describe`), so an option is
    counted by its text whatever order it was served in; the right answer's parts are marked."""
    question = next((q for q in module.quiz.questions if q.id == question_id), None)
    if question is None:
        return None
    rows = db.session.execute(
        select(AttemptItem.snapshot, AttemptItem.response)
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.status == AttemptStatus.SUBMITTED,
            AttemptItem.question_id == question_id,
            QuizAttempt.user_id.in_(visible_trainee_ids(viewer, cohort_id)),
        )
    )
    counts: dict[str, int] = {}
    right: set[str] = set()
    answers = 0
    for snapshot, response in rows:
        answers += 1
        right.update(answer_parts(snapshot, grading.right_answer(snapshot)))
        for part in answer_parts(snapshot, response) or ["(no answer)"]:
            counts[part] = counts.get(part, 0) + 1
    for part in right:
        counts.setdefault(part, 0)
    choices = sorted((Choice(text, text in right, n) for text, n in counts.items()), key=lambda c: (-c.chosen, c.text))
    return ResponseAnalysis(question_id, question.prompt, answers, choices)


@dataclass(frozen=True)
class CohortProgress:
    members: int
    finished: int  # passed every module
    modules_passed: int  # summed over the members

    def average(self, modules: int) -> float:
        return self.modules_passed / self.members if self.members else 0.0


def cohort_progress(cohort_ids: list[int], modules: int) -> dict[int, CohortProgress]:
    """Members, finishers and modules passed per cohort, in one query over the members' summaries."""
    if not cohort_ids:
        return {}
    per_trainee = (
        select(ModuleSummary.user_id, func.sum(case((ModuleSummary.passed, 1), else_=0)).label("passed"))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    passed = func.coalesce(per_trainee.c.passed, 0)
    rows = db.session.execute(
        select(
            CohortMember.cohort_id,
            func.count(CohortMember.user_id),
            func.sum(case((passed >= modules, 1), else_=0)),
            func.sum(passed),
        )
        .outerjoin(per_trainee, per_trainee.c.user_id == CohortMember.user_id)
        .where(CohortMember.cohort_id.in_(cohort_ids))
        .group_by(CohortMember.cohort_id)
    )
    return {cid: CohortProgress(int(n), int(done or 0), int(total or 0)) for cid, n, done, total in rows}


def trainee_mastery(trainee_id: int) -> dict[str, float | None]:
    return theme_mastery(select(User.id).where(User.id == trainee_id))


def cohort_mastery(viewer: User, cohort_id: int | None) -> dict[str, float | None]:
    return theme_mastery(visible_trainee_ids(viewer, cohort_id))
