"""Reminder emails for `flask reminders send`: who is due what, and a record so nothing goes out twice.

Each person gets at most one message per run, a digest of everything due for them:
- "inactive": no activity for N days, while the course is unfinished (one per spell, keyed by its day);
- "open-attempt": a quiz attempt left open for more than a day (one per attempt);
- "refresher": refresher questions due (at most one a week while they stay due);
- "due-soon" / "overdue": the cohort's "complete by" date is within 14 days, or passed, and the course is
  unfinished (one each per date);
- "expiring": the certificate in force ends within 30 days (one per certificate).
Only trainees who tick "Email me reminders" and whose account is active. Each item is recorded in
`reminder_sent` before the message goes; a message the server refused is forgotten, so the next run
tries it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, tuple_
from sqlalchemy.exc import IntegrityError

from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import Role, User
from ..quizzes.models import QuizAttempt
from ..recertification.models import RefresherCard
from ..recertification.policy import DUE_SOON_DAYS, EXPIRING_DAYS
from .models import Certificate, ModuleSummary, ReminderSent

OPEN_ATTEMPT_AFTER = timedelta(days=1)
KINDS = ("refresher", "overdue", "due-soon", "expiring", "open-attempt", "inactive")  # the digest's order


@dataclass(frozen=True)
class Due:
    user: User
    kind: str
    period: str
    module_slug: str = ""
    idle_days: int = 0
    when: datetime | None = None  # the date the item is about (due date, expiry)
    count: int = 0  # refreshers: objectives due


@dataclass
class Digest:
    """Everything due for one person in this run: one message."""

    user: User
    items: list[Due] = field(default_factory=list)

    def of(self, kind: str) -> list[Due]:
        return [item for item in self.items if item.kind == kind]


def _eligible():
    return select(User).where(
        User.role == Role.TRAINEE,
        User.active.is_(True),
        User.deleted_at.is_(None),
        User.wants_reminders.is_(True),
    )


def _unfinished():
    return User.id.not_in(select(Certificate.user_id).where(Certificate.revoked_at.is_(None)))


def due(now: datetime, inactive_days: int) -> list[Due]:
    already = {
        (r.user_id, r.kind, r.period)
        for r in db.session.execute(select(ReminderSent.user_id, ReminderSent.kind, ReminderSent.period))
    }
    found: list[Due] = []

    def add(item: Due) -> None:
        if (item.user.id, item.kind, item.period) not in already:
            found.append(item)

    last_activity = (
        select(ModuleSummary.user_id, func.max(ModuleSummary.last_activity_at).label("last"))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    rows = db.session.execute(
        _eligible()
        .where(_unfinished())
        .add_columns(last_activity.c.last)
        .outerjoin(last_activity, last_activity.c.user_id == User.id)
    )
    cutoff = now - timedelta(days=inactive_days)
    for user, last in rows:
        last = last or user.created_at
        if last is not None and last < cutoff:
            add(Due(user, "inactive", last.date().isoformat(), idle_days=(now - last).days))
    attempts = db.session.execute(
        _eligible()
        .add_columns(QuizAttempt.id, QuizAttempt.module_slug)
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .where(QuizAttempt.status == "open", QuizAttempt.started_at < now - OPEN_ATTEMPT_AFTER)
    )
    for user, attempt_id, slug in attempts:
        add(Due(user, "open-attempt", f"attempt-{attempt_id}", module_slug=slug))
    week = now.isocalendar()
    refreshers = db.session.execute(
        _eligible()
        .add_columns(func.count(RefresherCard.id))
        .join(RefresherCard, RefresherCard.user_id == User.id)
        .where(RefresherCard.due_at <= now)
        .group_by(User.id)
    )
    for user, count in refreshers:
        add(Due(user, "refresher", f"{week.year}-W{week.week:02d}", count=count))
    dates = db.session.execute(
        _eligible()
        .where(_unfinished())
        .add_columns(func.min(Cohort.due_on))
        .join(CohortMember, CohortMember.user_id == User.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.due_on.is_not(None), Cohort.due_on <= (now + timedelta(days=DUE_SOON_DAYS)).date())
        .group_by(User.id)
    )
    for user, due_on in dates:
        kind = "overdue" if due_on < now.date() else "due-soon"
        add(Due(user, kind, due_on.isoformat(), when=datetime.combine(due_on, datetime.min.time())))
    expiring = db.session.execute(
        _eligible()
        .add_columns(Certificate.code, Certificate.valid_until)
        .join(Certificate, Certificate.current_of == User.id)
        .where(
            Certificate.revoked_at.is_(None),
            Certificate.valid_until > now,
            Certificate.valid_until <= now + timedelta(days=EXPIRING_DAYS),
        )
    )
    for user, code, until in expiring:
        add(Due(user, "expiring", f"certificate-{code}", when=until))
    return found


def digests(items: Iterable[Due]) -> list[Digest]:
    """One digest per person, their items in the order of KINDS."""
    by_user: dict[int, Digest] = {}
    for item in items:
        by_user.setdefault(item.user.id, Digest(item.user)).items.append(item)
    for digest in by_user.values():
        digest.items.sort(key=lambda item: KINDS.index(item.kind))
    return list(by_user.values())


def _rows(digests: Iterable[Digest], now: datetime) -> list[dict]:
    return [
        {"user_id": i.user.id, "kind": i.kind, "period": i.period, "sent_at": now} for d in digests for i in d.items
    ]


def claim(digest: Digest, now: datetime) -> bool:
    """Record a digest's items before sending it; False when another run already did (nothing to send)."""
    try:
        db.session.execute(insert(ReminderSent), _rows([digest], now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def claim_batch(digests: list[Digest], now: datetime) -> list[Digest]:
    """Record many digests in one commit (a run of 10,000 trainees would otherwise commit 10,000 times);
    if another run got to one of them first, claim them one by one. Returns those claimed."""
    try:
        db.session.execute(insert(ReminderSent), _rows(digests, now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return [digest for digest in digests if claim(digest, now)]
    return digests


def release(digest: Digest) -> None:
    """The message did not leave: forget its records, so the next run tries again."""
    keys = [(i.user.id, i.kind, i.period) for i in digest.items]
    db.session.execute(
        delete(ReminderSent).where(tuple_(ReminderSent.user_id, ReminderSent.kind, ReminderSent.period).in_(keys))
    )
    db.session.commit()
