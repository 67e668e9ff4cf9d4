"""Refresher pages (start, one page per question, its feedback), and the adapters that hand the app's
settings to the services: the pass hook and the FSRS settings."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..clock import utcnow
from ..content import types
from ..core import signals
from ..core.catalog import get_catalog
from ..errors import CourseError
from ..quizzes import services as quiz_services
from ..quizzes import serving
from ..quizzes.review import review_rows
from ..web.responses import refuse
from . import refreshers, schedule, standing

bp = Blueprint("refreshers", __name__)


def fsrs_settings(config) -> schedule.SchedulerSettings:
    return schedule.SchedulerSettings.from_config(config)


def refresher_size(config) -> refreshers.Size:
    return refreshers.Size(
        config["REFRESHER_MIN_QUESTIONS"], config["REFRESHER_MAX_QUESTIONS"], config["REFRESHER_FRESH_DAYS"]
    )


@signals.module_passed.connect
def _on_pass(slug: str, user_id: int, now, objectives, catalog) -> None:
    """A passing attempt (inside its transaction): start or renew the module's period and schedule it."""
    standing.record_pass(user_id, catalog.module(slug), objectives, now, catalog, fsrs_settings(current_app.config))


@bp.post("/refresher")
@login_required
def start():
    try:
        refresher = refreshers.start(
            current_user.id, get_catalog(), utcnow(), quiz_services.new_rng(), refresher_size(current_app.config)
        )
    except CourseError as error:
        return refuse(error)
    shown = refreshers.show(current_user.id, refresher.id, 1)
    position = next((i.position for i in shown.items if i.answered_at is None), 1)
    return redirect(url_for(".question", refresher_id=refresher.id, position=position), 303)


@bp.get("/refreshers/<id:refresher_id>/<id:position>")
@login_required
def question(refresher_id: int, position: int):
    try:
        shown = refreshers.show(current_user.id, refresher_id, position)
    except CourseError as error:
        return refuse(error)
    module = get_catalog().module(shown.item.module_slug)
    feedback = review_rows_of(shown.item) if shown.item.answered_at is not None else None
    return render_template(
        "recertification/question.html",
        shown=shown,
        module=module,
        question=serving.public_view(shown.item.snapshot),
        kind=types.of(shown.item.snapshot),
        feedback=feedback,
    )


def review_rows_of(item) -> dict:
    """The quiz review's row for one refresher answer, with everything shown: a refresher's own review
    policy (the review reads any object with `items` of snapshots, responses and scores)."""
    return review_rows(SimpleNamespace(items=[item]))[0]


@bp.post("/refreshers/<id:refresher_id>/<id:position>")
@login_required
def answer(refresher_id: int, position: int):
    form = {name: request.form.getlist(name) for name in request.form if name != "csrf_token"}
    try:
        refreshers.answer(current_user.id, refresher_id, position, form, utcnow(), fsrs_settings(current_app.config))
    except refreshers.Conflict:
        pass  # answered already (a second click): its feedback is shown
    except CourseError as error:
        return refuse(error)
    return redirect(url_for(".question", refresher_id=refresher_id, position=position), 303)
