"""Account pages: register, log in, log out, change password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from .. import throttle
from ..views_support import render_for_anonymous
from . import cohorts, emails, services, sessions
from .forms import ChangePasswordForm, JoinForm, LoginForm, RegisterForm
from .safe_redirect import safe_next
from .signed_in import own_record

bp = Blueprint("accounts", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = RegisterForm(join_code=request.args.get("code", "")[:16])
    if form.validate_on_submit():
        throttle.registration()
        code = (form.join_code.data or "").strip()
        if code:
            throttle.join_code()
        try:
            cohort = cohorts.cohort_by_code(code) if code else None
        except cohorts.UnknownCohort as exc:
            form.join_code.errors.append(str(exc))
            return render_template("accounts/register.html", form=form), 400
        try:
            user = services.register(form.email.data, form.display_name.data, form.password.data, cohort=cohort)
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), url_for("learning.dashboard"))
    if current_user.is_authenticated:
        return redirect(target)
    if request.method == "GET":
        return render_for_anonymous("accounts/login.html", LoginForm)
    form = LoginForm()
    if form.validate_on_submit():
        throttle.password_guess(form.email.data)  # counted before the password is checked
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That email and password do not match an account.")
            return render_template("accounts/login.html", form=form), 401
        if not user.is_active:
            form.password.errors.append("This account is deactivated. Ask an administrator of the course.")
            return render_template("accounts/login.html", form=form), 403
        throttle.password_right(form.email.data)
        sessions.begin(user)
        return redirect(target)
    return render_template("accounts/login.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/logout")
def logout():
    sessions.end()
    flash("You are logged out. Your progress is saved.", "success")
    return redirect(url_for("learning.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        throttle.password_guess(current_user.email)
        user = own_record()
        try:
            services.change_password(user, form.current.data, form.password.data)
        except services.WrongPassword as exc:
            form.current.errors.append(str(exc))
            return render_template("accounts/password.html", form=form), 400
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
            return render_template("accounts/password.html", form=form), 400
        throttle.password_right(user.email)
        login_user(user)  # the user's token changed: keep this session, end the others
        sessions.end_others(user.id)
        flash("Your password is changed.", "success")
        return redirect(url_for("learning.dashboard"))
    return render_template("accounts/password.html", form=form), 400 if form.is_submitted() else 200


@bp.get("/account")
@login_required
def account():
    form = JoinForm(join_code=request.args.get("code", "")[:16])
    return account_page(form)


def account_page(form: JoinForm, status: int = 200, **context):
    """The account page; `context` may carry a profile form with its errors (see identity_views)."""
    return render_template(
        "accounts/account.html",
        form=form,
        cohorts=cohorts.cohorts_of_member(current_user.id),
        sessions=sessions.active(current_user.id),
        current_session=sessions.current_id(),
        **context,
    ), status


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = sessions.end_others(current_user.id)
    flash(f"Ended {ended} other session{'s' if ended != 1 else ''}. This one stays signed in.", "success")
    return redirect(url_for(".account"), 303)


@bp.post("/account/join")
@login_required
def join_cohort():
    form = JoinForm()
    if form.validate_on_submit():
        throttle.join_code()
        try:
            cohort = cohorts.join(current_user.id, form.join_code.data)
        except cohorts.UnknownCohort as exc:
            form.join_code.errors.append(str(exc))
        else:
            flash(f"You joined the cohort “{cohort.name}”.", "success")
            return redirect(url_for(".account"), 303)
    return account_page(form, 400)


@bp.get("/join/<code>")
def join(code: str):
    """The link an instructor shares: registers, or joins from the account page, with the code filled in."""
    target = ".account" if current_user.is_authenticated else ".register"
    return redirect(url_for(target, code=code[:16]))
