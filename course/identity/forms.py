"""Account forms. Limits match the database columns, so nothing too long ever reaches it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..web import times
from ..web.inputs import SingleLine, strip
from .models import EMAIL_MAX, NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, TIME_ZONE_MAX
from .passwords import password_problem

PASSWORD_HINT = f"At least {PASSWORD_MIN} characters. A few unrelated words make a strong one."


class KnownZone:
    """A time zone the standard library knows (IANA names, as browsers report them)."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data and not times.is_zone(field.data):
            raise ValidationError("Choose a time zone from the list, such as Europe/London.")


class NewPassword:
    """Rejects a password the policy refuses, with the policy's reason."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        email = form.email.data if hasattr(form, "email") else ""
        problem = password_problem(field.data or "", email or "")
        if problem:
            raise ValidationError(problem)


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX), Email()])
    display_name = StringField(
        "Your name (shown on your certificate)",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), SingleLine()],
    )
    password = PasswordField("Password", validators=[DataRequired(), NewPassword()], description=PASSWORD_HINT)
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )
    join_code = StringField(
        "Cohort join code (optional)",
        validators=[Optional(), Length(max=16)],
        description="If your instructor gave you a code, enter it to join their cohort.",
    )


class JoinForm(FlaskForm):
    join_code = StringField(
        "Cohort join code", validators=[DataRequired("Enter the join code your instructor gave you."), Length(max=16)]
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    password = PasswordField("New password", validators=[DataRequired(), NewPassword()], description=PASSWORD_HINT)
    confirm = PasswordField(
        "Repeat the new password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX), Email()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), NewPassword()], description=PASSWORD_HINT)
    confirm = PasswordField(
        "Repeat the new password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        "Your name (shown on your certificate)",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), SingleLine()],
    )
    wants_reminders = BooleanField(
        "Email me reminders", description="At most one when you have been away a while, and one for a quiz left open."
    )
    time_zone = StringField(
        "Your time zone",
        description="Times on the site are shown in it, e.g. Europe/Berlin or America/New_York. Empty: UTC.",
        filters=[strip],
        validators=[Optional(), Length(max=TIME_ZONE_MAX), KnownZone()],
        # static/times.js fills an empty field from the browser's own zone; the list offers every known one.
        render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false", "data-time-zone": ""},
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
