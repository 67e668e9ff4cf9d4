"""The admin console's operations on accounts: role, deactivation, reset links, a corrected name or email,
a confirmed email, a cohort place, a cohort to follow. (The account list is `listing.py`; several accounts
at once, `bulk.py`, which calls these one account at a time.)

Each action needs a reason and writes an AuditEvent (who, when, why) in the same transaction. The last
active admin can be neither demoted nor deactivated, and no admin deactivates their own account, so the
console can never lock everyone out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .. import audit
from ..clock import utcnow
from ..core import signals
from ..enrolment import cohorts
from ..enrolment.models import Cohort, CohortInstructor
from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from ..identity.models import NAME_MAX, ROLES, Role, User
from ..identity.services import end_all_sessions, find_user, keep_an_active_admin, normalise_email


def get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def _not_erased(user: User) -> None:
    if user.deleted_at is not None:
        raise Conflict("This account's personal data was erased; it cannot be changed.")


def change_role(actor: User | None, user_id: int, role: str, reason: str, now: datetime | None = None) -> User:
    """The console's role change, and `flask users set-role`'s (actor None: the audit entry names no one)."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    if role not in ROLES:
        raise CourseError(f"Unknown role. Use one of: {', '.join(ROLES)}.")
    if role == user.role:
        raise CourseError(f"{user.display_name} is already {role}.")
    if role != Role.ADMIN:
        keep_an_active_admin(user)
    audit.record(
        actor.id if actor else None, user.id, "role-change", f"{user.role} → {role}: {reason}", now or utcnow()
    )
    user.role = role
    db.session.commit()
    return user


def set_active(actor: User, user_id: int, active: bool, reason: str, now: datetime | None = None) -> User:
    """Deactivate (log-in refused, every session ended at once, records kept) or reactivate."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    if active == user.active:
        raise CourseError(f"{user.display_name} is already {'active' if active else 'deactivated'}.")
    if not active:
        keep_an_active_admin(user)
        if user.id == actor.id:
            raise Conflict("You cannot deactivate your own account. Ask another admin.")
        end_all_sessions(user)
    user.active = active
    audit.record(actor.id, user.id, "reactivate" if active else "deactivate", reason, now or utcnow())
    db.session.commit()
    return user


def record_reset(actor: User, user_id: int, reason: str, now: datetime | None = None) -> User:
    """Audit a reset link sent on an admin's request; the view sends it after this commit."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    audit.record(actor.id, user.id, "password-reset-sent", reason, now or utcnow())
    db.session.commit()
    return user


def correct_details(actor: User, user_id: int, name: str, email: str, reason: str, now: datetime | None = None) -> User:
    """An admin corrects a name (a typo on a certificate: the certificate follows) or an email (a new work
    address, which is then not confirmed until its owner opens the link or an admin marks it)."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    now = now or utcnow()
    name, email = name.strip(), normalise_email(email)
    if not name or len(name) > NAME_MAX:
        raise CourseError(f"Give a name of 1 to {NAME_MAX} characters.")
    changes = []
    if name != user.display_name:
        changes.append(f"name “{user.display_name}” → “{name}”")
        signals.display_name_changing.send(user, old=user.display_name, new=name, now=now)
        user.display_name = name
    if email != user.email:
        if find_user(email) is not None:
            raise CourseError("Another account already has this email.")
        changes.append(f"email {user.email} → {email}")
        user.email, user.email_verified_at = email, None
    if not changes:
        raise CourseError("Nothing changed: the name and email are as they were.")
    audit.record(actor.id, user.id, "details-change", f"{'; '.join(changes)}: {reason}", now)
    db.session.commit()
    return user


def confirm_email(actor: User, user_id: int, reason: str, now: datetime | None = None) -> User:
    """Mark the email confirmed on the owner's word (e.g. the link never arrived), on the record."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    if user.email_verified_at is not None:
        raise CourseError(f"{user.email} is already confirmed.")
    now = now or utcnow()
    user.email_verified_at = now
    audit.record(actor.id, user.id, "email-confirmed", reason, now)
    db.session.commit()
    return user


def record_confirmation_sent(actor: User, user_id: int, now: datetime | None = None, reason: str | None = None) -> User:
    """Audit a confirmation link sent on an admin's request (with the reason of a bulk action, if any); the
    view sends it after this commit."""
    reason = audit.check_reason(reason) if reason is not None else "Sent from the admin console"
    user = get(user_id)
    _not_erased(user)
    if user.email_verified_at is not None:
        raise CourseError(f"{user.email} is already confirmed.")
    audit.record(actor.id, user.id, "confirmation-sent", reason, now or utcnow())
    db.session.commit()
    return user


def open_cohort(cohort_id: int) -> Cohort:
    """A cohort an admin may put people in or give an instructor: one that exists and is not archived."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort.")
    if cohort.archived_at is not None:
        raise CourseError(f"“{cohort.name}” is archived: bring it back on the cohorts page first.")
    return cohort


def add_to_cohort(actor: User, user_id: int, cohort: Cohort, reason: str, now: datetime | None = None) -> User:
    """Give a trainee a place in a cohort (its instructors then see their record), on the record. The
    enrolment rules decide who may be a member (`cohorts.admit`: trainees only, one place per cohort)."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    cohorts.admit(cohort, user)
    audit.record(actor.id, user.id, "cohort-add", f"“{cohort.name}”: {reason}", now or utcnow())
    db.session.commit()
    return user


def follow_cohort(actor: User, user_id: int, cohort_id: int, reason: str, now: datetime | None = None) -> Cohort:
    """Make an instructor (or admin) one of a cohort's instructors, on the record, through the enrolment
    service that adds a cohort instructor (it commits this audit entry with the place)."""
    reason = audit.check_reason(reason)
    user = get(user_id)
    _not_erased(user)
    cohort = open_cohort(cohort_id)
    if user.role not in (Role.INSTRUCTOR, Role.ADMIN):
        raise CourseError(f"{user.display_name} is a trainee: give them the instructor role first.")
    follows = select(CohortInstructor.id).where(
        CohortInstructor.cohort_id == cohort.id, CohortInstructor.user_id == user.id
    )
    if db.session.scalar(follows) is not None:
        raise Conflict(f"{user.display_name} is already an instructor of “{cohort.name}”.")
    audit.record(actor.id, user.id, "cohort-instructor", f"“{cohort.name}”: {reason}", now or utcnow())
    cohorts.assign_instructor(cohort.id, user.email)
    return cohort


def cohorts_to_follow(user_id: int) -> list[Cohort]:
    """The open cohorts this person does not follow yet, by name: the choice offered on their page."""
    followed = select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == user_id)
    return list(
        db.session.scalars(
            select(Cohort).where(Cohort.archived_at.is_(None), Cohort.id.not_in(followed)).order_by(Cohort.name)
        )
    )


def followed_cohorts(user_id: int) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id)
            .where(CohortInstructor.user_id == user_id)
            .order_by(Cohort.name)
        )
    )


@dataclass(frozen=True)
class Step:
    done: bool
    text: str


def first_run(mail_server: str | None, base_url: str | None, issuer: str | None) -> list[Step]:
    """What a fresh installation still needs, for the console's checklist (shown until all is done)."""
    counts = select(
        select(func.count()).select_from(User).where(User.role == Role.INSTRUCTOR).scalar_subquery(),
        select(func.count()).select_from(Cohort).scalar_subquery(),
    )
    instructors, cohort_count = db.session.execute(counts).one()  # one round trip: the list page counts them
    return [
        Step(
            bool(instructors),
            "Give someone the instructor role (an account's page, below) or run flask users create --role instructor",
        ),
        Step(bool(cohort_count), "Create a cohort and share its join link"),
        Step(bool(mail_server), "Set MAIL_SERVER so that emails are sent (until then they go to instance/outbox)"),
        Step(bool(base_url), "Set BASE_URL to the site's public address, for the links in emails"),
        Step(
            bool(issuer),
            "Set CERTIFICATE_ISSUER to your organisation's name, for certificates "
            "(a signatory and a logo are optional: see the README)",
        ),
    ]
