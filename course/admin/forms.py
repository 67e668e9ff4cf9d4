"""Admin console forms: every action carries a reason for the audit trail."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..audit import REASON_MAX
from ..identity.models import ROLES

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
