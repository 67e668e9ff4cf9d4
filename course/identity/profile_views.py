"""Identity pages on the accounts blueprint: confirm an email, forgotten password, profile, unsubscribe.

Every message is sent after the service's commit; when the mail server fails, the action stands and the
page says so (the user can ask again).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core import mail
from ..errors import CourseError
from ..extensions import limiter
from ..web.redirects import safe_next
from . import emails, profile, sessions
from .forms import ForgotPasswordForm, JoinForm, ProfileForm, ResetPasswordForm
from .services import normalise_email
from .signed_in import own_record
from .views import account_page, bp


def _per_user_limit() -> str:
    return current_app.config["MAIL_RATE_LIMIT"]


def _per_address_limit() -> str:
    return current_app.config["MAIL_ADDRESS_RATE_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.get_id().partition(':')[0] if current_user.is_authenticated else '-'}"


def _email_key() -> str:
    return "email:" + normalise_email(request.form.get("email", ""))[:254]


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _invalid_link(error: CourseError):
    return render_template("message.html", title="This link does not work", message=error.message), error.status


@bp.app_context_processor
def _profile_form():
    def profile_form():
        return ProfileForm(
            formdata=None,
            display_name=current_user.display_name,
            wants_reminders=current_user.wants_reminders,
            time_zone=current_user.time_zone or "",
        )

    return {"profile_form": profile_form}


@bp.get("/account/verify-email/<token>")
def verify_email(token: str):
    try:
        user = profile.confirm_email(_secret(), token[:512], current_app.config["VERIFY_EMAIL_MAX_AGE"])
    except CourseError as error:
        return _invalid_link(error)
    flash(f"Thank you: {user.email} is confirmed.", "success")
    return redirect(url_for("learning.dashboard" if current_user.is_authenticated else "accounts.login"), 303)


@bp.post("/account/verify-email/resend")
@login_required
@limiter.limit(_per_user_limit, key_func=_user_key)
@limiter.limit(_per_address_limit)
def resend_verification():
    if current_user.email_verified:
        flash("Your email address is already confirmed.", "info")
    elif emails.send_verification(current_user):
        flash(f"We sent a new link to {current_user.email}. It works once.", "success")
    else:
        flash(mail.FAILED, "error")
    return redirect(safe_back(), 303)


def safe_back() -> str:
    return safe_next(request.form.get("next"), url_for("accounts.account"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_per_user_limit, key_func=_email_key, methods=["POST"])
@limiter.limit(_per_address_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = profile.user_for_reset(form.email.data)
        sent = emails.send_reset(user) if user is not None else emails.send_no_account(normalise_email(form.email.data))
        if not sent:
            flash(mail.FAILED, "error")
            return render_template("accounts/forgot.html", form=form), 503
        return render_template("accounts/forgot_sent.html", email=normalise_email(form.email.data))
    return render_template("accounts/forgot.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    token = token[:512]
    max_age = current_app.config["RESET_PASSWORD_MAX_AGE"]
    try:
        profile.check_reset_token(_secret(), token, max_age)
    except CourseError as error:
        return _invalid_link(error)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = profile.reset_password(_secret(), token, max_age, form.password.data)
        except profile.WeakPassword as error:
            form.password.errors.append(error.message)
            return render_template("accounts/reset.html", form=form), 400
        except CourseError as error:
            return _invalid_link(error)
        if not user.is_active:  # a deactivated account gets its new password, not a session
            flash("Your password is changed. This account is deactivated: ask an administrator.", "success")
            return redirect(url_for("accounts.login"), 303)
        sessions.begin(user)  # the link proved the mailbox: no need to type the new password twice more
        flash("Your password is changed and you are logged in; every other session is logged out.", "success")
        return redirect(url_for(user.home_endpoint), 303)
    return render_template("accounts/reset.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/account/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            changed = profile.update_profile(
                own_record(), form.display_name.data, form.wants_reminders.data, form.time_zone.data
            )
        except CourseError as error:
            form.display_name.errors.append(error.message)
        else:
            flash("Your name is changed." if changed else "Your choices are saved.", "success")
            return redirect(url_for("accounts.account"), 303)
    return account_page(JoinForm(formdata=None), 400, profile=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    token = token[:512]
    if request.method == "POST":
        try:
            profile.unsubscribe(_secret(), token)
        except CourseError as error:
            return _invalid_link(error)
        return render_template(
            "message.html",
            title="Reminders stopped",
            message="You will get no more reminders. Tick “Email me reminders” on your account page to get them again.",
        )
    return render_template("accounts/unsubscribe.html")
