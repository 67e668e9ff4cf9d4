"""Forms of the identity pages: forgotten password, new password from a link, profile."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..inputs import SingleLine, strip
from .forms import PASSWORD_HINT, NewPassword
from .models import EMAIL_MAX, NAME_MAX, PASSWORD_MAX


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


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
