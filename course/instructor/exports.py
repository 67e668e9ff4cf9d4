"""Long exports for analysis elsewhere: one CSV row per served question, and xAPI statements.

Both walk one ordered join of items, attempts and trainees with `yield_per`, so a download of a million
rows starts at once and holds a few thousand rows in memory at a time, never the whole file. The rows
come in index order (trainee, module, attempt number, position), which needs no sort on either database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, func, select

from ..content.model import Catalog
from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import User
from ..learning.models import ModuleSummary
from ..quizzes.grading import describe_answer
from ..xapi.statements import Statements, item_rows, utc
from . import access

BATCH = 2000
ANSWER_HEADER = [
    "trainee",
    "email",
    "cohorts",
    "module",
    "quiz_version",
    "course_version",
    "attempt",
    "question_id",
    "theme",
    "answer",
    "correct",
    "score",
    "started_utc",
    "submitted_utc",
]


def _cohort_names(viewer: User) -> dict[int, str]:
    """Every visible trainee's cohorts in one query up front, instead of one per row or a dialect's
    string aggregate: ten thousand short strings are cheap to hold."""
    names: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        select(CohortMember.user_id, Cohort.name)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(
            CohortMember.user_id.in_(access.visible_trainee_ids(viewer)),
            CohortMember.cohort_id.in_(access.visible_cohort_ids(viewer)),
        )
        .order_by(Cohort.name)
    ):
        names.setdefault(user_id, []).append(name)
    return {user_id: "; ".join(values) for user_id, values in names.items()}


def _items(viewer: User) -> Select:
    """Every served item of every submitted attempt the viewer may see, in index order."""
    return item_rows().where(User.id.in_(access.visible_trainee_ids(viewer)))


def _stream(stmt: Select):
    return db.session.execute(stmt.execution_options(yield_per=BATCH))


def answer_rows(viewer: User) -> Iterator[list]:
    """The header, then one row per served question of every submitted attempt.

    Unanswered questions are rows too ("(no answer)", correct 0, score 0): a question skipped is as
    telling for item analysis as one answered wrongly, and leaving it out would make attempts look
    shorter than they were. Open attempts are left out, as their answers may still change.
    """
    cohorts = _cohort_names(viewer)
    yield ANSWER_HEADER
    for row in _stream(_items(viewer)):
        score = row.score or 0.0
        yield [
            row.display_name,
            row.email,
            cohorts.get(row.user_id, ""),
            row.module_slug,
            row.quiz_version,
            row.course_version or "",
            row.number,
            row.question_id,
            row.theme,
            describe_answer(row.snapshot, row.response),
            int(score == 1),
            score,
            utc(row.started_at),
            utc(row.submitted_at),
        ]


def _completed_trainees(viewer: User, catalog: Catalog) -> set[int]:
    """Read from the summaries, like the matrix, so "completed" here means what "passed all" means there."""
    slugs = [m.slug for m in catalog.modules]
    return set(
        db.session.scalars(
            select(ModuleSummary.user_id)
            .where(
                ModuleSummary.passed.is_(True),
                ModuleSummary.module_slug.in_(slugs),
                ModuleSummary.user_id.in_(access.visible_trainee_ids(viewer)),
            )
            .group_by(ModuleSummary.user_id)
            .having(func.count() == len(slugs))
        )
    )


def xapi_lines(viewer: User, catalog: Catalog, base_url: str, course_name: str) -> Iterator[str]:
    """xAPI statements as JSON lines: per submitted attempt "attempted", one "answered" per served item,
    then "passed" or "failed"; and "completed" once for each trainee who has passed every module.

    "completed" is stamped with the submission time of the trainee's latest counted (not practice)
    attempt: with attempts after a pass marked as practice, that is the attempt that passed the last
    module, and it stays the same when the trainee later practises, so re-exports keep the same id.
    """
    build = Statements(base_url, catalog, course_name)
    completed = _completed_trainees(viewer, catalog)
    previous = None  # the last row of the attempt being written
    finished_at: datetime | None = None  # latest counted submission of the current trainee
    for row in _stream(_items(viewer)):
        if previous is None or row.attempt_id != previous.attempt_id:
            if previous is not None:
                yield build.outcome(previous)
                if row.user_id != previous.user_id:
                    if previous.user_id in completed:
                        yield build.completed(previous, finished_at)
                    finished_at = None
            yield build.attempted(row)
            if not row.practice and row.submitted_at and (finished_at is None or row.submitted_at > finished_at):
                finished_at = row.submitted_at
        yield build.answered(row)
        previous = row
    if previous is not None:
        yield build.outcome(previous)
        if previous.user_id in completed:
            yield build.completed(previous, finished_at)
