"""A person's rights over their data: a copy of everything the course holds about them, and erasure.

Erasure keeps the account row as a tombstone (so attempts, which the question statistics count, stay
correct and anonymous) and removes what identifies the person: email, name, password, cohort places,
invitations, reminder choices, and what staff wrote about them in the audit trail (the actions stay).
Their certificate is revoked, so verification says so.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from .. import audit
from ..audit.models import AuditEvent
from ..clock import utcnow
from ..enrolment.models import Cohort, CohortInstructor, CohortMember, Invitation
from ..errors import Conflict
from ..extensions import db
from ..identity.models import User
from ..identity.passwords import verify_password
from ..identity.services import WrongPassword, end_all_sessions, keep_an_active_admin
from ..learning.models import Certificate, LessonProgress, ModuleSummary, ReminderSent
from ..lti import launch as lti_launch
from ..quizzes.grading import describe_answer
from ..quizzes.models import QuizAllowance, QuizAttempt
from ..recertification.models import ModuleCertification, RefresherCard, RefresherItem
from ..xapi import outbox as xapi_outbox

ERASED_NAME = "Deleted account"  # whatever the role was (issue 24, A5)
ERASED_REASON = "(erased with the account)"


def tombstone_email(user_id: int) -> str:
    return f"deleted-{user_id}@invalid"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def export(user_id: int) -> dict[str, Any]:
    """Everything held about one account, as JSON-ready data."""
    user = db.session.get(User, user_id)
    cohorts = db.session.execute(
        select(Cohort.name, CohortMember.joined_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
    )
    progress = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id))
    summaries = db.session.scalars(select(ModuleSummary).where(ModuleSummary.user_id == user_id))
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user_id)
        .options(selectinload(QuizAttempt.items))
        .order_by(QuizAttempt.module_slug, QuizAttempt.number)
    )
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id))
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == user_id).order_by(AuditEvent.created_at)
    )
    allowances = db.session.scalars(select(QuizAllowance).where(QuizAllowance.user_id == user_id))
    periods = db.session.scalars(select(ModuleCertification).where(ModuleCertification.user_id == user_id))
    refresher_answers = db.session.scalars(
        select(RefresherItem)
        .where(RefresherItem.user_id == user_id, RefresherItem.answered_at.is_not(None))
        .order_by(RefresherItem.answered_at)
    )
    schedule = db.session.scalars(select(RefresherCard).where(RefresherCard.user_id == user_id))
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "created_at": _iso(user.created_at),
            "email_verified_at": _iso(user.email_verified_at),
            "active": user.active,
            "wants_reminders": user.wants_reminders,
        },
        "cohorts": [{"name": name, "joined_at": _iso(joined)} for name, joined in cohorts],
        "lesson_progress": [
            {
                "module": p.module_slug,
                "page": p.page_anchor,
                "started_at": _iso(p.started_at),
                "last_viewed_at": _iso(p.last_viewed_at),
                "completed_at": _iso(p.completed_at),
            }
            for p in progress
        ],
        "module_summaries": [
            {"module": s.module_slug, "passed": s.passed, "score": s.score, "attempts": s.attempts} for s in summaries
        ],
        "attempts": [
            {
                "module": a.module_slug,
                "number": a.number,
                "status": a.status,
                "started_at": _iso(a.started_at),
                "submitted_at": _iso(a.submitted_at),
                "percent": a.percent,
                "passed": a.passed,
                "answers": [
                    {
                        "position": i.position,
                        "question_id": i.question_id,
                        "question": i.snapshot.get("prompt"),
                        "answer": describe_answer(i.snapshot, i.response),
                        "score": i.score,
                        "answered_at": _iso(i.answered_at),
                    }
                    for i in a.items
                ],
            }
            for a in attempts
        ],
        "quiz_allowances": [
            {"module": a.module_slug, "extra_attempts": a.extra_attempts} for a in allowances if a.extra_attempts
        ],
        "certificates": [
            {
                "code": c.code,
                "holder_name": c.holder_name,
                "issued_at": _iso(c.issued_at),
                "completed_at": _iso(c.completed_at),
                "valid_until": _iso(c.valid_until),
                "superseded_at": _iso(c.superseded_at),
                "revoked_at": _iso(c.revoked_at),
                "scores": c.scores,
            }
            for c in certificates
        ],
        "certification_periods": [
            {
                "module": p.module_slug,
                "certified_at": _iso(p.certified_at),
                "valid_until": _iso(p.valid_until),
                "lapsed_at": _iso(p.lapsed_at),
                "renewals": p.renewals,
            }
            for p in periods
        ],
        "refresher_schedule": [
            {"module": c.module_slug, "objective": c.objective, "due_at": _iso(c.due_at)} for c in schedule
        ],
        "refresher_answers": [
            {
                "module": r.module_slug,
                "objective": r.objective,
                "question": r.snapshot.get("prompt"),
                "answer": describe_answer(r.snapshot, r.response),
                "score": r.score,
                "answered_at": _iso(r.answered_at),
            }
            for r in refresher_answers
        ],
        "audit_events": [
            {
                "when": _iso(e.created_at),
                "by_self": e.actor_id == user_id,
                "module": e.module_slug,
                "action": e.action,
                "reason": e.reason,
            }
            for e in events
        ],
    }


def redact(text: str, identifiers: set[str]) -> str:
    """`text` with every identifier (an email, a name) replaced, whatever its case."""
    for identifier in sorted(filter(None, identifiers), key=len, reverse=True):
        text = re.sub(re.escape(identifier), ERASED_REASON, text, flags=re.IGNORECASE)
    return text


def _scrub_reasons(user_id: int, identifiers: set[str]) -> None:
    """Staff reasons are free text about a person ("… was ill on 3 May"): the events about the person keep
    their action, date and actor but lose their reason; a reason on another account's event loses the
    person's email and names wherever it quotes them."""
    db.session.execute(
        update(AuditEvent).where(AuditEvent.subject_id == user_id).values(reason=ERASED_REASON),
        execution_options={"synchronize_session": False},
    )
    quoting = or_(*(AuditEvent.reason.icontains(i, autoescape=True) for i in identifiers if i))
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id != user_id, quoting)):
        event.reason = redact(event.reason, identifiers)


def erase(user: User, actor_id: int | None, reason: str, now: datetime | None = None) -> None:
    """Erase the person's data in one transaction; the row stays as an anonymous tombstone."""
    now = now or utcnow()
    if user.deleted_at is not None:
        raise Conflict("This account's personal data was already erased.")
    keep_an_active_admin(user)
    old_email = user.email
    db.session.execute(delete(CohortMember).where(CohortMember.user_id == user.id))
    db.session.execute(delete(CohortInstructor).where(CohortInstructor.user_id == user.id))
    db.session.execute(delete(ReminderSent).where(ReminderSent.user_id == user.id))
    lti_launch.forget(user.id)  # LMS identities, links and scores not sent
    xapi_outbox.forget_pending(user.id)  # statements not sent to the LRS name the person
    # Staying current ends with the account: no more lapses, renewals or refreshers (answers stay, anonymous).
    db.session.execute(delete(ModuleCertification).where(ModuleCertification.user_id == user.id))
    db.session.execute(delete(RefresherCard).where(RefresherCard.user_id == user.id))
    db.session.execute(delete(Invitation).where(or_(Invitation.email == old_email, Invitation.user_id == user.id)))
    identifiers = {old_email, user.display_name}
    for certificate in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        identifiers.add(certificate.holder_name)  # the name as it was when the certificate was issued
        certificate.revoked_at = certificate.revoked_at or now
        certificate.holder_name = ERASED_NAME
    _scrub_reasons(user.id, identifiers)
    user.email = tombstone_email(user.id)
    user.display_name = ERASED_NAME
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.active = False
    user.wants_reminders = False
    user.email_verified_at = None
    user.must_change_password = False
    user.deleted_at = now
    end_all_sessions(user)
    audit.record(actor_id, user.id, "erase", redact(reason, identifiers), now)
    db.session.commit()


def erase_own(user: User, password: str, now: datetime | None = None) -> None:
    if not verify_password(user.password_hash, password):
        raise WrongPassword("Your password is not correct; nothing was deleted.")
    erase(user, user.id, "Deleted by the account holder", now)
