"""The compliance record: who is current today, who is overdue, who expires this month (issue 23).

One row per trainee and cohort the viewer follows, from one query over members, cohorts, the certificate
in force and the latest activity; each row's status is `recertification.policy.compliance`. The page
counts the statuses per cohort; the CSV streams the rows (yield_per) in an Excel-safe file: UTF-8 with a
byte-order mark, so "José Álvarez" opens as written, and "not started" leaves the dates empty, never 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Select, func, select

from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import Role, User
from ..learning.models import Certificate, ModuleSummary
from ..recertification.policy import Compliance, compliance
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


def _rows(viewer: User, cohort_id: int | None) -> Select:
    last = (
        select(ModuleSummary.user_id, func.max(ModuleSummary.last_activity_at).label("last"))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    query = (
        select(
            Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort"),
            Cohort.due_on,
            User.display_name,
            User.email,
            Certificate.code,
            Certificate.issued_at,
            Certificate.completed_at,
            Certificate.valid_until,
            Certificate.revoked_at,
            Certificate.course_version,
            last.c.last,
        )
        .select_from(CohortMember)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(User, User.id == CohortMember.user_id)
        .outerjoin(Certificate, Certificate.current_of == User.id)
        .outerjoin(last, last.c.user_id == User.id)
        .where(User.role == Role.TRAINEE, User.deleted_at.is_(None), Cohort.id.in_(access.visible_cohort_ids(viewer)))
        .order_by(Cohort.name, Cohort.id, User.display_name, User.id)
    )
    return query.where(Cohort.id == cohort_id) if cohort_id is not None else query


def status_of(row, now: datetime) -> Compliance:
    certified = row.code is not None and row.revoked_at is None
    return compliance(row.valid_until if certified else None, certified, row.last is not None, row.due_on, now)


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
    for row in db.session.execute(_rows(viewer, cohort_id)):
        if row.cohort_id in found:
            found[row.cohort_id].counts[status_of(row, now)] += 1
    return list(found.values())


def _utc(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") + "Z" if moment else ""


def csv_rows(viewer: User, now: datetime, cohort_id: int | None = None) -> Iterator[list]:
    """The compliance CSV's rows, header first, streamed in batches; the course version is the one the
    certificate was earned under (empty for one issued before versions were recorded)."""
    yield HEADER
    for row in db.session.execute(_rows(viewer, cohort_id).execution_options(yield_per=BATCH)):
        certified = row.code is not None and row.revoked_at is None
        yield [
            row.display_name,
            row.email,
            row.cohort,
            status_of(row, now).value,
            _utc(row.completed_at) if certified else "",
            row.code if certified else "",
            _utc(row.issued_at) if certified else "",
            _utc(row.valid_until) if certified else "",
            row.due_on.isoformat() if row.due_on else "",
            _utc(row.last),
            (row.course_version or "") if certified else "",
        ]
