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
        description=(
            "Paste from your email program or a spreadsheet: one per line, or separated by ; or commas. "
            "Ana Ruiz <ana@clinic.org> and ana@clinic.org, Ana Ruiz both work; repeated emails count once."
        ),
    )
    file = FileField(
        "Or upload a CSV file",
        description=(
            "A CSV (UTF-8, commas or semicolons) whose first row names the columns: email, and name or "
            "first name and last name; other columns and empty rows are ignored. At most 1,000 rows."
        ),
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
