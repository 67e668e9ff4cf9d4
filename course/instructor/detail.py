"""One trainee, in full: progress per module, every attempt, and the audit trail. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import audit
from ..content.model import Catalog
from ..enrolment.models import Cohort, CohortMember
from ..errors import NotFound
from ..extensions import db
from ..identity.models import Role, User
from ..learning.models import ModuleSummary
from ..quizzes.models import QuizAttempt
from ..quizzes.services import get_attempt
from .access import visible_cohort_ids, visible_trainee_ids
from .matrix import cell_status


@dataclass(frozen=True)
class TraineeDetail:
    trainee: User
    summaries: dict[str, ModuleSummary]
    attempts: dict[str, list[QuizAttempt]]
    events: list[audit.Entry]
    cohorts: list[str]  # the viewer's cohorts this trainee is in

    @property
    def last_activity(self) -> datetime | None:
        return max((s.last_activity_at for s in self.summaries.values()), default=None)

    def status(self, slug: str) -> str:
        return cell_status(self.summaries.get(slug))


def trainee_detail(trainee_id: int, catalog: Catalog, viewer: User) -> TraineeDetail | None:
    trainee = db.session.scalar(  # one statement: the trainee, if this viewer may see them
        select(User).where(User.id == trainee_id, User.id.in_(visible_trainee_ids(viewer)))
    )
    if trainee is None or trainee.role != Role.TRAINEE:
        return None
    summaries = {
        s.module_slug: s for s in db.session.scalars(select(ModuleSummary).where(ModuleSummary.user_id == trainee_id))
    }
    attempts: dict[str, list[QuizAttempt]] = {m.slug: [] for m in catalog.modules}
    for attempt in db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == trainee_id)
        .order_by(QuizAttempt.module_slug, QuizAttempt.number)
    ):
        attempts.setdefault(attempt.module_slug, []).append(attempt)
    events = audit.trail(trainee_id)
    cohorts = list(
        db.session.scalars(
            select(Cohort.name)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == trainee_id, Cohort.id.in_(visible_cohort_ids(viewer)))
            .order_by(Cohort.name)
        )
    )
    return TraineeDetail(trainee, summaries, attempts, events, cohorts)


def attempt_with_items(trainee_id: int, attempt_id: int) -> QuizAttempt | None:
    try:
        return get_attempt(trainee_id, attempt_id)
    except NotFound:
        return None
