"""Instructor forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..accounts.models import COHORT_NAME_MAX, EMAIL_MAX
from ..inputs import SingleLine, strip
from ..quizzes.overrides import ACTIONS, REASON_MAX


class CohortForm(FlaskForm):
    name = StringField(
        "Cohort name", filters=[strip], validators=[DataRequired(), Length(max=COHORT_NAME_MAX), SingleLine()]
    )


class AssignInstructorForm(FlaskForm):
    email = EmailField("Instructor's email", validators=[DataRequired(), Length(max=EMAIL_MAX)])


class ActionForm(FlaskForm):
    module = SelectField("Module", validators=[DataRequired()])
    action = SelectField(
        "Action", choices=[SelectChoice(value, label) for value, label in ACTIONS.items()], validators=[DataRequired()]
    )
    reason = TextAreaField("Reason (kept in the trainee's record)", validators=[DataRequired(), Length(max=REASON_MAX)])
