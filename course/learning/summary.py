"""The lesson half of `ModuleSummary` upkeep; the quiz half (and `touch`) is `quizzes.summary`.

Called inside the use case that changed the data, before its commit, so the summary and the change land
together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..content.model import Module
from ..extensions import db
from ..quizzes.summary import save, touch
from .models import LessonProgress

__all__ = ["record_pages", "touch"]


def record_pages(user_id: int, module: Module, now: datetime) -> None:
    done = db.session.scalar(
        select(func.count()).where(
            LessonProgress.user_id == user_id,
            LessonProgress.module_slug == module.slug,
            LessonProgress.completed_at.is_not(None),
            LessonProgress.page_anchor.in_([p.anchor for p in module.pages]),
        )
    )
    save(user_id, module.slug, {"pages_done": done, "lessons_done": done == len(module.pages), "last_activity_at": now})
