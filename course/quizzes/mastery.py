"""Theme mastery: the share of the marks available on each theme that were earned, over submitted attempts.

One grouped query for any set of trainees, so the trainee's dashboard (their own marks) and the
instructor's reports (one trainee, a cohort) compute it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class OwnMastery:
    """The trainee's share of marks per theme (None: nothing answered on it yet), in THEMES order, and how
    many answers each share rests on: the dashboard shows both, and no bar on too few."""

    percent: dict[str, float | None]
    answers: dict[str, int]

    @property
    def rows(self) -> list[tuple[str, float | None]]:
        return list(self.percent.items())

    @property
    def counts(self) -> list[int]:
        return [self.answers[theme] for theme in self.percent]

    @property
    def answered(self) -> bool:
        return any(self.answers.values())


def own_mastery(user_id: int) -> OwnMastery:
    rows = db.session.execute(_OWN_MASTERY, {"user_id": user_id}).all()
    counts = {theme: count for theme, _, count in rows}
    return OwnMastery(_by_theme(rows), {theme: counts.get(theme, 0) for theme in THEMES})
