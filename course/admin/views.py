"""The admin console: find an account, then act on it with a reason. Admins only; every action audited."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import audit
from ..clock import utcnow
from ..core import mail
from ..core.catalog import get_catalog
from ..errors import CourseError
from ..identity import emails
from ..identity.auth import require_role
from ..identity.models import ROLES, Role
from ..privacy import data_rights
from ..privacy.views import json_download
from ..web.inputs import query_int
from . import bulk, listing, operations
from .forms import (
    BULK_ACTIONS,
    ActiveForm,
    BulkForm,
    ConfirmEmailForm,
    DetailsForm,
    EraseForm,
    FollowForm,
    ResetForm,
    RoleForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@require_role(Role.ADMIN)
def _admins_only():
    return None


def _filters(values, prefix: str = "") -> listing.Filters:
    """The list's filters from the query string, or from the bulk form's hidden copies (`filter_` names)."""
    return listing.Filters(
        query=values.get(f"{prefix}q", "").strip()[:100],
        role=values.get(f"{prefix}role", ""),
        status=values.get(f"{prefix}status", ""),
        cohort_id=query_int(values.get(f"{prefix}cohort"), high=2**31 - 1),
        page=query_int(values.get(f"{prefix}page"), high=99_999) or 1,
    )


def _list_page(filters: listing.Filters, form: BulkForm | None = None, selected=(), status: int = 200):
    cohorts = listing.cohort_choices()
    form = form or BulkForm(formdata=None)
    form.cohort.choices = [("", "Choose a cohort")] + [(str(c.id), c.name) for c in cohorts if not c.archived]
    result = listing.search(filters, [m.slug for m in get_catalog().modules], utcnow())
    links = {"q": filters.query, "role": filters.role, "status": filters.status, "cohort": filters.cohort_id}
    return render_template(
        "admin/users.html",
        result=result,
        filters=filters,
        links={k: v for k, v in links.items() if v},
        roles=ROLES,
        statuses=listing.STATUSES,
        cohorts=cohorts,
        form=form,
        select_all=request.args.get("select") == "all",
        selected=set(selected),
        first_run=operations.first_run(
            current_app.config.get("MAIL_SERVER"),
            current_app.config.get("BASE_URL"),
            current_app.config.get("CERTIFICATE_ISSUER"),
        ),
    ), status


@bp.get("/")
def users():
    return _list_page(_filters(request.args))


@bp.post("/bulk")
def bulk_action():
    """One action on the ticked accounts (bulk.py says how); bad input does nothing and shows the list again
    with the ticks, the choices and the reason kept."""
    form = BulkForm()
    filters = _filters(request.form, "filter_")
    raw = request.form.getlist("user")
    kept = [int(v) for v in raw if v.isdigit() and len(v) <= 12]
    form.validate_on_submit()  # the reason's own checks; CSRF was checked before the view
    statuses = [400]
    try:
        people = bulk.known_people(bulk.selected_ids(raw))
    except CourseError as error:
        form.form_errors.append(error.message)
        statuses.append(error.status)
    if form.action.data not in BULK_ACTIONS:
        form.action.errors = ["Choose what to do with the selected accounts."]
    else:
        try:
            cohort = bulk.target_cohort(form.action.data, form.cohort.data)
        except CourseError as error:
            form.cohort.errors = [error.message]
            statuses.append(error.status)
    if form.errors:
        return _list_page(filters, form, kept, max(statuses))
    outcome = bulk.apply(
        current_user, form.action.data, people, form.reason.data, cohort, send=emails.send_verification
    )
    back = url_for(
        ".users",
        q=filters.query or None,
        role=filters.role or None,
        status=filters.status or None,
        cohort=filters.cohort_id,
        page=filters.page if filters.page > 1 else None,
    )
    return render_template("admin/bulk_done.html", outcome=outcome, back=back), 200 if outcome.done else 409


def _user_page(user_id: int, status: int = 200, **forms):
    try:
        user = operations.get(user_id)
    except CourseError as error:
        return render_template("message.html", title="Not found", message=error.message), error.status
    role_form = forms.get("role_form") or RoleForm(formdata=None, role=user.role)
    return render_template(
        "admin/user.html",
        user=user,
        role_form=role_form,
        active_form=forms.get("active_form") or ActiveForm(formdata=None, active="0" if user.active else "1"),
        reset_form=forms.get("reset_form") or ResetForm(formdata=None),
        details_form=forms.get("details_form")
        or DetailsForm(formdata=None, display_name=user.display_name, email=user.email),
        confirm_form=forms.get("confirm_form") or ConfirmEmailForm(formdata=None),
        follow_form=_follow_form(user, forms.get("follow_form")),
        followed=operations.followed_cohorts(user.id) if user.role == Role.INSTRUCTOR else [],
        events=audit.trail(user.id),
    ), status


def _follow_form(user, form: FollowForm | None) -> FollowForm | None:
    """An instructor is offered the open cohorts they do not follow yet (none left: no form)."""
    if user.role != Role.INSTRUCTOR or user.deleted_at:
        return None
    form = form or FollowForm(formdata=None)
    choices = operations.cohorts_to_follow(user.id)
    form.cohort.choices = [("", "Choose a cohort")] + [(str(c.id), c.name) for c in choices]
    return form if choices or form.errors else None


@bp.get("/users/<id:user_id>")
def user(user_id: int):
    return _user_page(user_id)


def _act(user_id: int, form, form_name: str, action, done: str):
    if not form.validate_on_submit():
        return _user_page(user_id, 400, **{form_name: form})
    try:
        user = action(form)
    except CourseError as error:
        form.reason.errors.append(error.message)
        return _user_page(user_id, error.status, **{form_name: form})
    if done:
        flash(done.format(name=user.display_name), "success")
    return None


@bp.post("/users/<id:user_id>/role")
def change_role(user_id: int):
    form = RoleForm()
    refused = _act(
        user_id,
        form,
        "role_form",
        lambda f: operations.change_role(current_user, user_id, f.role.data, f.reason.data),
        "{name}'s role is changed. It is in the audit trail."
        + (" Choose below the cohort they will follow." if form.role.data == Role.INSTRUCTOR else ""),
    )
    return refused or redirect(url_for(".user", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/follow")
def follow_cohort(user_id: int):
    """Make this instructor one of a cohort's instructors (offered after a promotion), on the record."""
    try:
        user = operations.get(user_id)
    except CourseError as error:
        return render_template("message.html", title="Not found", message=error.message), error.status
    if user.role != Role.INSTRUCTOR or user.deleted_at:  # their page offers no such form: say why on its own page
        message = f"{user.display_name} is not an instructor: give them the instructor role first."
        return render_template("message.html", title="Not an instructor", message=message), 400
    form = FollowForm()
    cohort_id = form.cohort.data or ""
    if not form.validate_on_submit() or not cohort_id.isdigit() or len(cohort_id) > 12:
        if not cohort_id:
            form.cohort.errors = ["Choose the cohort they will follow."]
        elif not cohort_id.isdigit() or len(cohort_id) > 12:
            form.cohort.errors = ["There is no such cohort. Choose one from the list."]
        return _user_page(user_id, 400, follow_form=form)
    try:
        cohort = operations.follow_cohort(current_user, user_id, int(cohort_id), form.reason.data)
    except CourseError as error:
        form.cohort.errors = [error.message]
        return _user_page(user_id, error.status, follow_form=form)
    flash(f"{user.display_name} is now an instructor of “{cohort.name}”. It is in the audit trail.", "success")
    return redirect(url_for(".user", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/active")
def set_active(user_id: int):
    form = ActiveForm()
    activate = form.active.data == "1"
    refused = _act(
        user_id,
        form,
        "active_form",
        lambda f: operations.set_active(current_user, user_id, activate, f.reason.data),
        "{name} is reactivated." if activate else "{name} is deactivated and logged out everywhere.",
    )
    return refused or redirect(url_for(".user", user_id=user_id), 303)


@bp.get("/users/<id:user_id>/data.json")
def export_data(user_id: int):
    try:
        user = operations.get(user_id)
    except CourseError as error:
        return render_template("message.html", title="Not found", message=error.message), error.status
    data = {
        "exported_at": utcnow().isoformat() + "Z",
        "exported_by_admin": current_user.id,
        **data_rights.export(user.id),
    }
    return json_download(data, f"course-data-{user.id}.json")


@bp.route("/users/<id:user_id>/erase", methods=["GET", "POST"])
def erase(user_id: int):
    """Erasing a person's data asks on a page of its own, with their email typed (audit 2026-12 F7)."""
    try:
        user = operations.get(user_id)
    except CourseError as error:
        return render_template("message.html", title="Not found", message=error.message), error.status
    if user.deleted_at:
        message = "This account's personal data is already erased."
        return render_template("message.html", title="Already erased", message=message), 409
    form = EraseForm()
    form.expected_email = user.email
    if form.validate_on_submit():
        try:
            _erase(user, form.reason.data)
        except CourseError as error:
            form.reason.errors.append(error.message)
            return render_template("admin/erase.html", user=user, form=form), error.status
        flash("The account's personal data is erased; its certificate is revoked.", "success")
        return redirect(url_for(".user", user_id=user_id), 303)
    return render_template("admin/erase.html", user=user, form=form), 400 if form.is_submitted() else 200


def _erase(user, reason: str):
    data_rights.erase(user, current_user.id, reason)
    return user


@bp.post("/users/<id:user_id>/reset")
def send_reset(user_id: int):
    form = ResetForm()
    refused = _act(
        user_id,
        form,
        "reset_form",
        lambda f: operations.record_reset(current_user, user_id, f.reason.data),
        "",
    )
    if refused:
        return refused
    user = operations.get(user_id)
    if emails.send_reset(user):
        flash(f"A password reset link was sent to {user.email}. It is in the audit trail.", "success")
    else:
        flash(mail.FAILED, "error")
    return redirect(url_for(".user", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/details")
def correct_details(user_id: int):
    form = DetailsForm()
    refused = _act(
        user_id,
        form,
        "details_form",
        lambda f: operations.correct_details(current_user, user_id, f.display_name.data, f.email.data, f.reason.data),
        "{name}'s details are corrected. It is in the audit trail.",
    )
    return refused or redirect(url_for(".user", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/email-confirmed")
def confirm_email(user_id: int):
    form = ConfirmEmailForm()
    refused = _act(
        user_id,
        form,
        "confirm_form",
        lambda f: operations.confirm_email(current_user, user_id, f.reason.data),
        "{name}'s email is marked as confirmed. It is in the audit trail.",
    )
    return refused or redirect(url_for(".user", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/confirmation")
def send_confirmation(user_id: int):
    try:
        user = operations.record_confirmation_sent(current_user, user_id)
    except CourseError as error:
        flash(error.message, "error")
        return redirect(url_for(".user", user_id=user_id), 303)
    if emails.send_verification(user):
        flash(f"A confirmation link was sent to {user.email}. It is in the audit trail.", "success")
    else:
        flash(mail.FAILED, "error")
    return redirect(url_for(".user", user_id=user_id), 303)
