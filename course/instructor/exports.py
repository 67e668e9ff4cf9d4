"""Long exports for analysis elsewhere: one CSV row per served question, and xAPI statements.

Both walk one ordered join of items, attempts and trainees with `yield_per`, so a download of a million
rows starts at once and holds a few thousand rows in memory at a time, never the whole file. The rows
come in index order (trainee, module, attempt number, position), which needs no sort on either database.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, func, select

from ..content.model import Catalog
from ..content.types import TYPES
from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import User
from ..learning.models import ModuleSummary
from ..quizzes.grading import describe_answer
from ..quizzes.models import AttemptItem, QuizAttempt
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

VERBS = ("attempted", "answered", "passed", "failed", "completed")
# A fixed namespace: the same statement content gets the same id in every export, on every server, so
# a learning record store can take a re-export without duplicating anything.
STATEMENT_NAMESPACE = uuid.UUID("7b0f3c1e-52a4-4c1d-9a59-3f0b6a1c2d84")
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
COURSE = "http://adlnet.gov/expapi/activities/course"


def _interaction_type(snapshot: dict) -> str:
    kind = TYPES.get(snapshot.get("type", ""))
    return kind.xapi if kind else "other"


def utc(moment: datetime | None) -> str:
    """Stored times are naive UTC; the 'Z' says so to whoever reads the file without our docs."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else ""


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
    """Every served item of every submitted attempt the viewer may see, in the order of the unique index
    on (user_id, module_slug, number) and then (attempt_id, position), so no database has to sort."""
    return (
        select(
            User.id.label("user_id"),
            User.display_name,
            User.email,
            QuizAttempt.id.label("attempt_id"),
            QuizAttempt.module_slug,
            QuizAttempt.quiz_version,
            QuizAttempt.course_version,
            QuizAttempt.number,
            QuizAttempt.practice,
            QuizAttempt.started_at,
            QuizAttempt.submitted_at,
            QuizAttempt.score.label("attempt_score"),
            QuizAttempt.max_score,
            QuizAttempt.percent,
            QuizAttempt.passed,
            AttemptItem.position,
            AttemptItem.question_id,
            AttemptItem.theme,
            AttemptItem.snapshot,
            AttemptItem.response,
            AttemptItem.answered_at,
            AttemptItem.score,
        )
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .join(AttemptItem, AttemptItem.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.status == "submitted", User.id.in_(access.visible_trainee_ids(viewer)))
        .order_by(User.id, QuizAttempt.module_slug, QuizAttempt.number, AttemptItem.position)
    )


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


class _Statements:
    """Builds the statements of one export; knows the base URL and the catalog's titles."""

    def __init__(self, base_url: str, catalog: Catalog, course_name: str):
        self.base_url = base_url
        self.catalog = catalog
        self.course_name = course_name

    def line(self, verb: str, actor: dict, activity: dict, timestamp: datetime | None, **extra) -> str:
        statement = {
            "actor": actor,
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
            "object": activity,
            "timestamp": utc(timestamp),
            **extra,
        }
        content = json.dumps(statement, sort_keys=True, separators=(",", ":"))
        statement = {"id": str(uuid.uuid5(STATEMENT_NAMESPACE, content)), **statement}
        return json.dumps(statement, separators=(",", ":"), ensure_ascii=False) + "\n"

    @staticmethod
    def actor(row) -> dict:
        return {"objectType": "Agent", "name": row.display_name, "mbox": f"mailto:{row.email}"}

    def quiz(self, slug: str) -> dict:
        module = self.catalog.module(slug)
        title = module.quiz.title if module and module.quiz else slug
        return {
            "objectType": "Activity",
            "id": f"{self.base_url}/modules/{slug}/quiz",
            "definition": {"name": {"en-US": title}, "type": ASSESSMENT},
        }

    def question(self, row) -> dict:
        return {
            "objectType": "Activity",
            "id": f"{self.base_url}/questions/{row.question_id}",
            "definition": {
                "name": {"en-US": row.snapshot.get("prompt", row.question_id)},
                "type": INTERACTION,
                "interactionType": _interaction_type(row.snapshot),
            },
        }

    def course(self) -> dict:
        return {
            "objectType": "Activity",
            "id": f"{self.base_url}/",
            "definition": {"name": {"en-US": self.course_name}, "type": COURSE},
        }

    def context(self, row, parent: dict | None = None) -> dict:
        # The attempt number makes two attempts started in the same second distinct statements. The course
        # version is added only where it was recorded, so statements of older attempts keep their ids.
        extensions = {f"{self.base_url}/xapi/attempt-number": row.number}
        if row.course_version:
            extensions[f"{self.base_url}/xapi/course-version"] = row.course_version
        context = {"extensions": extensions}
        if parent is not None:
            context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": parent["id"]}]}
        return context

    def attempted(self, row) -> str:
        return self.line(
            "attempted", self.actor(row), self.quiz(row.module_slug), row.started_at, context=self.context(row)
        )

    def answered(self, row) -> str:
        score = row.score or 0.0
        result = {
            "score": {"scaled": score},
            "success": score == 1,
            "response": describe_answer(row.snapshot, row.response),
        }
        return self.line(
            "answered",
            self.actor(row),
            self.question(row),
            row.answered_at or row.submitted_at,
            result=result,
            context=self.context(row, self.quiz(row.module_slug)),
        )

    def outcome(self, row) -> str:
        result = {
            "score": {
                "scaled": round((row.percent or 0.0) / 100, 4),
                "raw": row.attempt_score,
                "min": 0,
                "max": row.max_score,
            },
            "success": bool(row.passed),
            "completion": True,
        }
        verb = "passed" if row.passed else "failed"
        return self.line(
            verb,
            self.actor(row),
            self.quiz(row.module_slug),
            row.submitted_at,
            result=result,
            context=self.context(row),
        )

    def completed(self, row, when: datetime | None) -> str:
        return self.line(
            "completed", self.actor(row), self.course(), when, result={"completion": True, "success": True}
        )


def xapi_lines(viewer: User, catalog: Catalog, base_url: str, course_name: str) -> Iterator[str]:
    """xAPI statements as JSON lines: per submitted attempt "attempted", one "answered" per served item,
    then "passed" or "failed"; and "completed" once for each trainee who has passed every module.

    "completed" is stamped with the submission time of the trainee's latest counted (not practice)
    attempt: with attempts after a pass marked as practice, that is the attempt that passed the last
    module, and it stays the same when the trainee later practises, so re-exports keep the same id.
    """
    build = _Statements(base_url, catalog, course_name)
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
