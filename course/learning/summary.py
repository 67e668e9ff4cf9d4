"""Keeps `ModuleSummary` rows in step with the raw learner data they summarise.

Each function is called inside the use case that changed the data, before its commit, so the summary
and the change land together or not at all. Each costs one or two statements.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select

from ..content.model import Module
from ..database import upsert
from ..extensions import db
from ..quizzes.grading import module_score
from ..quizzes.models import QuizAllowance, QuizAttempt
from .models import LessonProgress, ModuleSummary

KEY = ("user_id", "module_slug")


def touch(user_id: int, module_slug: str, now: datetime) -> None:
    upsert(ModuleSummary, {"user_id": user_id, "module_slug": module_slug}, {"last_activity_at": now})


def record_pages(user_id: int, module: Module, now: datetime) -> None:
    done = db.session.scalar(
        select(func.count()).where(
            LessonProgress.user_id == user_id,
            LessonProgress.module_slug == module.slug,
            LessonProgress.completed_at.is_not(None),
            LessonProgress.page_anchor.in_([p.anchor for p in module.pages]),
        )
    )
    upsert(
        ModuleSummary,
        {"user_id": user_id, "module_slug": module.slug},
        {"pages_done": done, "lessons_done": done == len(module.pages), "last_activity_at": now},
    )


def record_attempts(user_id: int, module: Module, now: datetime) -> None:
    """Recount the counted attempts: submitted, not practice, not before an instructor's reset."""
    reset_after = (
        select(QuizAllowance.reset_after)
        .where(QuizAllowance.user_id == user_id, QuizAllowance.module_slug == module.slug)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(QuizAttempt.percent, QuizAttempt.passed)
        .where(
            and_(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_slug == module.slug,
                QuizAttempt.status == "submitted",
                QuizAttempt.practice.is_(False),
                QuizAttempt.number > func.coalesce(reset_after, 0),
            )
        )
        .order_by(QuizAttempt.number)
    ).all()
    score = module_score([r.percent or 0.0 for r in rows], module.quiz.grading)
    upsert(
        ModuleSummary,
        {"user_id": user_id, "module_slug": module.slug},
        {
            "attempts": len(rows),
            "failed_attempts": sum(1 for r in rows if not r.passed),
            "score": score,
            "passed": score is not None and score >= module.quiz.pass_mark,
            "last_activity_at": now,
        },
    )
