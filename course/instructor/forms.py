"""Instructor forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..audit import QUIZ_ACTIONS, REASON_MAX
from ..enrolment.models import COHORT_NAME_MAX
from ..identity.models import EMAIL_MAX
from ..web.inputs import SingleLine, strip


class CohortForm(FlaskForm):
    name = StringField(
        "Cohort name",
        filters=[strip],
        validators=[DataRequired("Enter a name for the cohort."), Length(max=COHORT_NAME_MAX), SingleLine()],
    )
    due_on = DateField(
        "Complete by (optional)",
        validators=[Optional()],
        description="Trainees see the date and the days left on their dashboard; you see who is on time, "
        "due soon or overdue.",
    )


class DueDateForm(FlaskForm):
    """A cohort's "complete by" date; left empty, the cohort has none."""

    due_on = DateField("Complete by", validators=[Optional()])


class AssignInstructorForm(FlaskForm):
    email = EmailField(
        "Instructor's email", validators=[DataRequired("Enter the instructor's email."), Length(max=EMAIL_MAX)]
    )


# Each select starts on an empty choice, so nothing is chosen for the instructor by accident (and a required
# select has the empty first option that HTML asks for).
NO_MODULE = SelectChoice("", "Choose a module")


# The actions as choices to make (the audit trail then says what was done, in the past tense).
ACTION_CHOICES = {
    "extra-attempt": "Grant one extra attempt",
    "waive-wait": "Waive the retake wait",
    "reset": "Reset the quiz (earlier attempts kept, no longer counted)",
}
NO_ACTION = SelectChoice("", "Choose an action")


class ActionForm(FlaskForm):
    module = SelectField("Module", validators=[DataRequired("Choose the module to act on.")])
    action = SelectField("Action", validators=[DataRequired("Choose what to do.")])

    def offer(self, modules) -> None:
        """Only what could change something: no extra attempt when every quiz allows unlimited attempts."""
        limited = any(m.quiz.max_attempts is not None for m in modules)
        offered = [a for a in QUIZ_ACTIONS if a != "extra-attempt" or limited]
        self.action.choices = [NO_ACTION] + [SelectChoice(a, ACTION_CHOICES[a]) for a in offered]

    reason = TextAreaField(
        "Reason (kept in the trainee's record)",
        validators=[DataRequired("Give a reason: it is kept in the trainee's record."), Length(max=REASON_MAX)],
    )
