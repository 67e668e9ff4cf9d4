"""When to try again a delivery that failed: exponential backoff with a ceiling, shared by the outboxes.

1, 2, 4, ... minutes after each failure, never more than six hours apart, so an LRS or an LMS that is down
for a day is tried about a dozen times and everything queued meanwhile goes out once it answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db

FIRST = timedelta(minutes=1)
CEILING = timedelta(hours=6)


def next_try(failures: int, now: datetime) -> datetime:
    """The time of the next try after `failures` failed ones (1 or more)."""
    return now + min(FIRST * 2 ** min(failures - 1, 20), CEILING)


def due(model, now: datetime, limit: int) -> list:
    """An outbox's rows to try now (pending, their time come), oldest first: `model` has `status`,
    `next_try_at` and `id`."""
    return db.session.scalars(
        select(model).where(model.status == "pending", model.next_try_at <= now).order_by(model.id).limit(limit)
    ).all()
