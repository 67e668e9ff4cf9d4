"""Theme mastery: the share of the marks available on each theme that were earned, over submitted attempts.

One grouped query for any set of trainees, so the trainee's dashboard (their own marks) and the
instructor's reports (one trainee, a cohort) compute it the same way.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from ..content.model import THEMES
from ..extensions import db
from .models import AttemptItem, QuizAttempt
from .rules import AttemptStatus


def _mastery_query(whose):
    return (
        select(AttemptItem.theme, func.sum(AttemptItem.score), func.count())
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(QuizAttempt.status == AttemptStatus.SUBMITTED, whose)
        .group_by(AttemptItem.theme)
    )


# The trainee's own, built once with the trainee as a parameter: it runs on every dashboard request, where
# composing the statement cost more than running it.
_OWN_MASTERY = _mastery_query(QuizAttempt.user_id == bindparam("user_id"))


def _by_theme(rows) -> dict[str, float | None]:
    """Percent per theme, in THEMES order; None for a theme with no answered question yet."""
    found = {theme: (100 * (earned or 0) / count if count else None) for theme, earned, count in rows}
    return {theme: found.get(theme) for theme in THEMES}


def theme_mastery(user_ids_query) -> dict[str, float | None]:
    return _by_theme(db.session.execute(_mastery_query(QuizAttempt.user_id.in_(user_ids_query))))


def own_mastery(user_id: int) -> dict[str, float | None]:
    return _by_theme(db.session.execute(_OWN_MASTERY, {"user_id": user_id}))
