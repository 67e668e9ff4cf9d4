"""Cohorts: instructors create them, trainees join with a code, admins assign instructors."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..clock import utcnow
from ..errors import CourseError
from ..extensions import db
from ..identity import services
from ..identity.models import Role, User
from ..identity.services import AccountError, UnknownUser, find_user
from .models import COHORT_NAME_MAX, Cohort, CohortInstructor, CohortMember

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class UnknownCohort(AccountError):
    status = 404


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def create_cohort(name: str, creator: User, due_on: date | None = None) -> Cohort:
    cohort = Cohort(name=name.strip(), join_code=new_join_code(), created_by_id=creator.id, due_on=due_on)
    db.session.add(cohort)
    db.session.flush()
    if creator.role == Role.INSTRUCTOR:
        db.session.add(CohortInstructor(cohort_id=cohort.id, user_id=creator.id))
    db.session.commit()
    return cohort


def register_member(email: str, display_name: str, password: str, cohort: Cohort | None) -> User:
    """A new trainee account, in `cohort` when they came with its join code: one transaction for both."""
    if cohort is None:
        return services.register(email, display_name, password)
    return services.register(
        email,
        display_name,
        password,
        then=lambda user: db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id)),
    )


def cohort_by_code(code: str) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == code.strip().upper()))
    if cohort is None:
        raise UnknownCohort("No cohort has this join code. Check it with your instructor.")
    return cohort


class StaffCannotJoin(AccountError):
    status = 403


STAFF_REFUSED = (
    "Staff accounts (instructors and admins) do not join cohorts as trainees. To follow a cohort, ask an "
    "admin to make you one of its instructors."
)


def refuse_staff(user: User, message: str = STAFF_REFUSED) -> None:
    """Only trainees are members of a cohort: a member's answers are open to the cohort's instructors."""
    if user.role != Role.TRAINEE:
        raise StaffCannotJoin(message)


class AlreadyAMember(AccountError):
    status = 409


def admit(cohort: Cohort, user: User) -> None:
    """Give a trainee a place in a cohort on an admin's word (the caller records why and commits): staff are
    refused as at `join`, and a second place in the same cohort is refused, not silently ignored."""
    refuse_staff(user, f"{user.display_name} is {user.role}: staff follow cohorts as instructors, not as members.")
    placed = select(CohortMember.id).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    if db.session.scalar(placed) is not None:
        raise AlreadyAMember(f"{user.display_name} is already in “{cohort.name}”.")
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))


def join(user_id: int, code: str) -> Cohort:
    cohort = cohort_by_code(code)
    refuse_staff(db.session.get(User, user_id))
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # already a member: joining twice is harmless
    return cohort


class NotAMember(AccountError):
    status = 404


def leave(user_id: int, cohort_id: int) -> Cohort:
    """The trainee leaves the cohort: its instructors no longer see their record (the record stays)."""
    cohort = db.session.get(Cohort, cohort_id)
    gone = db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
    ).rowcount
    if cohort is None or not gone:
        db.session.rollback()
        raise NotAMember("You are not in this cohort.")
    db.session.commit()
    return cohort


def assign_instructor(cohort_id: int, email: str) -> User:
    user = find_user(email)
    if user is None or user.role not in (Role.INSTRUCTOR, Role.ADMIN):
        raise UnknownUser("No instructor account has this email.")
    if db.session.get(Cohort, cohort_id) is None:
        raise UnknownCohort("There is no such cohort.")
    db.session.add(CohortInstructor(cohort_id=cohort_id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return user


def set_due_date(cohort_id: int, due_on: date | None, visible: Iterable[int]) -> Cohort:
    """Set or clear a cohort's "complete by" date; only a cohort the person follows (`visible`)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.id not in set(visible):
        raise UnknownCohort("There is no such cohort among those you follow.")
    cohort.due_on = due_on
    db.session.commit()
    return cohort


def rename(cohort: Cohort, name: str) -> Cohort:
    """A new name for a cohort (its code, members and records stay); the caller checked who may."""
    name = name.strip()
    if not name or len(name) > COHORT_NAME_MAX:
        raise CourseError(f"Give the cohort a name of 1 to {COHORT_NAME_MAX} characters.")
    cohort.name = name
    db.session.commit()
    return cohort


def set_archived(cohort: Cohort, archived: bool, now: datetime | None = None) -> Cohort:
    """Archive a finished cohort (it leaves the lists and filters; nothing is deleted), or bring it back."""
    cohort.archived_at = (now or utcnow()) if archived else None
    db.session.commit()
    return cohort


def cohorts_of_member(user_id: int) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user_id)
        )
    )
