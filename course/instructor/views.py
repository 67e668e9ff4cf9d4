"""The instructor workspace: progress matrix, trainee detail, cohorts, audited actions, exports.

Every route needs an instructor or admin; an instructor asking for a trainee outside their cohorts gets
404, as if the trainee did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import audit
from ..clock import utcnow
from ..core.catalog import get_catalog
from ..enrolment import cohorts
from ..errors import CourseError
from ..identity.auth import require_role
from ..identity.models import Role
from ..quizzes import overrides
from ..quizzes.review import review_rows
from ..recertification import retention
from ..web.csvsafe import csv_chunks
from ..web.inputs import query_int
from ..web.responses import module_or_404, refuse
from . import access, compliance, detail, exports, matrix, reports
from . import statistics as stats
from .forms import NO_MODULE, ActionForm, AssignInstructorForm, CohortForm, DueDateForm

bp = Blueprint("instructor", __name__, url_prefix="/instructor")
staff_only = require_role(Role.INSTRUCTOR, Role.ADMIN)


@bp.before_request
@staff_only
def _staff_only():
    return None


def _matrix_query() -> matrix.MatrixQuery:
    args = request.args
    return matrix.MatrixQuery(
        cohort_id=query_int(args.get("cohort")),
        search=args.get("q", "").strip()[:100],
        sort=args.get("sort") if args.get("sort") in matrix.SORTS else "attention",
        signal=args.get("signal", "") if args.get("signal") in matrix.SIGNALS else "",
        page=query_int(args.get("page"), high=99_999) or 1,
        deadline=args.get("deadline", "") if args.get("deadline") in matrix.DEADLINES else "",
    )


@bp.get("/")
def matrix_view():
    query, now = _matrix_query(), utcnow()
    page = matrix.matrix_page(current_user, get_catalog(), query, now)
    cohorts = access.visible_cohorts(current_user)
    # The home (the first page) opens on compliance: who is current, overdue, expiring (issue 23).
    first = query.page == 1
    return render_template(
        "instructor/matrix.html",
        page=page,
        query=query,
        cohorts=cohorts,
        glance=matrix.glance(current_user, get_catalog(), query.cohort_id, page.signals),
        compliance=compliance.by_cohort(current_user, now, query.cohort_id, cohorts) if first else None,
        compliance_columns=compliance.COLUMNS,
    )


def stream_csv(filename: str, rows: Iterable[list]) -> Response:
    """Write CSV as rows are read; headers go out before the first row, the file is never whole in memory.
    Every file starts with a UTF-8 byte-order mark, the one sign by which Excel on Windows reads a CSV as
    UTF-8 ("José Álvarez" rather than mojibake); other readers skip it."""

    def with_bom() -> Iterator[str]:
        yield "\ufeff"
        yield from csv_chunks(rows)

    return Response(
        stream_with_context(with_bom()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/matrix.csv")
def matrix_csv():
    catalog, query, viewer, now = get_catalog(), _matrix_query(), current_user._get_current_object(), utcnow()

    def rows() -> Iterator[list]:
        yield matrix.csv_header(catalog)
        for row in matrix.all_rows(viewer, catalog, query, now):
            yield matrix.csv_row(row)

    return stream_csv("progress-matrix.csv", rows())


def _trainee_or_404(trainee_id: int) -> detail.TraineeDetail:
    found = detail.trainee_detail(trainee_id, get_catalog(), current_user)
    if found is None:
        abort(404)
    return found


def _action_form(catalog) -> ActionForm:
    form = ActionForm()
    form.module.choices = [NO_MODULE] + [SelectChoice(m.slug, f"{m.number}. {m.title}") for m in catalog.modules]
    form.offer(catalog.modules)
    return form


@bp.get("/trainees/<id:trainee_id>")
def trainee(trainee_id: int):
    found = _trainee_or_404(trainee_id)
    return render_template(
        "instructor/trainee.html",
        detail=found,
        form=_action_form(get_catalog()),
        mastery=reports.trainee_mastery(trainee_id),
        retention=retention.retention([trainee_id], get_catalog()),
        labels=retention.LABELS,
    )


@bp.get("/trainees/<id:trainee_id>/attempts/<id:attempt_id>")
def trainee_attempt(trainee_id: int, attempt_id: int):
    found = _trainee_or_404(trainee_id)
    attempt = detail.attempt_with_items(trainee_id, attempt_id)
    if attempt is None or attempt.is_open:
        abort(404)
    return render_template(
        "instructor/attempt.html",
        detail=found,
        attempt=attempt,
        module=module_or_404(attempt.module_slug),
        review=review_rows(attempt),
    )


@bp.post("/trainees/<id:trainee_id>/actions")
def trainee_action(trainee_id: int):
    found = _trainee_or_404(trainee_id)
    catalog = get_catalog()
    form = _action_form(catalog)

    def again(status: int):
        page = render_template(
            "instructor/trainee.html",
            detail=found,
            form=form,
            mastery=reports.trainee_mastery(trainee_id),
            retention=retention.retention([trainee_id], catalog),
            labels=retention.LABELS,
        )
        return page, status

    if not form.validate_on_submit():
        return again(400)
    try:
        overrides.apply(
            current_user.id, trainee_id, catalog.module(form.module.data), form.action.data, form.reason.data
        )
    except CourseError as error:
        form.reason.errors.append(error.message)
        return again(error.status)
    flash(f"{audit.ACTIONS[form.action.data]} for {found.trainee.display_name}. It is in the audit trail.", "success")
    return redirect(url_for(".trainee", trainee_id=trainee_id), 303)


@bp.route("/cohorts", methods=["GET", "POST"])
def cohort_list():
    form = CohortForm()
    if form.validate_on_submit():
        cohort = cohorts.create_cohort(form.name.data, current_user, form.due_on.data)
        flash(f"Cohort “{cohort.name}” created. Its join code is {cohort.join_code}.", "success")
        return redirect(url_for(".cohort_list"), 303)
    return _cohorts_page(form=form, status=400 if form.is_submitted() else 200)


@bp.post("/cohorts/<id:cohort_id>/instructors")
@require_role(Role.ADMIN)
def assign_instructor(cohort_id: int):
    form = AssignInstructorForm()
    if not form.validate_on_submit():
        return _cohorts_page(assign=form, status=400, assign_cohort=cohort_id)
    try:
        user = cohorts.assign_instructor(cohort_id, form.email.data)
    except CourseError as error:
        form.email.errors.append(error.message)
        return _cohorts_page(assign=form, status=400, assign_cohort=cohort_id)
    flash(f"{user.display_name} now follows this cohort.", "success")
    return redirect(url_for(".cohort_list"), 303)


@bp.post("/cohorts/<id:cohort_id>/due-date")
def set_due_date(cohort_id: int):
    form = DueDateForm()
    if not form.validate_on_submit():
        return _cohorts_page(due=form, status=400)
    try:
        cohort = cohorts.set_due_date(cohort_id, form.due_on.data, [c.id for c in access.visible_cohorts(current_user)])
    except CourseError as error:
        return refuse(error)
    when = f"to be completed by {cohort.due_on:%d %B %Y}" if cohort.due_on else "without a due date"
    flash(f"Cohort “{cohort.name}” is now {when}.", "success")
    return redirect(url_for(".cohort_list"), 303)


def _cohorts_page(
    form: CohortForm | None = None,
    assign: AssignInstructorForm | None = None,
    due: DueDateForm | None = None,
    status: int = 200,
    assign_cohort: int | None = None,
):
    """`assign_cohort`: the row whose "Add an instructor" was refused, where its error is shown."""
    active, archived = access.visible_cohorts(current_user), access.visible_cohorts(current_user, archived=True)
    modules = len(get_catalog().modules)
    return render_template(
        "instructor/cohorts.html",
        form=form or CohortForm(formdata=None),
        assign=assign or AssignInstructorForm(formdata=None),
        due=due,
        assign_cohort=assign_cohort,
        cohorts=active,
        archived=archived,
        progress=reports.cohort_progress([c.id for c in active + archived], modules),
        modules=modules,
    ), status


def _followed_cohort_or_404(cohort_id: int):
    cohort = access.cohort_or_none(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.post("/cohorts/<id:cohort_id>/name")
def rename_cohort(cohort_id: int):
    cohort = _followed_cohort_or_404(cohort_id)
    old = cohort.name
    try:
        cohorts.rename(cohort, request.form.get("name", "")[:200])
    except CourseError as error:
        flash(error.message, "error")
        return _cohorts_page(status=error.status)
    flash(f"“{old}” is now called “{cohort.name}”.", "success")
    return redirect(url_for(".cohort_list"), 303)


@bp.post("/cohorts/<id:cohort_id>/archive")
def archive_cohort(cohort_id: int):
    cohort = _followed_cohort_or_404(cohort_id)
    archive = request.form.get("archive") != "no"
    cohorts.set_archived(cohort, archive)
    done = "archived: it no longer shows in your lists" if archive else "back among your cohorts"
    flash(f"“{cohort.name}” is {done}.", "success")
    return redirect(url_for(".cohort_list"), 303)


@bp.get("/compliance")
def compliance_view():
    cohort_id = query_int(request.args.get("cohort"))
    return render_template(
        "instructor/compliance.html",
        cohorts=compliance.by_cohort(current_user, utcnow(), cohort_id),
        cohort_id=cohort_id,
        columns=compliance.COLUMNS,
    )


@bp.get("/compliance.csv")
def compliance_csv():
    rows = compliance.csv_rows(current_user._get_current_object(), utcnow(), query_int(request.args.get("cohort")))
    return stream_csv("compliance.csv", rows)


@bp.get("/retention")
def retention_view():
    cohort_id = query_int(request.args.get("cohort"))
    return render_template(
        "instructor/retention.html",
        retention=retention.retention(access.visible_trainee_ids(current_user, cohort_id), get_catalog()),
        labels=retention.LABELS,
        cohorts=access.visible_cohorts(current_user),
        cohort_id=cohort_id,
    )


@bp.get("/exports")
def exports_page():
    return render_template("instructor/exports.html")


@bp.get("/exports/answers.csv")
def answers_csv():
    return stream_csv("answers.csv", exports.answer_rows(current_user._get_current_object()))


@bp.get("/exports/xapi.jsonl")
def xapi_jsonl():
    lines = exports.xapi_lines(
        current_user._get_current_object(),
        get_catalog(),
        request.host_url.rstrip("/"),
        current_app.config["COURSE_NAME"],
    )
    return Response(
        stream_with_context(lines),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="xapi-statements.jsonl"'},
    )


@bp.get("/statistics")
def statistics():
    catalog = get_catalog()
    module = catalog.module(request.args.get("module", "")) or catalog.modules[0]
    cohort_id = query_int(request.args.get("cohort"))
    min_responses = current_app.config["STATS_MIN_RESPONSES"]
    return render_template(
        "instructor/statistics.html",
        report=reports.quiz_report(current_user, module, cohort_id, min_responses),
        mastery=reports.cohort_mastery(current_user, cohort_id),
        cohorts=access.visible_cohorts(current_user),
        cohort_id=cohort_id,
        minimum=stats.MIN_ATTEMPTS,
        min_responses=min_responses,
        verdict=stats.verdict,
    )


@bp.get("/statistics/<slug>/questions/<question_id>")
def question_statistics(slug: str, question_id: str):
    """One question: how often each option was chosen, by the trainees this viewer sees."""
    module = module_or_404(slug)
    cohort_id = query_int(request.args.get("cohort"))
    found = reports.response_analysis(current_user, module, question_id[:80], cohort_id)
    if found is None:
        abort(404)
    return render_template("instructor/question.html", module=module, analysis=found, cohort_id=cohort_id)
