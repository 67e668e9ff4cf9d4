"""Audit events about accounts (not about a quiz): who did what to whom, when and why.

The quiz actions keep their own vocabulary (`quizzes/overrides.py`); these events have no module.
"""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..quizzes.models import AuditEvent

ACTIONS = {
    "name-change": "Changed the display name",
    "role-change": "Changed the role",
    "deactivate": "Deactivated the account",
    "reactivate": "Reactivated the account",
    "password-reset-sent": "Sent a password reset link",
    "erase": "Erased the account's personal data",
    "invite": "Invited to a cohort",
}
REASON_MAX = 500


def record(actor_id: int | None, subject_id: int, action: str, reason: str, now: datetime) -> AuditEvent:
    """Add an event to the session; the caller commits it with the change it records."""
    if action not in ACTIONS:
        raise ValueError(action)
    event = AuditEvent(
        actor_id=actor_id,
        subject_id=subject_id,
        module_slug=None,
        action=action,
        reason=reason.strip()[:REASON_MAX],
        created_at=now,
    )
    db.session.add(event)
    return event
