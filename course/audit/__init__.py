"""The audit trail: who did what to whose record, when and why.

One vocabulary for every action, whether on an account or on a module's quiz, so each reads the same on
the admin console, the trainee's page and the data export. Services record an event in the same
transaction as the change it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..errors import CourseError
from ..extensions import db
from ..identity.models import User
from .models import AuditEvent

ACTIONS = {
    # on an account
    "name-change": "Changed the display name",
    "role-change": "Changed the role",
    "deactivate": "Deactivated the account",
    "reactivate": "Reactivated the account",
    "password-reset-sent": "Sent a password reset link",
    "erase": "Erased the account's personal data",
    "invite": "Invited to a cohort",
    "details-change": "Corrected the name or email",
    "email-confirmed": "Marked the email as confirmed",
    "confirmation-sent": "Sent the email confirmation link",
    "cohort-add": "Added to a cohort",
    "cohort-instructor": "Made an instructor of a cohort",
    # on one module's quiz: the event names the module
    "extra-attempt": "Granted one extra attempt",
    "waive-wait": "Waived the retake wait",
    "reset": "Reset the quiz (earlier attempts kept, no longer counted)",
    # staying current (recertification/): recorded as the holder's own, since their answers caused them
    "lapse": "The module lapsed (refreshers not kept up)",
    "renewal": "Renewed the module",
    "certificate-renewal": "Renewed the certificate",
}
QUIZ_ACTIONS = ("extra-attempt", "waive-wait", "reset")
MODULE_ACTIONS = (*QUIZ_ACTIONS, "lapse", "renewal")  # the events that name a module
REASON_MAX = 500


def check_reason(reason: str | None) -> str:
    """The reason a person gave, trimmed; refused when empty or too long (the form says the same)."""
    reason = (reason or "").strip()
    if not reason:
        raise CourseError("Give a reason: it is kept in the audit trail.")
    if len(reason) > REASON_MAX:
        raise CourseError(f"Keep the reason under {REASON_MAX} characters.")
    return reason


def record(
    actor_id: int | None, subject_id: int, action: str, reason: str, now: datetime, module_slug: str | None = None
) -> AuditEvent:
    """Add an event to the session; the caller commits it with the change it records."""
    if action not in ACTIONS or (action in MODULE_ACTIONS) != (module_slug is not None):
        raise ValueError(action)
    event = AuditEvent(
        actor_id=actor_id,
        subject_id=subject_id,
        module_slug=module_slug,
        action=action,
        reason=reason.strip()[:REASON_MAX],
        created_at=now,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class Entry:
    """One line of the trail as people read it."""

    created_at: datetime
    actor_id: int | None
    actor_name: str | None  # None once the actor's account is gone
    module_slug: str | None
    action: str
    reason: str

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def trail(subject_id: int) -> list[Entry]:
    """Every event about this person, newest first."""
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEvent, actor.display_name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    return [Entry(e.created_at, e.actor_id, name, e.module_slug, e.action, e.reason) for e, name in rows]
