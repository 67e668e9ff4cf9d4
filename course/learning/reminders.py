"""Reminder emails for `flask reminders send`: who is due one, and a record so none goes out twice.

Two kinds: "inactive" (no activity for N days; one per spell of inactivity, keyed by the day of the last
activity) and "open-attempt" (a quiz attempt left open for more than a day; one per attempt). Only
trainees who tick "Email me reminders", whose account is active, and who have no certificate yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..identity.models import Role, User
from ..quizzes.models import QuizAttempt
from .models import Certificate, ModuleSummary, ReminderSent

OPEN_ATTEMPT_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Due:
    user: User
    kind: str  # "inactive" | "open-attempt"
    period: str
    module_slug: str = ""
    idle_days: int = 0


def _eligible():
    certified = select(Certificate.user_id)
    return select(User).where(
        User.role == Role.TRAINEE,
        User.active.is_(True),
        User.deleted_at.is_(None),
        User.wants_reminders.is_(True),
        User.id.not_in(certified),
    )


def due(now: datetime, inactive_days: int) -> list[Due]:
    already = {(r.user_id, r.kind, r.period) for r in db.session.scalars(select(ReminderSent))}
    last_activity = (
        select(ModuleSummary.user_id, func.max(ModuleSummary.last_activity_at).label("last"))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    found: list[Due] = []
    rows = db.session.execute(
        _eligible().add_columns(last_activity.c.last).outerjoin(last_activity, last_activity.c.user_id == User.id)
    )
    cutoff = now - timedelta(days=inactive_days)
    for user, last in rows:
        last = last or user.created_at
        if last is not None and last < cutoff:
            period = last.date().isoformat()
            if (user.id, "inactive", period) not in already:
                found.append(Due(user, "inactive", period, idle_days=(now - last).days))
    attempts = db.session.execute(
        _eligible()
        .add_columns(QuizAttempt.id, QuizAttempt.module_slug)
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(QuizAttempt.status == "open", QuizAttempt.started_at < now - OPEN_ATTEMPT_AFTER)
    )
    for user, attempt_id, slug in attempts:
        period = f"attempt-{attempt_id}"
        if (user.id, "open-attempt", period) not in already:
            found.append(Due(user, "open-attempt", period, module_slug=slug))
    return found


def claim(item: Due, now: datetime) -> bool:
    """Record the reminder before sending it; False when another run already did (nothing to send)."""
    db.session.add(ReminderSent(user_id=item.user.id, kind=item.kind, period=item.period, sent_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def release(item: Due) -> None:
    """The message did not leave: forget the record, so the next run tries again."""
    db.session.execute(
        delete(ReminderSent).where(
            ReminderSent.user_id == item.user.id, ReminderSent.kind == item.kind, ReminderSent.period == item.period
        )
    )
    db.session.commit()
