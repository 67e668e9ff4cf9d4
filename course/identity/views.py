"""Account pages: log in, log out, change password, the account page, other sessions.

The `accounts` blueprint is shared: enrolment (register, join), identity's profile pages and privacy add their
routes to it, so every account URL keeps one endpoint prefix."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from ..web import limits
from ..web.redirects import safe_next
from ..web.responses import render_for_anonymous
from . import services, session_end, sessions
from .forms import ChangePasswordForm, JoinForm, LoginForm
from .signed_in import own_record

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    wanted = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(wanted or url_for(current_user.home_endpoint))
    if request.method == "GET":
        return render_for_anonymous("accounts/login.html", LoginForm)
    form = LoginForm()
    if form.validate_on_submit():
        limits.password_guess(form.email.data)  # counted before the password is checked
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except Exception:  # the check itself failed (the database is away): that was no guess
            limits.password_right(form.email.data)
            raise
        if user is None:
            form.password.errors.append("That email and password do not match an account.")
            return render_template("accounts/login.html", form=form), 401
        if not user.is_active:
            form.password.errors.append("This account is deactivated. Ask an administrator of the course.")
            return render_template("accounts/login.html", form=form), 403
        limits.password_right(form.email.data)
        kept = session_end.take_kept(user.id)  # begin() empties the cookie session
        sessions.begin(user)
        if kept is not None:
            session[session_end.KEPT] = kept
            return redirect(url_for(".unsent"))
        return redirect(wanted or url_for(user.home_endpoint))
    return render_template("accounts/login.html", form=form), 400 if form.is_submitted() else 200


@bp.get("/account/unsent")
@login_required
def unsent():
    """What was sent just after the session ended, kept through the log-in: send it again, or go back."""
    kept = session_end.take_kept(current_user.id)
    if kept is None:
        return redirect(url_for("learning.dashboard"))
    return render_template("accounts/unsent.html", kept=kept)


@bp.post("/account/session/stay")
@login_required
def stay_logged_in():
    """The time-out warning's "Stay logged in" (static/session.js): the idle clock starts again."""
    return jsonify(ends_in=sessions.touch())


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
        limits.password_guess(current_user.email)
        user = own_record()
        try:
            services.change_password(user, form.current.data, form.password.data)
        except services.WrongPassword as exc:
            form.current.errors.append(str(exc))
            return render_template("accounts/password.html", form=form), 400
        except services.WeakPassword as exc:
            form.password.errors.append(str(exc))
            return render_template("accounts/password.html", form=form), 400
        limits.password_right(user.email)
        login_user(user)  # the user's token changed: keep this session, end the others
        sessions.end_others(user.id)
        flash("Your password is changed.", "success")
        return redirect(url_for(user.home_endpoint))
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
