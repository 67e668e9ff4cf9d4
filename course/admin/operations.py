"""The admin console's operations on accounts: search, role, deactivation, reset links, a corrected name or
email, a confirmed email.

Each action needs a reason and writes an AuditEvent (who, when, why) in the same transaction. The last
active admin can be neither demoted nor deactivated, so the console can never lock everyone out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from .. import audit
from ..clock import utcnow
from ..core import signals
from ..enrolment.models import Cohort
from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from ..identity.models import NAME_MAX, ROLES, Role, User
from ..identity.services import end_all_sessions, find_user, keep_an_active_admin, normalise_email
from ..web.inputs import LIKE_ESCAPE, escape_like

PER_PAGE = 50
STATUSES = ("active", "deactivated", "deleted")


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    pages: int


def search(query: str = "", role: str = "", status: str = "", page: int = 1) -> UserPage:
    statement = select(User)
    if query:
        pattern = f"%{escape_like(query.lower())}%"  # the admin's `%` and `_` are text, not wildcards
        statement = statement.where(
            or_(
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.display_name).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if role in ROLES:
        statement = statement.where(User.role == role)
    if status == "active":
        statement = statement.where(User.active.is_(True), User.deleted_at.is_(None))
    elif status == "deactivated":
        statement = statement.where(User.active.is_(False), User.deleted_at.is_(None))
    elif status == "deleted":
        statement = statement.where(User.deleted_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    users = list(db.session.scalars(statement.order_by(User.email).limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return UserPage(users, total, page, pages)


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


def record_confirmation_sent(actor: User, user_id: int, now: datetime | None = None) -> User:
    """Audit a confirmation link sent on an admin's request; the view sends it after this commit."""
    user = get(user_id)
    _not_erased(user)
    if user.email_verified_at is not None:
        raise CourseError(f"{user.email} is already confirmed.")
    audit.record(actor.id, user.id, "confirmation-sent", "Sent from the admin console", now or utcnow())
    db.session.commit()
    return user


@dataclass(frozen=True)
class Step:
    done: bool
    text: str


def first_run(mail_server: str | None, base_url: str | None) -> list[Step]:
    """What a fresh installation still needs, for the console's checklist (shown until all is done)."""
    instructors = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.INSTRUCTOR))
    cohorts = db.session.scalar(select(func.count()).select_from(Cohort))
    return [
        Step(
            bool(instructors),
            "Give someone the instructor role (an account's page, below) or run flask users create --role instructor",
        ),
        Step(bool(cohorts), "Create a cohort and share its join link"),
        Step(bool(mail_server), "Set MAIL_SERVER so that emails are sent (until then they go to instance/outbox)"),
        Step(bool(base_url), "Set BASE_URL to the site's public address, for the links in emails"),
    ]
