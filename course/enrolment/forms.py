"""Forms of the invitation pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..identity.forms import PASSWORD_HINT, NewPassword
from ..identity.models import NAME_MAX
from ..web.inputs import SingleLine, strip


class InviteForm(FlaskForm):
    emails = TextAreaField(
        "Paste emails",
        validators=[Optional()],
        description="One per line, optionally followed by a comma and the person's name: ana@clinic.org, Ana Ruiz",
    )
    file = FileField(
        "Or upload a CSV file",
        description="Columns email,name (a header row is fine; commas or semicolons; UTF-8). At most 1,000 rows.",
    )


class ConfirmInviteForm(FlaskForm):
    roster = HiddenField(validators=[DataRequired()])


class AcceptForm(FlaskForm):
    display_name = StringField(
        "Your name (shown on your certificate)",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), SingleLine()],
    )
    password = PasswordField("Choose a password", validators=[DataRequired(), NewPassword()], description=PASSWORD_HINT)
    confirm = PasswordField(
        "Repeat the password", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )


class ConfirmAcceptForm(FlaskForm):
    """The signed-in account holder's "Join" button: a POST with its CSRF token, never a GET."""
