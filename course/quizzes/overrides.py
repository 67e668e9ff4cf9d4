"""Instructor actions on a trainee's quiz: another attempt, a waived wait, a reset.

Each needs a reason, writes an AuditEvent in the same transaction, and never deletes an attempt: a reset
only moves the line below which attempts stop counting, so the history stays complete.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..clock import utcnow
from ..content.model import Module
from ..errors import CourseError
from ..extensions import db
from . import summary
from .models import AuditEvent, QuizAllowance, QuizAttempt
from .rules import AttemptStatus

ACTIONS = {
    "extra-attempt": "Granted one extra attempt",
    "waive-wait": "Waived the retake wait",
    "reset": "Reset the quiz (earlier attempts kept, no longer counted)",
}
REASON_MAX = 500


def _allowance(user_id: int, module_slug: str) -> QuizAllowance:
    row = db.session.scalar(
        select(QuizAllowance).where(QuizAllowance.user_id == user_id, QuizAllowance.module_slug == module_slug)
    )
    if row is None:
        row = QuizAllowance(
            user_id=user_id, module_slug=module_slug, extra_attempts=0, wait_waived_after=0, reset_after=0
        )
        db.session.add(row)
    return row


def apply(
    actor_id: int, trainee_id: int, module: Module, action: str, reason: str, now: datetime | None = None
) -> AuditEvent:
    now = now or utcnow()
    reason = reason.strip()
    if action not in ACTIONS:
        raise CourseError("Unknown action.")
    if not reason:
        raise CourseError("Give a reason: it is kept in the trainee's record.")
    if len(reason) > REASON_MAX:
        raise CourseError(f"Keep the reason under {REASON_MAX} characters.")
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
    allowance = _allowance(trainee_id, module.slug)
    if action == "extra-attempt":
        allowance.extra_attempts += 1
    elif action == "waive-wait":
        allowance.wait_waived_after = last
    else:
        allowance.reset_after = last
    event = AuditEvent(
        actor_id=actor_id, subject_id=trainee_id, module_slug=module.slug, action=action, reason=reason, created_at=now
    )
    db.session.add(event)
    db.session.flush()
    if action == "reset":
        summary.record_attempts(trainee_id, module, now)
    db.session.commit()
    return event
