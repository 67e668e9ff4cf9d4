"""Statements queued for the learning record store, and their delivery with retries.

An attempt's statements (attempted, answered per question, passed or failed, and completed once the
course is) are queued in the transaction that grades it, so none is lost when the LRS is down or the
process dies; `send_due` posts the due ones in order and backs off when the LRS fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from ..content.model import Catalog
from ..core import backoff
from ..core.backoff import next_try
from ..extensions import db
from ..learning.models import ModuleSummary
from ..quizzes.models import QuizAttempt
from .models import StatementOutbox
from .statements import Statements, item_rows

BATCH = 50


class LrsUnavailable(Exception):
    """The LRS did not take the statements this time (down, slow, 5xx, refused credentials): retry later."""


class LrsRejected(Exception):
    """The LRS refused the statements themselves (4xx): sending them again would not help."""


Post = Callable[[list[dict]], None]  # sends statements; raises LrsUnavailable or LrsRejected


def _course_finished_at(user_id: int, catalog: Catalog) -> datetime | None:
    """When the trainee finished the course, if they have passed every module: their latest counted
    submission, the time the export stamps "completed" with."""
    slugs = [m.slug for m in catalog.modules]
    passed = db.session.scalar(
        select(func.count()).where(
            ModuleSummary.user_id == user_id, ModuleSummary.passed.is_(True), ModuleSummary.module_slug.in_(slugs)
        )
    )
    if passed != len(slugs):
        return None
    return db.session.scalar(
        select(func.max(QuizAttempt.submitted_at)).where(
            QuizAttempt.user_id == user_id, QuizAttempt.status == "submitted", QuizAttempt.practice.is_(False)
        )
    )


def queue_attempt(attempt: QuizAttempt, catalog: Catalog, base_url: str, course_name: str, now: datetime) -> int:
    """Queue a graded attempt's statements in the caller's transaction; the number queued."""
    rows = db.session.execute(item_rows().where(QuizAttempt.id == attempt.id)).all()
    if not rows:
        return 0
    build = Statements(base_url, catalog, course_name)
    lines = [build.attempted(rows[0]), *(build.answered(row) for row in rows), build.outcome(rows[-1])]
    finished_at = _course_finished_at(attempt.user_id, catalog)
    if finished_at is not None:
        lines.append(build.completed(rows[-1], finished_at))
    statements = [json.loads(line) for line in lines]
    known = set(
        db.session.scalars(
            select(StatementOutbox.statement_id).where(StatementOutbox.statement_id.in_([s["id"] for s in statements]))
        )
    )
    fresh = [s for s in statements if s["id"] not in known]
    for statement in fresh:
        db.session.add(
            StatementOutbox(
                statement_id=statement["id"],
                user_id=attempt.user_id,
                body=json.dumps(statement, separators=(",", ":"), ensure_ascii=False),
                created_at=now,
                next_try_at=now,
            )
        )
    return len(fresh)


def backing_off(now: datetime) -> bool:
    """Whether the LRS failed lately and is not due again yet: then a request does not wait on it."""
    return (
        db.session.scalar(
            select(func.count()).where(
                StatementOutbox.status == "pending", StatementOutbox.tries > 0, StatementOutbox.next_try_at > now
            )
        )
        > 0
    )


@dataclass
class Delivery:
    sent: int = 0
    rejected: int = 0
    failed: int = 0
    error: str | None = None


def _failed(rows: list[StatementOutbox], error: str, now: datetime) -> None:
    for row in rows:
        row.tries += 1
        row.next_try_at = next_try(row.tries, now)
        row.last_error = error[:300]


def _one_by_one(rows: list[StatementOutbox], post: Post, now: datetime, delivery: Delivery) -> None:
    """A batch the LRS refused: find which statements it refuses, and send the others; if the LRS fails
    meanwhile, what is left waits for the next try."""
    for index, row in enumerate(rows):
        try:
            post([json.loads(row.body)])
        except LrsUnavailable as exc:
            _failed(rows[index:], str(exc), now)
            delivery.failed, delivery.error = len(rows) - index, str(exc)
            return
        except LrsRejected as exc:
            row.status, row.tries, row.last_error = "rejected", row.tries + 1, str(exc)[:300]
            delivery.rejected += 1
            continue
        row.status, row.sent_at = "sent", now
        delivery.sent += 1


def send_due(post: Post, now: datetime, limit: int = 1000) -> Delivery:
    """Send up to `limit` due statements, oldest first, in batches; stop at the first failure (the LRS is
    down: the rest wait for the next run). Commits after each batch."""
    delivery = Delivery()
    due = backoff.due(StatementOutbox, now, limit)
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        try:
            post([json.loads(row.body) for row in batch])
        except LrsUnavailable as exc:
            _failed(batch, str(exc), now)
            delivery.failed, delivery.error = len(batch), str(exc)
            db.session.commit()
            break
        except LrsRejected:
            _one_by_one(batch, post, now, delivery)
            if delivery.error:
                db.session.commit()
                break
        else:
            for row in batch:
                row.status, row.sent_at = "sent", now
            delivery.sent += len(batch)
        db.session.commit()
    return delivery


def counts() -> dict[str, int]:
    """How many statements are pending, sent and rejected."""
    found = dict(
        db.session.execute(select(StatementOutbox.status, func.count()).group_by(StatementOutbox.status)).all()
    )
    return {status: found.get(status, 0) for status in ("pending", "sent", "rejected")}


def forget_pending(user_id: int) -> None:
    """Drop the statements not sent yet about an account whose data is erased, in the caller's transaction."""
    db.session.execute(
        delete(StatementOutbox).where(StatementOutbox.user_id == user_id, StatementOutbox.status != "sent")
    )
