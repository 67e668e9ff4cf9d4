"""The admin console's account list: a page of accounts with what an admin asks first about each person
(issue 24, A4): role, status, last log-in, cohorts, and a trainee's progress or certificate.

A fixed number of statements whatever the page size: one counts the matches, one reads the page (each
row's passed modules as a correlated count, its certificate in force by an outer join on the certificate's
unique `current_of`), one reads the page's cohorts (as member and as instructor), and one the cohorts for
the filter and the bulk action's choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, literal, or_, select, union_all

from ..enrolment.models import Cohort, CohortInstructor, CohortMember
from ..extensions import db
from ..identity.models import ROLES, Role, User
from ..learning.models import Certificate, ModuleSummary
from ..web.inputs import LIKE_ESCAPE, escape_like

PER_PAGE = 50
STATUSES = ("active", "deactivated", "deleted")


@dataclass(frozen=True)
class Filters:
    query: str = ""
    role: str = ""
    status: str = ""
    cohort_id: int | None = None
    page: int = 1


@dataclass(frozen=True)
class CohortLink:
    id: int
    name: str
    as_instructor: bool
    archived: bool


@dataclass
class Account:
    id: int
    email: str
    display_name: str
    role: str
    active: bool
    deleted_at: datetime | None
    email_verified_at: datetime | None
    created_at: datetime
    last_login_at: datetime | None
    modules_passed: int
    certificate: str | None  # "in force", "expired" or "revoked"; None: no certificate
    certificate_until: datetime | None
    cohorts: list[CohortLink] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "deleted" if self.deleted_at else "active" if self.active else "deactivated"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_trainee(self) -> bool:
        return self.role == Role.TRAINEE


@dataclass(frozen=True)
class AccountPage:
    accounts: list[Account]
    total: int
    page: int
    pages: int
    modules: int  # the course's module count: "3 of 12 passed"


@dataclass(frozen=True)
class CohortChoice:
    id: int
    name: str
    archived: bool


def cohort_choices() -> list[CohortChoice]:
    """Every cohort, by name: the filter offers them all, the bulk action the ones not archived."""
    rows = db.session.execute(select(Cohort.id, Cohort.name, Cohort.archived_at).order_by(Cohort.name, Cohort.id))
    return [CohortChoice(r.id, r.name, r.archived_at is not None) for r in rows]


def _in_cohort(cohort_id: int):
    return or_(
        User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)),
        User.id.in_(select(CohortInstructor.user_id).where(CohortInstructor.cohort_id == cohort_id)),
    )


def _matching(filters: Filters):
    conditions = []
    if filters.query:
        pattern = f"%{escape_like(filters.query.lower())}%"  # the admin's `%` and `_` are text, not wildcards
        conditions.append(
            or_(
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.display_name).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if filters.role in ROLES:
        conditions.append(User.role == filters.role)
    if filters.status == "active":
        conditions += [User.active.is_(True), User.deleted_at.is_(None)]
    elif filters.status == "deactivated":
        conditions += [User.active.is_(False), User.deleted_at.is_(None)]
    elif filters.status == "deleted":
        conditions.append(User.deleted_at.is_not(None))
    if filters.cohort_id is not None:
        conditions.append(_in_cohort(filters.cohort_id))
    return conditions


def search(filters: Filters, module_slugs: Sequence[str], now: datetime) -> AccountPage:
    conditions = _matching(filters)
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(filters.page, 1), pages)
    if not total:
        return AccountPage([], 0, page, pages, len(module_slugs))
    passed = (
        select(func.count())
        .where(ModuleSummary.user_id == User.id, ModuleSummary.passed, ModuleSummary.module_slug.in_(module_slugs))
        .correlate(User)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            User.id,
            User.email,
            User.display_name,
            User.role,
            User.active,
            User.deleted_at,
            User.email_verified_at,
            User.created_at,
            User.last_login_at,
            passed.label("passed"),
            Certificate.id.label("certificate_id"),
            Certificate.revoked_at,
            Certificate.valid_until,
        )
        .outerjoin(Certificate, Certificate.current_of == User.id)
        .where(*conditions)
        .order_by(User.email)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    accounts = [
        Account(
            r.id,
            r.email,
            r.display_name,
            r.role,
            r.active,
            r.deleted_at,
            r.email_verified_at,
            r.created_at,
            r.last_login_at,
            int(r.passed or 0),
            _certificate(r, now),
            r.valid_until if r.certificate_id is not None else None,
        )
        for r in rows
    ]
    _add_cohorts(accounts)
    return AccountPage(accounts, total, page, pages, len(module_slugs))


def _certificate(row, now: datetime) -> str | None:
    if row.certificate_id is None:
        return None
    if row.revoked_at is not None:
        return "revoked"
    if row.valid_until is not None and row.valid_until <= now:
        return "expired"
    return "in force"


def _add_cohorts(accounts: list[Account]) -> None:
    """The page's cohorts in one statement: those each person is in, and those each instructor follows."""
    by_id = {a.id: a for a in accounts}
    ids = list(by_id)
    links = union_all(
        select(CohortMember.user_id, Cohort.id, Cohort.name, Cohort.archived_at, literal(False).label("teaches"))
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(CohortMember.user_id.in_(ids)),
        select(CohortInstructor.user_id, Cohort.id, Cohort.name, Cohort.archived_at, literal(True).label("teaches"))
        .join(Cohort, Cohort.id == CohortInstructor.cohort_id)
        .where(CohortInstructor.user_id.in_(ids)),
    ).subquery()
    for row in db.session.execute(select(links).order_by(links.c.name, links.c.id)):
        by_id[row.user_id].cohorts.append(CohortLink(row.id, row.name, bool(row.teaches), row.archived_at is not None))
