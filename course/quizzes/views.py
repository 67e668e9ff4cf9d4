"""Quiz pages: the quiz's landing page, one page per question (each answer saved as it is given),
the confirm step, submission, and the result/review page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..content import types
from ..core.catalog import get_catalog
from ..web.inputs import query_int
from ..web.responses import module_or_404, refuse
from . import services, serving
from .review import review_rows
from .services import AttemptAlreadySubmitted, CourseError

bp = Blueprint("quizzes", __name__)
GO_WORDS = ("next", "previous", "review", "stay")


@bp.get("/modules/<slug>/quiz")
@login_required
def quiz(slug: str):
    module = module_or_404(slug)
    overview = services.overview(current_user.id, module)
    return render_template(
        "quizzes/quiz.html", module=module, status=overview.status, unfinished=overview.unfinished_pages
    )


@bp.post("/modules/<slug>/quiz/start")
@login_required
def start(slug: str):
    module = module_or_404(slug)
    try:
        attempt = services.start_attempt(current_user.id, module, course_version=get_catalog().course.version)
    except CourseError as error:
        return refuse(error)
    return redirect(url_for(".result", attempt_id=attempt.id), 303)  # an open attempt resumes from there


def _first_unanswered(attempt) -> int:
    return next((i.position for i in attempt.items if i.response is None), 1)


def _open_attempt(attempt_id: int):
    """(attempt, None) for the trainee's open attempt; otherwise (None, the response to send instead):
    the result page once it is submitted, or the refusal."""
    try:
        attempt = services.get_attempt(current_user.id, attempt_id)
    except CourseError as error:
        return None, refuse(error)
    if not attempt.is_open:
        return None, redirect(url_for(".result", attempt_id=attempt_id), 303)
    return attempt, None


@bp.get("/attempts/<id:attempt_id>/questions/<id:position>")
@login_required
def question(attempt_id: int, position: int):
    attempt, elsewhere = _open_attempt(attempt_id)
    if elsewhere:
        return elsewhere
    item = next((i for i in attempt.items if i.position == position), None)
    if item is None:
        return refuse(services.NotFound("This attempt has no such question."))
    return render_template(
        "quizzes/question.html",
        attempt=attempt,
        module=module_or_404(attempt.module_slug),
        item=item,
        question=serving.public_view(item.snapshot),
        kind=types.of(item.snapshot),
    )


@bp.post("/attempts/<id:attempt_id>/questions/<id:position>")
@login_required
def answer(attempt_id: int, position: int):
    form = {name: request.form.getlist(name) for name in request.form if name not in ("csrf_token", "go")}
    go = request.form.get("go", "next")
    target = query_int(go) if go not in GO_WORDS else None
    if go not in GO_WORDS and target is None:  # checked before saving: a bad request changes nothing
        return refuse(CourseError("Unknown destination: go back to the question and use its buttons."))
    try:
        attempt = services.save_answer(current_user.id, attempt_id, position, form)
    except CourseError as error:
        return refuse(error)
    if go == "stay":  # the autosave script: saved, nothing to show
        return "", 204
    last = len(attempt.items)
    if go == "previous" and position > 1:
        return redirect(url_for(".question", attempt_id=attempt_id, position=position - 1), 303)
    if go == "next" and position < last:
        return redirect(url_for(".question", attempt_id=attempt_id, position=position + 1), 303)
    if target is not None and target <= last:
        return redirect(url_for(".question", attempt_id=attempt_id, position=target), 303)
    return redirect(url_for(".confirm", attempt_id=attempt_id), 303)


@bp.get("/attempts/<id:attempt_id>/confirm")
@login_required
def confirm(attempt_id: int):
    attempt, elsewhere = _open_attempt(attempt_id)
    if elsewhere:
        return elsewhere
    unanswered = [i for i in attempt.items if i.response is None]
    return render_template(
        "quizzes/confirm.html", attempt=attempt, module=module_or_404(attempt.module_slug), unanswered=unanswered
    )


@bp.post("/attempts/<id:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    try:
        attempt = services.submit(current_user.id, get_catalog(), attempt_id)
    except AttemptAlreadySubmitted:  # a second click or tab: lead where the first one did
        attempt = services.get_attempt(current_user.id, attempt_id)
    except CourseError as error:
        return refuse(error)
    if attempt.passed and not attempt.practice:  # the completion moment (learning knows the whole course)
        return redirect(url_for("learning.passed", attempt_id=attempt_id), 303)
    return redirect(url_for(".result", attempt_id=attempt_id), 303)


@bp.get("/attempts/<id:attempt_id>")
@login_required
def result(attempt_id: int):
    try:
        attempt = services.get_attempt(current_user.id, attempt_id)
    except CourseError as error:
        return refuse(error)
    if attempt.is_open:
        return redirect(url_for(".question", attempt_id=attempt_id, position=_first_unanswered(attempt)), 303)
    module = module_or_404(attempt.module_slug)
    seen = services.review(current_user.id, module, attempt)
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        module=module,
        status=seen.status,
        shown=seen.shown,
        review=review_rows(attempt, seen.shown),
    )
