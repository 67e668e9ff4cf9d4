"""The quiz half of `ModuleSummary` upkeep: attempts, score and pass, and the last activity; and `save`,
through which both halves write a summary and roll the trainee's `TraineeTotals` up from their summaries.

Called inside the use case that changed the data, before its commit, so the summary and the change land
together or not at all. The lesson half is `learning.summary`, which builds on this module.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from sqlalchemy import Select, bindparam, case, func, select

from ..content.model import Module
from ..core.database import upsert, upsert_from
from ..extensions import db
from ..learning.models import ModuleSummary, TraineeTotals
from .grading import module_score
from .models import QuizAllowance, QuizAttempt
from .rules import Allowance, AttemptStatus, counted

ACTIVITY_INTERVAL = timedelta(minutes=1)  # how stale "last activity" may get before a save writes it


def totals(*where) -> Select:
    """Each trainee's summaries added up, as `TraineeTotals` holds them, for the summaries `where` selects."""
    s = ModuleSummary
    return (
        select(
            s.user_id,
            func.sum(s.pages_done).label("pages_done"),
            func.sum(case((s.passed, 1), else_=0)).label("passed"),
            func.max(s.last_activity_at).label("last_activity_at"),
            func.max(case((s.passed, 0), else_=s.failed_attempts)).label("worst_fails"),
        )
        .where(*where)
        .group_by(s.user_id)
    )


@functools.cache
def _roll_up(dialect: str):
    """Built once (see `core.database.upsert`); one trainee's, the id a parameter."""
    return upsert_from(TraineeTotals, ("user_id",), totals(ModuleSummary.user_id == bindparam("trainee")))


def save(user_id: int, module_slug: str, values: dict) -> None:
    """Write one summary's `values`, then the trainee's totals from all their summaries."""
    upsert(ModuleSummary, {"user_id": user_id, "module_slug": module_slug}, values)
    db.session.execute(_roll_up(db.engine.dialect.name), {"trainee": user_id})


def touch(user_id: int, module_slug: str, now: datetime) -> None:
    save(user_id, module_slug, {"last_activity_at": now})


def record_attempts(user_id: int, module: Module, now: datetime) -> None:
    """Recount the counted attempts (the rule is `rules.counted`), in one statement."""
    reset_after = (
        select(QuizAllowance.reset_after)
        .where(QuizAllowance.user_id == user_id, QuizAllowance.module_slug == module.slug)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            QuizAttempt.number,
            QuizAttempt.status,
            QuizAttempt.practice,
            QuizAttempt.percent,
            QuizAttempt.passed,
            func.coalesce(reset_after, 0).label("reset_after"),
        ).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.status == AttemptStatus.SUBMITTED,
        )
    ).all()
    kept = counted(rows, Allowance(reset_after=rows[0].reset_after if rows else 0))
    score = module_score([r.percent or 0.0 for r in kept], module.quiz.grading)
    save(
        user_id,
        module.slug,
        {
            "attempts": len(kept),
            "failed_attempts": sum(1 for r in kept if not r.passed),
            "score": score,
            "passed": score is not None and score >= module.quiz.pass_mark,
            "last_activity_at": now,
        },
    )
