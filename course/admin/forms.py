"""Admin console forms: every action carries a reason for the audit trail."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..audit import REASON_MAX
from ..identity.models import EMAIL_MAX, NAME_MAX, ROLES
from ..web.inputs import SingleLine, strip


def _reason(form_id: str, purpose: str):
    """Several forms share one page: each reason box has its own id and its own label, so a screen reader's
    list of fields tells them apart (accessibility audit 2026-12, F10)."""
    label = f"Reason for {purpose} (kept in the audit trail)"
    return TextAreaField(label, validators=[DataRequired(), Length(max=REASON_MAX)], id=f"{form_id}-reason")


class RoleForm(FlaskForm):
    # No DataRequired: the choices are checked anyway, and a `required` select must start with an empty option.
    role = SelectField("New role", choices=[SelectChoice(r, r) for r in ROLES])
    reason = _reason("role", "the role change")


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[DataRequired()])
    reason = _reason("active", "deactivating or reactivating")


class ResetForm(FlaskForm):
    reason = _reason("reset", "sending a reset link")


class EraseForm(FlaskForm):
    """Erasing cannot be undone, so it has a page of its own and the account's email must be typed
    (WCAG 3.3.4, audit 2026-12 F7). `expected_email` is set by the view."""

    expected_email = ""
    confirm_email = StringField(
        "Type the account's email to confirm",
        validators=[DataRequired()],
        description="The erasure starts only when this matches the account's email exactly (capitals do not matter).",
    )
    reason = _reason("erase", "erasing")

    def validate_confirm_email(self, field) -> None:
        if field.data.strip().lower() != self.expected_email.strip().lower():
            raise ValidationError("This is not the account's email, so nothing was erased. Type it as shown above.")


class DetailsForm(FlaskForm):
    display_name = StringField(
        "Name (shown on the certificate)",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), SingleLine()],
    )
    email = EmailField("Email", validators=[DataRequired(), Length(max=EMAIL_MAX), Email()])
    reason = _reason("details", "correcting the name or email")


class ConfirmEmailForm(FlaskForm):
    reason = _reason("confirm", "marking the email confirmed")


BULK_ACTIONS = {
    "add-to-cohort": "Add to a cohort",
    "deactivate": "Deactivate",
    "reactivate": "Reactivate",
    "resend-confirmation": "Send the confirmation email again",
}


class BulkForm(FlaskForm):
    """One action on the accounts ticked on the list (the ticks are read by the view: `user` values). The
    choices are checked by the view, which says what is wrong in words (not "Not a valid choice")."""

    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Choose an action"), *(SelectChoice(k, v) for k, v in BULK_ACTIONS.items())],
        validate_choice=False,
        id="bulk-action",
    )
    cohort = SelectField("Cohort (for “Add to a cohort”)", choices=[], validate_choice=False, id="bulk-cohort")
    reason = _reason("bulk", "the action")


class FollowForm(FlaskForm):
    """After a promotion: make the new instructor one of a cohort's instructors."""

    cohort = SelectField("Cohort", choices=[], validate_choice=False, id="follow-cohort")
    reason = _reason("follow", "making them an instructor of this cohort")
