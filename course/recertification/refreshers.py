"""A refresher: a few questions on the objectives that are due, each answered with immediate feedback.

Low stakes, with their own review policy: the right answer, the explanation and the lesson are shown as
soon as a question is answered, whatever the quiz's `review:` says, since a refresher grants nothing. Each
answer is the objective's next FSRS review, and counts toward the staying-current rule.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..content.model import Catalog
from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from ..quizzes import grading, serving, summary
from ..quizzes.models import AttemptItem, QuizAttempt
from . import schedule
from .models import ModuleCertification, Refresher, RefresherCard, RefresherItem


class NothingDue(CourseError):
    status = 409


@dataclass(frozen=True)
class Size:
    """How many questions a refresher asks (REFRESHER_MIN/MAX_QUESTIONS), and how long a question seen
    stays out of the next ones while its objective has others (REFRESHER_FRESH_DAYS)."""

    least: int = 3
    most: int = 5
    fresh_days: int = 30


def cards_of(user_id: int) -> list[RefresherCard]:
    return list(db.session.scalars(select(RefresherCard).where(RefresherCard.user_id == user_id)))


def due_count(user_id: int, now: datetime) -> int:
    """Objectives due now: what the dashboard offers a refresher for."""
    return db.session.scalar(select(func.count()).where(RefresherCard.user_id == user_id, RefresherCard.due_at <= now))


def open_refresher(user_id: int) -> Refresher | None:
    return db.session.scalar(select(Refresher).where(Refresher.open_of == user_id))


def _last_seen(user_id: int) -> dict[str, datetime]:
    """When each question was last served to this trainee, in a quiz or a refresher."""
    quiz = (
        select(AttemptItem.question_id, func.max(QuizAttempt.started_at))
        .join(QuizAttempt)
        .where(QuizAttempt.user_id == user_id)
        .group_by(AttemptItem.question_id)
    )
    refresher = (
        select(RefresherItem.question_id, func.max(Refresher.started_at))
        .join(Refresher, Refresher.id == RefresherItem.refresher_id)
        .where(RefresherItem.user_id == user_id)
        .group_by(RefresherItem.question_id)
    )
    seen: dict[str, datetime] = {}
    for statement in (quiz, refresher):
        for question_id, at in db.session.execute(statement):
            seen[question_id] = max(at, seen.get(question_id, at))
    return seen


def start(user_id: int, catalog: Catalog, now: datetime, rng: random.Random, size: Size = Size()) -> Refresher:
    """The open refresher, or a new one over the objectives due now; NothingDue when none is."""
    existing = open_refresher(user_id)
    if existing is not None:
        return existing
    cards = [c for c in cards_of(user_id) if catalog.module(c.module_slug) is not None]
    objectives = [schedule.Objective(c.module_slug, c.objective, c.due_at) for c in cards]
    pools: dict[tuple[str, int], list[str]] = {}
    questions = {}
    for slug in {c.module_slug for c in cards}:
        for question in catalog.module(slug).quiz.questions:
            pools.setdefault((slug, question.objective), []).append(question.id)
            questions[question.id] = question
    picks = schedule.draw(objectives, pools, _last_seen(user_id), now, rng, size.least, size.most, size.fresh_days)
    if not picks:
        raise NothingDue("No refresher is due: the dashboard says when the next one is.")
    try:
        refresher_id = db.session.execute(
            insert(Refresher).returning(Refresher.id),
            {"user_id": user_id, "open_of": user_id, "started_at": now, "finished_at": None},
        ).scalar_one()
        db.session.execute(
            insert(RefresherItem),
            [
                {
                    "refresher_id": refresher_id,
                    "user_id": user_id,
                    "position": position,
                    "module_slug": pick.module,
                    "objective": pick.objective,
                    "question_id": pick.question_id,
                    "snapshot": serving.serve(questions[pick.question_id], rng),
                }
                for position, pick in enumerate(picks, start=1)
            ],
        )
        db.session.commit()
    except IntegrityError:  # another request started one a moment ago
        db.session.rollback()
        existing = open_refresher(user_id)
        if existing is None:
            raise Conflict("Another refresher was being started at the same moment. Try again.") from None
        return existing
    return db.session.get(Refresher, refresher_id)


@dataclass(frozen=True)
class Shown:
    refresher: Refresher
    items: list[RefresherItem]
    item: RefresherItem

    @property
    def next_position(self) -> int | None:
        return self.item.position + 1 if self.item.position < len(self.items) else None


def show(user_id: int, refresher_id: int, position: int) -> Shown:
    refresher = db.session.get(Refresher, refresher_id)
    if refresher is None or refresher.user_id != user_id:
        raise NotFound("There is no such refresher.")
    items = list(
        db.session.scalars(
            select(RefresherItem).where(RefresherItem.refresher_id == refresher_id).order_by(RefresherItem.position)
        )
    )
    item = next((i for i in items if i.position == position), None)
    if item is None:
        raise NotFound("This refresher has no such question.")
    return Shown(refresher, items, item)


def answer(
    user_id: int,
    refresher_id: int,
    position: int,
    form: grading.Form,
    now: datetime,
    fsrs: schedule.SchedulerSettings,
) -> Shown:
    """Mark one answer, once, and reschedule its objective: right pushes it back, wrong brings it closer.
    The last answer closes the refresher. One commit."""
    shown = show(user_id, refresher_id, position)
    item = shown.item
    if item.answered_at is not None:
        raise Conflict("You already answered this question; here is its feedback.")
    try:
        response = grading.parse_answer(item.snapshot, form)
    except grading.InvalidAnswer as exc:
        raise CourseError(str(exc)) from None
    if response is None:
        raise CourseError("Choose an answer first: a refresher marks each question as you answer it.")
    score = round(grading.score_answer(item.snapshot, response), 4)
    period = db.session.scalar(
        select(ModuleCertification).where(
            ModuleCertification.user_id == user_id, ModuleCertification.module_slug == item.module_slug
        )
    )
    claimed = db.session.execute(
        update(RefresherItem)
        .where(RefresherItem.id == item.id, RefresherItem.answered_at.is_(None))
        .values(
            response=response,
            score=score,
            answered_at=now,
            days_since_pass=(now - period.certified_at).days if period is not None else None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise Conflict("You already answered this question; here is its feedback.")
    card = db.session.scalar(
        select(RefresherCard).where(
            RefresherCard.user_id == user_id,
            RefresherCard.module_slug == item.module_slug,
            RefresherCard.objective == item.objective,
        )
    )
    if card is not None:
        after = schedule.review(schedule.scheduler(fsrs), card.card, score >= 1, now)
        card.card, card.due_at, card.reviewed_at = after.card, after.due_at, now
    summary.touch(user_id, item.module_slug, now)  # a refresher is activity: the matrix and the record see it
    if all(i.answered_at is not None or i.id == item.id for i in shown.items):
        shown.refresher.finished_at, shown.refresher.open_of = now, None
    db.session.commit()
    return show(user_id, refresher_id, position)
