"""`flask summaries rebuild`: recompute every ModuleSummary row from the raw learner data."""

from __future__ import annotations

import click
from flask import Blueprint
from sqlalchemy import select, union

from ..clock import utcnow
from ..core.catalog import get_catalog
from ..extensions import db
from ..quizzes import summary as quiz_summary
from ..quizzes.models import QuizAttempt
from . import summary
from .models import LessonProgress

bp = Blueprint("summaries_cli", __name__, cli_group="summaries")


@bp.cli.command("rebuild")
def rebuild() -> None:
    """Recompute the progress summaries (after a database restore, or for data from before they existed)."""
    catalog, now = get_catalog(), utcnow()
    pairs = db.session.execute(
        union(
            select(LessonProgress.user_id, LessonProgress.module_slug),
            select(QuizAttempt.user_id, QuizAttempt.module_slug),
        )
    ).all()
    count = 0
    for user_id, slug in pairs:
        module = catalog.module(slug)
        if module is None:
            continue
        summary.record_pages(user_id, module, now)
        quiz_summary.record_attempts(user_id, module, now)
        count += 1
    db.session.commit()
    click.echo(f"Rebuilt {count} module summaries.")
