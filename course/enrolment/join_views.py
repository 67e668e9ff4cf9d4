"""How a trainee comes in on their own: register (with a cohort's join code or without), join a cohort from
the account page, or follow the link an instructor shares. Routes of the `accounts` blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..identity import emails, services, sessions
from ..identity.forms import JoinForm, RegisterForm
from ..identity.views import account_page, bp
from ..web import limits
from . import cohorts


@bp.app_template_global()
def member_cohorts() -> list:
    """The signed-in trainee's cohorts, for the account page (called from the template, so only it pays)."""
    return cohorts.cohorts_of_member(current_user.id)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = RegisterForm(join_code=request.args.get("code", "")[:16])
    if form.validate_on_submit():
        limits.registration()
        code = (form.join_code.data or "").strip()
        if code:
            limits.join_code()
        try:
            cohort = cohorts.cohort_by_code(code) if code else None
        except cohorts.UnknownCohort as exc:
            form.join_code.errors.append(str(exc))
            return render_template("accounts/register.html", form=form), 400
        try:
            user = cohorts.register_member(form.email.data, form.display_name.data, form.password.data, cohort)
        except services.AccountError as exc:
            form.email.errors.append(exc.message)
            return render_template("accounts/register.html", form=form), exc.status
        sessions.begin(user)
        joined = f" You are in the cohort “{cohort.name}”." if cohort else ""
        flash(f"Welcome, {user.display_name}. Start with the first module.{joined}", "success")
        if emails.send_verification(user):
            flash(f"We sent a link to {user.email} to confirm it; your certificate needs a confirmed email.", "info")
        else:
            flash(
                f"We could not send the link to confirm {user.email} just now; send it again from your account page.",
                "warning",
            )
        return redirect(url_for("learning.dashboard"))
    return render_template("accounts/register.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/account/join")
@login_required
def join_cohort():
    form = JoinForm()
    if form.validate_on_submit():
        limits.join_code()
        try:
            cohort = cohorts.join(current_user.id, form.join_code.data)
        except cohorts.AccountError as exc:  # an unknown code (a form error), or a staff account (403)
            form.join_code.errors.append(exc.message)
            return account_page(form, 403 if isinstance(exc, cohorts.StaffCannotJoin) else 400)
        flash(f"You joined the cohort “{cohort.name}”.", "success")
        return redirect(url_for(".account"), 303)
    return account_page(form, 400)


@bp.post("/account/cohorts/<id:cohort_id>/leave")
@login_required
def leave_cohort(cohort_id: int):
    """A trainee leaves a cohort from the account page: its instructors stop seeing their record."""
    try:
        cohort = cohorts.leave(current_user.id, cohort_id)
    except cohorts.NotAMember as exc:
        return render_template("message.html", title="Not in this cohort", message=exc.message), exc.status
    flash(f"You left the cohort “{cohort.name}”. Its instructors no longer see your progress.", "success")
    return redirect(url_for(".account"), 303)


@bp.get("/join/<code>")
def join(code: str):
    """The link an instructor shares: registers, or joins from the account page, with the code filled in."""
    target = ".account" if current_user.is_authenticated else ".register"
    return redirect(url_for(target, code=code[:16]))
