"""The compliance record: who is current today, who is overdue, who expires this month (issue 23).

One row per trainee and cohort the viewer follows, from one query over members, cohorts, the certificate
in force and the latest activity. Each row's status is the compliance rule, written once as a SQL CASE
(`_status`; tests/instructor/test_compliance.py holds it to each edge of the rule): the page counts the
statuses per cohort in the database, because classifying 10,000 rows in Python took the instructor home
past 100 ms. The CSV streams the rows (yield_per) in an Excel-safe file: UTF-8 with a byte-order mark, so
"José Álvarez" opens as written, and "not started" leaves the dates empty, never 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, case, exists, func, select

from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import Role, User
from ..learning.models import Certificate, ModuleSummary
from ..recertification.policy import EXPIRING_DAYS, Compliance
from . import access

BATCH = 2000
HEADER = [
    "name",
    "email",
    "cohort",
    "status",
    "completion_date",
    "certificate_code",
    "issued",
    "valid_until",
    "due_date",
    "last_activity",
    "course_version",
]
# Worst first, the order a training lead acts in; "complete" includes "expiring".
COLUMNS = (
    Compliance.EXPIRED,
    Compliance.OVERDUE,
    Compliance.EXPIRING,
    Compliance.IN_PROGRESS,
    Compliance.NOT_STARTED,
    Compliance.COMPLETE,
)


def _certified():
    return Certificate.code.is_not(None) & Certificate.revoked_at.is_(None)


def _started():
    return exists().where(ModuleSummary.user_id == User.id, ModuleSummary.last_activity_at.is_not(None))


def _status(now: datetime) -> ColumnElement[str]:
    """The compliance rule, worst first: a certificate not revoked is expired, expiring (within
    EXPIRING_DAYS of its end) or complete; without one, the cohort's due date passed is overdue, else in
    progress once started, or not started."""
    end = Certificate.valid_until
    return case(
        (_certified() & end.is_not(None) & (end <= now), Compliance.EXPIRED.value),
        (_certified() & end.is_not(None) & (end <= now + timedelta(days=EXPIRING_DAYS)), Compliance.EXPIRING.value),
        (_certified(), Compliance.COMPLETE.value),
        (Cohort.due_on.is_not(None) & (Cohort.due_on < now.date()), Compliance.OVERDUE.value),
        (_started(), Compliance.IN_PROGRESS.value),
        else_=Compliance.NOT_STARTED.value,
    )


def _members(viewer: User, cohort_id: int | None, *columns) -> Select:
    """`columns` for each trainee of each cohort the viewer follows, with the certificate in force joined."""
    query = (
        select(*columns)
        .select_from(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(Certificate, Certificate.current_of == User.id)
        .where(User.role == Role.TRAINEE, User.deleted_at.is_(None), Cohort.id.in_(access.visible_cohort_ids(viewer)))
    )
    return query.where(Cohort.id == cohort_id) if cohort_id is not None else query


def _rows(viewer: User, cohort_id: int | None, now: datetime) -> Select:
    last = (
        select(ModuleSummary.user_id, func.max(ModuleSummary.last_activity_at).label("last"))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    return (
        _members(
            viewer,
            cohort_id,
            Cohort.name.label("cohort"),
            Cohort.due_on,
            User.display_name,
            User.email,
            _certified().label("certified"),
            Certificate.code,
            Certificate.issued_at,
            Certificate.completed_at,
            Certificate.valid_until,
            Certificate.course_version,
            last.c.last,
            _status(now).label("status"),
        )
        .outerjoin(last, last.c.user_id == User.id)
        .order_by(Cohort.name, Cohort.id, User.display_name, User.id)
    )


@dataclass
class CohortCompliance:
    cohort_id: int
    name: str
    due_on: date | None
    counts: Counter = field(default_factory=Counter)

    @property
    def trainees(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> int:
        """Holding a certificate in force, expiring or not."""
        return self.counts[Compliance.COMPLETE] + self.counts[Compliance.EXPIRING]


def by_cohort(
    viewer: User, now: datetime, cohort_id: int | None = None, cohorts: list[Cohort] | None = None
) -> list[CohortCompliance]:
    """Every followed cohort's counts, cohorts without members included (`cohorts`: the viewer's cohorts,
    when the page has read them already)."""
    cohorts = access.visible_cohorts(viewer) if cohorts is None else cohorts
    found = {c.id: CohortCompliance(c.id, c.name, c.due_on) for c in cohorts}
    if cohort_id is not None:
        found = {k: v for k, v in found.items() if k == cohort_id}
    status = _status(now)
    counts = _members(viewer, cohort_id, Cohort.id, status, func.count()).group_by(Cohort.id, status)
    for cohort, value, count in db.session.execute(counts):
        if cohort in found:
            found[cohort].counts[Compliance(value)] = count
    return list(found.values())


def _utc(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") + "Z" if moment else ""


def csv_rows(viewer: User, now: datetime, cohort_id: int | None = None) -> Iterator[list]:
    """The compliance CSV's rows, header first, streamed in batches; the course version is the one the
    certificate was earned under (empty for one issued before versions were recorded)."""
    yield HEADER
    for row in db.session.execute(_rows(viewer, cohort_id, now).execution_options(yield_per=BATCH)):
        certified = bool(row.certified)
        yield [
            row.display_name,
            row.email,
            row.cohort,
            row.status,
            _utc(row.completed_at) if certified else "",
            row.code if certified else "",
            _utc(row.issued_at) if certified else "",
            _utc(row.valid_until) if certified else "",
            row.due_on.isoformat() if row.due_on else "",
            _utc(row.last),
            (row.course_version or "") if certified else "",
        ]
