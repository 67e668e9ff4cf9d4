"""Admin console forms: every action carries a reason for the audit trail."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..audit import REASON_MAX
from ..identity.models import EMAIL_MAX, NAME_MAX, ROLES
from ..web.inputs import SingleLine, strip

REASON_LABEL = "Reason (kept in the audit trail)"


def _reason(form_id: str):
    # Several forms share one page: each reason box has its own id.
    return TextAreaField(REASON_LABEL, validators=[DataRequired(), Length(max=REASON_MAX)], id=f"{form_id}-reason")


class RoleForm(FlaskForm):
    role = SelectField("New role", choices=[SelectChoice(r, r) for r in ROLES], validators=[DataRequired()])
    reason = _reason("role")


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])
    reason = _reason("active")


class ResetForm(FlaskForm):
    reason = _reason("reset")


class EraseForm(FlaskForm):
    reason = _reason("erase")


class DetailsForm(FlaskForm):
    display_name = StringField(
        "Name (shown on the certificate)",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), SingleLine()],
    )
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX), Email()])
    reason = _reason("details")


class ConfirmEmailForm(FlaskForm):
    reason = _reason("confirm")
