"""Which trainees a member of staff may see: an admin everyone, an instructor their cohorts' members."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select

from ..enrolment.models import Cohort, CohortInstructor, CohortMember
from ..extensions import db
from ..identity.models import Role, User


def visible_cohorts(viewer: User, archived: bool = False) -> list[Cohort]:
    """The cohorts this viewer follows (every one for an admin): the active ones, or the archived ones."""
    kept = Cohort.archived_at.is_not(None) if archived else Cohort.archived_at.is_(None)
    query = select(Cohort).where(kept).order_by(Cohort.name)
    if viewer.role != Role.ADMIN:
        query = query.join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id).where(
            CohortInstructor.user_id == viewer.id
        )
    return list(db.session.scalars(query))


def visible_cohort_ids(viewer: User) -> Select:
    """A subquery of the cohorts this viewer follows (every cohort for an admin). Reports name only these
    cohorts: a trainee shared with another instructor must not reveal that instructor's cohorts."""
    if viewer.role == Role.ADMIN:
        return select(Cohort.id)
    return select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == viewer.id)


def visible_trainee_ids(viewer: User, cohort_id: int | None = None) -> Select:
    """A subquery of the user ids this viewer may see, optionally within one cohort."""
    if viewer.role == Role.ADMIN and cohort_id is None:
        return select(User.id).where(User.role == Role.TRAINEE)
    query = select(CohortMember.user_id).join(User, User.id == CohortMember.user_id).where(User.role == Role.TRAINEE)
    if viewer.role != Role.ADMIN:
        query = query.join(CohortInstructor, CohortInstructor.cohort_id == CohortMember.cohort_id).where(
            CohortInstructor.user_id == viewer.id
        )
    if cohort_id is not None:
        query = query.where(CohortMember.cohort_id == cohort_id)
    return query


def trainee_filter(user_id: ColumnElement, viewer: User, cohort_id: int | None = None) -> ColumnElement[bool]:
    """`user_id` is one of the trainees this viewer may see. For an admin over every cohort that is "not
    staff": the database checks each row against the handful of staff ids instead of every trainee's, which
    made the matrix's aggregates over 10,000 trainees several times faster (benchmarks/README.md)."""
    if viewer.role == Role.ADMIN and cohort_id is None:
        return user_id.not_in(select(User.id).where(User.role != Role.TRAINEE))
    return user_id.in_(visible_trainee_ids(viewer, cohort_id))


def cohort_or_none(viewer: User, cohort_id: int) -> Cohort | None:
    """A cohort this viewer follows (any for an admin), archived or not; None for any other."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or viewer.role == Role.ADMIN:
        return cohort
    follows = select(CohortInstructor.cohort_id).where(
        CohortInstructor.cohort_id == cohort_id, CohortInstructor.user_id == viewer.id
    )
    return cohort if db.session.scalar(follows) is not None else None
