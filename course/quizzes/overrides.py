"""Instructor actions on a trainee's quiz: another attempt, a waived wait, a reset.

Each needs a reason, writes an AuditEvent in the same transaction, and never deletes an attempt: a reset
only moves the line below which attempts stop counting, so the history stays complete.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from .. import audit
from ..audit.models import AuditEvent
from ..clock import utcnow
from ..content.model import Module
from ..errors import CourseError
from ..extensions import db
from . import summary
from .models import QuizAllowance, QuizAttempt
from .rules import AttemptStatus


def _change_allowance(user_id: int, module_slug: str, **changes) -> None:
    """Make sure the row exists (an insert that does nothing if it does), then change it in one UPDATE.

    Never read-modify-write: with a read first, two instructors' simultaneous "extra attempt" both read
    the same count and one increment was lost (20 audit events, an allowance of 4), and two first inserts
    collided on the unique key (a 500 on PostgreSQL). `extra_attempts = extra_attempts + 1` is evaluated
    by the database under its row lock, so the allowance always matches the audit trail.
    """
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(QuizAllowance)
        .values(user_id=user_id, module_slug=module_slug, extra_attempts=0, wait_waived_after=0, reset_after=0)
        .on_conflict_do_nothing(index_elements=["user_id", "module_slug"])
    )
    db.session.execute(
        update(QuizAllowance)
        .where(QuizAllowance.user_id == user_id, QuizAllowance.module_slug == module_slug)
        .values(**changes)
        .execution_options(synchronize_session="fetch")
    )


def _refuse_what_changes_nothing(trainee_id: int, module: Module, action: str, last: int) -> None:
    """An action that would change nothing is refused, so the audit trail never records one as done."""
    quiz = module.quiz
    if action == "extra-attempt" and quiz.max_attempts is None:
        raise CourseError("This quiz has no limit on attempts: an extra attempt would change nothing.")
    if action == "reset" and not last:
        raise CourseError("This trainee has submitted no attempt at this quiz: there is nothing to reset.")
    if action == "waive-wait":
        failed_last = db.session.scalar(
            select(QuizAttempt.passed).where(
                QuizAttempt.user_id == trainee_id,
                QuizAttempt.module_slug == module.slug,
                QuizAttempt.number == last,
            )
        )
        if not quiz.retake_wait_minutes or not last or failed_last is not False:
            raise CourseError("No retake wait applies to this trainee's quiz now: there is nothing to waive.")


def apply(
    actor_id: int, trainee_id: int, module: Module, action: str, reason: str, now: datetime | None = None
) -> AuditEvent:
    now = now or utcnow()
    if action not in audit.QUIZ_ACTIONS:
        raise CourseError("Unknown action.")
    reason = audit.check_reason(reason)
    last = (
        db.session.scalar(
            select(func.max(QuizAttempt.number)).where(
                QuizAttempt.user_id == trainee_id,
                QuizAttempt.module_slug == module.slug,
                QuizAttempt.status == AttemptStatus.SUBMITTED,
            )
        )
        or 0
    )
    _refuse_what_changes_nothing(trainee_id, module, action, last)
    if action == "extra-attempt":
        _change_allowance(trainee_id, module.slug, extra_attempts=QuizAllowance.extra_attempts + 1)
    elif action == "waive-wait":
        _change_allowance(trainee_id, module.slug, wait_waived_after=last)
    else:
        _change_allowance(trainee_id, module.slug, reset_after=last)
    event = audit.record(actor_id, trainee_id, action, reason, now, module_slug=module.slug)
    db.session.flush()
    if action == "reset":
        summary.record_attempts(trainee_id, module, now)
    db.session.commit()
    return event
