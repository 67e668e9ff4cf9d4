"""Theme mastery: the share of the marks available on each theme that were earned, over submitted attempts.

One grouped query for any set of trainees, so the trainee's dashboard (their own marks) and the
instructor's reports (one trainee, a cohort) compute it the same way.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..content.model import THEMES
from ..extensions import db
from .models import AttemptItem, QuizAttempt
from .rules import AttemptStatus


def theme_mastery(user_ids_query) -> dict[str, float | None]:
    """Percent per theme, in THEMES order; None for a theme with no answered question yet."""
    rows = db.session.execute(
        select(AttemptItem.theme, func.sum(AttemptItem.score), func.count())
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(QuizAttempt.status == AttemptStatus.SUBMITTED, QuizAttempt.user_id.in_(user_ids_query))
        .group_by(AttemptItem.theme)
    )
    found = {theme: (100 * (earned or 0) / count if count else None) for theme, earned, count in rows}
    return {theme: found.get(theme) for theme in THEMES}


def own_mastery(user_id: int) -> dict[str, float | None]:
    return theme_mastery([user_id])
