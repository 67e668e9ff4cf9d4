"""Quiz attempt use cases: start (or resume), save an answer, submit exactly once, and read results."""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Row, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..clock import utcnow
from ..content import types
from ..content.model import Catalog, Module, Page, Quiz
from ..core import signals
from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from ..learning.models import LessonProgress
from . import grading, selection, serving, summary
from .models import AttemptItem, QuizAllowance, QuizAttempt
from .rules import Allowance, AttemptStatus, Blocked, QuizStatus, Reveal, quiz_status, reveal


class QuizLocked(CourseError):
    status = 403


class RetakeNotYetAllowed(CourseError):
    status = 429


class AttemptAlreadySubmitted(Conflict):
    pass


Model = TypeVar("Model", QuizAttempt, AttemptItem)

ANSWER_NOT_SAVED = "This attempt has already been submitted; your answer was not saved."


# The statements that starts and result pages run are built once: building a statement with SQLAlchemy
# costs about as much CPU as running it, and one built once also keeps its cache key.
_ATTEMPTS_AT = (
    select(QuizAttempt)
    .where(QuizAttempt.user_id == bindparam("user_id"), QuizAttempt.module_slug == bindparam("module_slug"))
    .order_by(QuizAttempt.number)
)
# An aggregate over the trainee's allowance row (at most one) always returns one row; it carries the count
# of the module's pages completed.
_LESSONS_DONE_AND_ALLOWANCE = select(
    select(func.count())
    .where(
        LessonProgress.user_id == bindparam("user_id"),
        LessonProgress.module_slug == bindparam("module_slug"),
        LessonProgress.completed_at.is_not(None),
        LessonProgress.page_anchor.in_(bindparam("anchors", expanding=True)),
    )
    .scalar_subquery(),
    func.max(QuizAllowance.extra_attempts),
    func.max(QuizAllowance.wait_waived_after),
    func.max(QuizAllowance.reset_after),
).where(QuizAllowance.user_id == bindparam("user_id"), QuizAllowance.module_slug == bindparam("module_slug"))
_NEW_ATTEMPT = insert(QuizAttempt.__table__).returning(QuizAttempt.__table__.c.id)
# RETURNING keeps no order without a sentinel column (SQLite has none): the position tells the rows apart.
_NEW_ITEMS = insert(AttemptItem.__table__).returning(AttemptItem.__table__.c.position, AttemptItem.__table__.c.id)
# Every module's standing (the dashboard, the home page) reads all of a trainee's attempts and allowances:
# as plain rows over the tables, since loading each into the session cost more than the queries. Core
# statements do not autoflush: a caller with pending changes flushes first.
_attempt = QuizAttempt.__table__.c
_STANDINGS = select(
    _attempt.module_slug,
    _attempt.number,
    _attempt.status,
    _attempt.practice,
    _attempt.percent,
    _attempt.passed,
    _attempt.submitted_at,
    _attempt.course_version,  # for "what changed since you passed" (learning/changes.py), in the same read
).where(_attempt.user_id == bindparam("user_id"))
_allowance = QuizAllowance.__table__.c
_ALLOWANCES = select(
    _allowance.module_slug, _allowance.extra_attempts, _allowance.wait_waived_after, _allowance.reset_after
).where(_allowance.user_id == bindparam("user_id"))


def attempts_of(user_id: int, module_slug: str) -> list[QuizAttempt]:
    """Every attempt of a trainee at one module, without their items."""
    return list(db.session.scalars(_ATTEMPTS_AT, {"user_id": user_id, "module_slug": module_slug}))


def standings_of(user_id: int) -> Sequence[Row]:
    """Every attempt of a trainee, as rows of their module and what the retake rules read
    (`rules.AttemptLike`): enough for a page that shows where the trainee stands in every module."""
    return db.session.execute(_STANDINGS, {"user_id": user_id}).all()


def allowances_of(user_id: int) -> dict[str, Allowance]:
    rows = db.session.execute(_ALLOWANCES, {"user_id": user_id})
    return {slug: Allowance(extra, waived, reset) for slug, extra, waived, reset in rows}


def allowance_for(user_id: int, module_slug: str) -> Allowance:
    row = db.session.scalar(
        select(QuizAllowance).where(QuizAllowance.user_id == user_id, QuizAllowance.module_slug == module_slug)
    )
    return Allowance(row.extra_attempts, row.wait_waived_after, row.reset_after) if row else Allowance()


def unfinished_pages(user_id: int, module: Module) -> list[Page]:
    """The module's lesson pages this trainee has not completed: the quiz opens when there are none."""
    done = set(
        db.session.scalars(
            select(LessonProgress.page_anchor).where(
                LessonProgress.user_id == user_id,
                LessonProgress.module_slug == module.slug,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )
    return [page for page in module.pages if page.anchor not in done]


@dataclass(frozen=True)
class Overview:
    """What the quiz page shows: where the trainee stands, and the pages still to read."""

    status: QuizStatus
    unfinished_pages: list[Page]


def overview(user_id: int, module: Module, now: datetime | None = None) -> Overview:
    unfinished = unfinished_pages(user_id, module)
    return Overview(_status(user_id, module, not unfinished, allowance_for(user_id, module.slug), now), unfinished)


def status_for(user_id: int, module: Module, now: datetime | None = None) -> QuizStatus:
    return _status(user_id, module, *_lessons_done_and_allowance(user_id, module), now)


def _lessons_done_and_allowance(user_id: int, module: Module) -> tuple[bool, Allowance]:
    """What the status needs besides the attempts, in one statement (a start and every result page read it)."""
    anchors = [page.anchor for page in module.pages]
    params = {"user_id": user_id, "module_slug": module.slug, "anchors": anchors}
    done, extra, waived, reset = db.session.execute(_LESSONS_DONE_AND_ALLOWANCE, params).one()
    return done == len(anchors), Allowance(extra or 0, waived or 0, reset or 0)


def _status(user_id: int, module: Module, lessons_done: bool, allowance: Allowance, now: datetime | None) -> QuizStatus:
    return quiz_status(module.quiz, attempts_of(user_id, module.slug), now or utcnow(), lessons_done, allowance)


def _history(user_id: int, quiz: Quiz) -> selection.History:
    """What the draw needs from the trainee's submitted attempts at this quiz, in one query."""
    rows = db.session.execute(
        select(AttemptItem.question_id, AttemptItem.score, QuizAttempt.number, QuizAttempt.revealed_at)
        .join(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_slug == quiz.module,
            QuizAttempt.status == AttemptStatus.SUBMITTED,
        )
        .order_by(QuizAttempt.number)
    ).all()
    objective_of = {q.id: q.objective for q in quiz.questions}
    # The result page, where every submission lands, shows each question's verdict even when the review
    # policy withholds the right answers; for a true/false question the verdict is the right answer.
    verdict_is_key = {q.id for q in quiz.questions if types.of(q).verdict_reveals_key}
    last = max((row.number for row in rows), default=None)
    return selection.History(
        seen=Counter(row.question_id for row in rows),
        last_seen={row.question_id: row.number for row in rows},  # ordered by number: the latest wins
        revealed=frozenset(
            row.question_id for row in rows if row.revealed_at is not None or row.question_id in verdict_is_key
        ),
        missed_objectives=selection.missed_objectives(
            (objective_of[row.question_id], row.score or 0.0)
            for row in rows
            if row.number == last and row.question_id in objective_of
        ),
    )


def new_rng() -> random.Random:
    """The draw's and the shuffle's randomness: an unguessable seed (tests replace it with a fixed one)."""
    return random.Random(secrets.randbits(64))  # noqa: S311 - shuffling needs no secrecy; the seed is unguessable


def start_attempt(
    user_id: int, module: Module, now: datetime | None = None, course_version: str | None = None
) -> QuizAttempt:
    """Return the open attempt, or start a new one if the rules allow it. Safe against double clicks.

    Everything the draw needs is read with the status: with no open attempt, `status.history` holds every
    attempt, so the next number comes from it, and a first attempt has no past to read. The attempt and its
    items are written with two Core INSERTs (the items in one) and attached as if read back: the ORM's own
    INSERT of the same rows costs about three times the CPU, and a spike of starts is CPU-bound.
    """
    now = now or utcnow()
    quiz = module.quiz
    status = status_for(user_id, module, now)
    if status.open_attempt is not None:
        return status.open_attempt
    if not status.can_start:
        error = RetakeNotYetAllowed if status.blocked is Blocked.WAIT else QuizLocked
        raise error(status.blocked_reason)
    rng = new_rng()
    by_id = {q.id: q for q in quiz.questions}
    pool = [selection.Candidate(q.id, q.objective) for q in quiz.questions]
    history = _history(user_id, quiz) if status.history else selection.History()
    drawn = selection.draw(pool, quiz.questions_per_attempt, rng, history)
    values = {
        "user_id": user_id,
        "module_slug": module.slug,
        "number": max((a.number for a in status.history), default=0) + 1,
        "quiz_version": quiz.version,
        "course_version": course_version or None,
        "pass_mark": quiz.pass_mark,
        "status": AttemptStatus.OPEN,
        "open_module": module.slug,
        "practice": status.passed,
        "started_at": now,
        "submitted_at": None,
        "score": 0.0,
        "max_score": float(len(drawn)),
        "percent": None,
        "passed": None,
        "revealed_at": None,
    }
    served = [
        {
            "position": i,
            "question_id": d.id,
            "theme": by_id[d.id].theme,
            "snapshot": serving.serve(by_id[d.id], rng),
            "answered_at": None,
            "score": None,
            "pool_exhausted": d.pool_exhausted,
        }
        for i, d in enumerate(drawn, start=1)
    ]
    try:
        attempt_id = db.session.execute(_NEW_ATTEMPT, values).scalar_one()
        rows = [row | {"attempt_id": attempt_id} for row in served]
        item_ids = dict(db.session.execute(_NEW_ITEMS, rows).all())
        summary.touch(user_id, module.slug, now)
        db.session.commit()
    except IntegrityError:  # another request started one a moment ago: resume that one
        db.session.rollback()
        existing = db.session.scalar(
            select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.open_module == module.slug)
        )
        if existing is None:
            raise Conflict("Another attempt was being started at the same moment. Try again.") from None
        return existing
    attempt = _as_read(QuizAttempt(id=attempt_id, **values))
    # `response` is left out of the INSERT: a JSON column stores None as JSON 'null', not SQL NULL.
    items = [_as_read(AttemptItem(id=item_ids[row["position"]], response=None, **row)) for row in rows]
    set_committed_value(attempt, "items", items)
    for item in items:
        set_committed_value(item, "attempt", attempt)
    signals.attempt_started.send(module.slug)
    return attempt


def _as_read(instance: Model) -> Model:
    """Attach an object built with every column of a row just inserted, as a query would have loaded it:
    persistent, with nothing to flush."""
    make_transient_to_detached(instance)
    db.session.add(instance)
    return instance


# Every question page, save and submit reads an attempt with its items: two statements built once, run
# as they are (a selectinload costs more CPU than the query it sends).
_ATTEMPT = select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt_id"))
_ITEMS = select(AttemptItem).where(AttemptItem.attempt_id == bindparam("attempt_id")).order_by(AttemptItem.position)


def get_attempt(user_id: int, attempt_id: int, fresh: bool = False) -> QuizAttempt:
    """A trainee's own attempt with its items; another trainee's attempt is simply not found."""
    options = {"populate_existing": fresh}
    attempt = db.session.scalar(_ATTEMPT, {"attempt_id": attempt_id}, execution_options=options)
    if attempt is None or attempt.user_id != user_id:
        raise NotFound("There is no such attempt.")
    items = db.session.scalars(_ITEMS, {"attempt_id": attempt_id}, execution_options=options).all()
    set_committed_value(attempt, "items", list(items))
    return attempt


# The two statements of every save, built once (see save_answer for why they are these two).
_LOCK_ATTEMPT = select(QuizAttempt.id).where(QuizAttempt.id == bindparam("attempt_id")).with_for_update()
_STORE_ANSWER = (
    update(AttemptItem)
    .where(
        AttemptItem.id == bindparam("item_id"),
        select(QuizAttempt.id)
        .where(QuizAttempt.id == bindparam("open_attempt_id"), QuizAttempt.status == AttemptStatus.OPEN)
        .exists(),
    )
    .values(
        response=bindparam("new_response", type_=AttemptItem.response.type),
        answered_at=bindparam("new_answered_at", type_=AttemptItem.answered_at.type),
    )
    .execution_options(synchronize_session=False)
)


def save_answer(
    user_id: int, attempt_id: int, position: int, form: grading.Form, now: datetime | None = None
) -> QuizAttempt:
    """Store one answer, only while the attempt is open: an acknowledged save is always in the grade.

    A save racing a submit (two tabs, the autosave of one tab and the Submit button of another) must
    land either wholly before the grading reads the answers, or be refused. Checking `is_open` on a
    row read earlier is not enough: the submit can claim and grade the attempt between that read and
    the write. So the write itself carries the check, in the transaction that stores it:

    1. Lock the attempt row (``SELECT ... FOR UPDATE``). On PostgreSQL this waits for a submit that
       has claimed the attempt (its claim UPDATE holds the same row lock until it commits), and a submit
       arriving later waits for this save to commit before it claims and reads the answers. SQLAlchemy
       renders nothing for FOR UPDATE on SQLite, which needs no row lock: see 2.
    2. ``UPDATE attempt_item SET response ... WHERE id = :item AND EXISTS (attempt still open)``. It is
       the transaction's first write; on SQLite a write statement first takes the database's single
       write lock (waiting up to the busy timeout, as ``BEGIN IMMEDIATE`` would), then reads the status
       as last committed. The submit's claim is a write too, so it holds that lock until its grade is
       committed: a save either commits before the claim (and is graded) or sees 'submitted'.
       On PostgreSQL the UPDATE's own snapshot is taken after the lock of step 1 is granted, so it also
       sees the status as last committed.

    No row changed means the attempt was submitted in between: nothing is stored and the trainee is
    told so (409).
    """
    attempt = get_attempt(user_id, attempt_id)
    if not attempt.is_open:
        raise AttemptAlreadySubmitted(ANSWER_NOT_SAVED)
    item = next((i for i in attempt.items if i.position == position), None)
    if item is None:
        raise NotFound("This attempt has no such question.")
    try:
        response = grading.parse_answer(item.snapshot, form)
    except grading.InvalidAnswer as exc:
        raise CourseError(str(exc)) from None
    answered_at = now or utcnow()
    last_active = max((i.answered_at for i in attempt.items if i.answered_at), default=attempt.started_at)
    # -- save/submit exclusion (see the docstring) --
    db.session.execute(_LOCK_ATTEMPT, {"attempt_id": attempt_id})
    stored = db.session.execute(
        _STORE_ANSWER,
        {"open_attempt_id": attempt_id, "item_id": item.id, "new_response": response, "new_answered_at": answered_at},
    ).rowcount
    if not stored:
        db.session.rollback()
        raise AttemptAlreadySubmitted(ANSWER_NOT_SAVED)
    set_committed_value(item, "response", response)
    set_committed_value(item, "answered_at", answered_at)
    # -- end --
    if answered_at - last_active >= summary.ACTIVITY_INTERVAL:  # else this attempt's last save recorded it
        summary.touch(user_id, attempt.module_slug, answered_at)
    db.session.commit()
    return attempt


def submit(user_id: int, catalog: Catalog, attempt_id: int, now: datetime | None = None) -> QuizAttempt:
    """Grade an attempt exactly once.

    The first statement is a conditional UPDATE on status = 'open': of two concurrent submits (two tabs,
    two server processes) only one changes a row; the other finds nothing to change, rolls back, and is
    shown the same result. Grading happens in the same transaction, so a crash leaves the attempt open.
    The claim also holds the attempt's row lock (PostgreSQL) or the database's write lock (SQLite) until
    the grade is committed, which is what keeps a racing `save_answer` out of the graded answers.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user_id, QuizAttempt.status == AttemptStatus.OPEN)
        .values(status=AttemptStatus.SUBMITTED, open_module=None, submitted_at=now)
    ).rowcount
    if not claimed:
        db.session.rollback()
        get_attempt(user_id, attempt_id)  # 404 if it is not theirs
        raise AttemptAlreadySubmitted("This attempt was already submitted; here is its result.")
    attempt = get_attempt(user_id, attempt_id, fresh=True)
    result = grading.grade([i.snapshot for i in attempt.items], [i.response for i in attempt.items], attempt.pass_mark)
    for item, score in zip(attempt.items, result.item_scores, strict=True):
        item.score = score
    attempt.score, attempt.percent, attempt.passed = result.score, result.percent, result.passed
    db.session.flush()
    module = catalog.module(attempt.module_slug)
    summary.record_attempts(user_id, module, now)
    signals.attempt_graded.send(attempt, now=now)
    if attempt.passed and module is not None:
        objective_of = {q.id: q.objective for q in module.quiz.questions}
        signals.module_passed.send(
            module.slug,
            user_id=user_id,
            now=now,
            objectives=[(objective_of.get(i.question_id, 0), i.score or 0.0) for i in attempt.items],
            catalog=catalog,
        )
    db.session.commit()
    signals.attempt_submitted.send(attempt.module_slug, passed=attempt.passed)
    return attempt


@dataclass(frozen=True)
class Review:
    """A submitted attempt as its trainee may see it now, under the quiz's review policy."""

    attempt: QuizAttempt
    status: QuizStatus
    shown: Reveal


def review(user_id: int, module: Module, attempt: QuizAttempt, now: datetime | None = None) -> Review:
    """Apply the review policy, and record the first time it reveals this attempt's right answers (the
    draw of later retakes avoids those questions while others remain)."""
    status = status_for(user_id, module, now)
    shown = reveal(module.quiz.review, status)
    if shown.right_answer and attempt.revealed_at is None:
        attempt.revealed_at = now or utcnow()
        db.session.commit()
    return Review(attempt, status, shown)
