"""xAPI statements: how the course's records read to a learning record store.

The instructor's JSONL export and the live push to an LRS (`outbox`) build them here, the same way, so a
statement has the same id in both: an LRS that already holds it from one takes it again from the other
without a duplicate.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import Select, select

from ..content.model import Catalog
from ..content.types import TYPES
from ..identity.models import User
from ..quizzes.grading import describe_answer
from ..quizzes.models import AttemptItem, QuizAttempt

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


def item_rows() -> Select:
    """Every served item of every submitted attempt, in the order of the unique index on (user_id,
    module_slug, number) and then (attempt_id, position), so no database has to sort. Callers narrow it."""
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
        .where(QuizAttempt.status == "submitted")
        .order_by(User.id, QuizAttempt.module_slug, QuizAttempt.number, AttemptItem.position)
    )


class Statements:
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
