"""Issue 10, item 8: simultaneous audited actions never lose an update; the allowance always matches
the audit trail (ASVS 5.0 2.3.3, 2.3.4). Real concurrent requests, on SQLite and on PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.audit.models import AuditEvent
from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.quizzes.models import QuizAllowance

from ..support.helpers import csrf_token
from .test_throttle import fire

PARALLEL = 20
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(app_factory, tmp_path):
    """The course with module 1's quiz limited to 3 attempts: on unlimited attempts an extra one changes
    nothing, and the action is refused (issue 24)."""
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    quiz = quizzes / "01-introduction.yaml"
    quiz.write_text(quiz.read_text().replace("max_attempts: null", "max_attempts: 3"))
    return app_factory(QUIZZES_DIR=quizzes)


def test_twenty_simultaneous_extra_attempts_give_twenty(app, make_user, live_server):
    instructor, trainee = make_user("instructor"), make_user()
    with app.app_context():
        cohort = cohorts.create_cohort("Clinic", db.session.get(User, instructor.id))
        cohorts.join(trainee.id, cohort.join_code)
    client = app.test_client()
    from ..support.helpers import login

    login(client, instructor.email)
    token = csrf_token(client)
    cookie = f"session={client.get_cookie('session').value}"
    body = {"csrf_token": token, "module": "introduction", "action": "extra-attempt", "reason": "Sick on exam day"}
    statuses = fire(f"{live_server}/instructor/trainees/{trainee.id}/actions", [body] * PARALLEL, cookie)
    print(f"{PARALLEL} simultaneous extra attempts: {dict(statuses)}")
    assert statuses == {303: PARALLEL}, statuses
    with app.app_context():
        events = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.subject_id == trainee.id)
        )
        allowance = db.session.scalar(select(QuizAllowance).where(QuizAllowance.user_id == trainee.id))
        assert events == PARALLEL
        assert allowance.extra_attempts == PARALLEL
