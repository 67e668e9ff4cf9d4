"""Course pages, lesson pages, the dashboard and the certificate."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.catalog import get_catalog
from ..errors import CourseError
from ..recertification.schedule import SchedulerSettings
from ..web import limits
from ..web.responses import module_or_404, refuse, render_for_anonymous
from . import certificate_pdf, services

bp = Blueprint("learning", __name__)


@bp.get("/")
def home():
    progress = services.course_progress(current_user.id, get_catalog()) if current_user.is_authenticated else None
    return render_for_anonymous("learning/home.html", catalog=get_catalog(), progress=progress)


@bp.get("/modules/<slug>")
def module(slug: str):
    module = module_or_404(slug)
    done = services.completed_pages(current_user.id, slug) if current_user.is_authenticated else set()
    return render_template("learning/module.html", module=module, done=done)


# A figure is only ever shown through <img>, where a browser runs no script in it. Opened directly, it gets
# a policy that still forbids scripts and anything loaded from elsewhere; the SVG's own styles may apply.
FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
FIGURE_MAX_AGE = 365 * 24 * 3600  # the page links `?v=<content hash>`, so a changed file gets a new URL


@bp.get("/figures/<name>")
def figure(name: str):
    """A lesson figure, served only if the content check accepted it (so never a path outside lessons/figures)."""
    found = get_catalog().figure(name)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.media_type)
    response.set_etag(found.version)
    response.make_conditional(request)
    response.headers["Cache-Control"] = f"public, max-age={FIGURE_MAX_AGE}, immutable"
    response.headers["Content-Security-Policy"] = FIGURE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/modules/<slug>/pages/<anchor>")
@login_required
def page(slug: str, anchor: str):
    module = module_or_404(slug)
    page = module.page(anchor)
    if page is None:
        abort(404)
    done = services.open_page(current_user.id, module, anchor)
    return render_template(
        "learning/page.html",
        module=module,
        page=page,
        done=done,
        next_page=module.next_page(anchor),
        previous_page=module.previous_page(anchor),
    )


@bp.post("/modules/<slug>/pages/<anchor>/complete")
@login_required
def complete(slug: str, anchor: str):
    module = module_or_404(slug)
    try:
        services.complete_page(current_user.id, module, anchor)
    except CourseError as error:
        return refuse(error)
    following = module.next_page(anchor)
    if following is not None:
        return redirect(url_for(".page", slug=slug, anchor=following.anchor), 303)
    return redirect(url_for("quizzes.quiz", slug=slug), 303)


@bp.get("/dashboard")
@login_required
def dashboard():
    found = services.dashboard(current_user.id, get_catalog(), _email_ok())
    return render_template(
        "learning/dashboard.html",
        progress=found.progress,
        mastery=found.mastery,
        step=found.step,
        standing=found.standing,
        changes=found.changes,
    )


@bp.get("/sources")
def sources():
    """Public: each module's sources with the date each was checked, its last review, and the change log."""
    return render_template("learning/sources.html", catalog=get_catalog())


def _fsrs() -> SchedulerSettings:
    return SchedulerSettings.from_config(current_app.config)


@bp.get("/attempts/<id:attempt_id>/passed")
@login_required
def passed(attempt_id: int):
    """The moment after a pass: which module, how many of the course's, and the one next step; after the last
    module, the course complete and the certificate."""
    try:
        moment = services.completion(current_user.id, attempt_id, get_catalog(), _email_ok())
    except CourseError as error:
        return refuse(error)
    return render_template(
        "learning/passed.html", moment=moment, progress=moment.progress, step=moment.step, module=moment.module
    )


def _email_ok() -> bool:
    return current_user.email_verified or not current_app.config["REQUIRE_VERIFIED_EMAIL_FOR_CERTIFICATE"]


@bp.get("/certificate")
@login_required
def certificate():
    try:
        cert = services.certificate_for(
            current_user.id, current_user.display_name, get_catalog(), _email_ok(), fsrs=_fsrs()
        )
    except services.EmailNotVerified as error:
        return render_template("accounts/verify_needed.html", message=error.message), error.status
    except CourseError as error:
        return refuse(error)
    return render_template(
        "learning/certificate.html",
        certificate=cert,
        issuer=certificate_pdf.Issuer.from_config(current_app.config),
        hours=get_catalog().course.hours,
    )


@bp.get("/certificate.pdf")
@login_required
def certificate_download():
    try:
        cert = services.certificate_for(
            current_user.id, current_user.display_name, get_catalog(), _email_ok(), fsrs=_fsrs()
        )
    except services.EmailNotVerified as error:
        return render_template("accounts/verify_needed.html", message=error.message), error.status
    except CourseError as error:
        return refuse(error)
    verify_url = url_for(".verify", code=cert.code, _external=True)
    return Response(
        certificate_pdf.render(
            cert,
            verify_url,
            current_app.config["COURSE_TITLE"],
            certificate_pdf.Issuer.from_config(current_app.config),
            get_catalog().course.hours,
        ),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{cert.code}.pdf"'},
    )


@bp.get("/verify")
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for(".verify", code=code[:40]))
    return render_template("learning/verify.html", found=None, code="")


@bp.get("/verify/<code>")
def verify(code: str):
    limits.verification()
    try:
        found = services.verify(code[:40])
    except CourseError as error:
        return render_template("learning/verify.html", found=None, code=code, error=error.message), 404
    return render_template("learning/verify.html", found=found, code=found.certificate.code)
