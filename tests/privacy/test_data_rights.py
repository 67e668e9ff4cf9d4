"""Data rights through HTTP: a trainee downloads everything held about them and deletes their account;
admins do the same on request. Attempts stay, anonymous, so the question statistics do not change."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from course.audit.models import AuditEvent
from course.enrolment import cohorts
from course.enrolment.models import CohortMember
from course.extensions import db
from course.identity.models import User
from course.learning.models import Certificate
from course.quizzes.models import AttemptItem, QuizAttempt

from ..support.helpers import PASSWORD, login, post, text
from ..support.journey import answer_all, catalog, pass_module, read_module, start_quiz, submit


@pytest.fixture
def trainee(app, make_user):
    """A trainee in a cohort, one module passed, one failed attempt, a certificate row, a name change."""
    instructor = make_user("instructor")
    user = make_user(email="rae@clinic.example", name="Rae Person")
    with app.app_context():
        cohort = cohorts.create_cohort("Ward 7", db.session.get(User, instructor.id))
        cohorts.join(user.id, cohort.join_code)
    client = app.test_client()
    login(client, user.email)
    pass_module(client, app, catalog(app).modules[0])
    second = catalog(app).modules[1]
    read_module(client, second)
    failed = start_quiz(client, second.slug)
    answer_all(client, app, failed, right=False)
    submit(client, failed)
    with app.app_context():
        from course.clock import utcnow

        db.session.add(
            Certificate(user_id=user.id, code="RAER-AE00-0001", holder_name="Rae Person", issued_at=utcnow(), scores=[])
        )
        db.session.commit()
    post(client, "/account/profile", {"display_name": "Rae Renamed", "wants_reminders": "y"})
    client.user = user
    return client


def item_stats(app) -> list[tuple]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AttemptItem.question_id, func.count(), func.sum(AttemptItem.score))
                .group_by(AttemptItem.question_id)
                .order_by(AttemptItem.question_id)
            )
        )


def test_download_everything(app, trainee):
    response = trainee.get("/account/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "rae@clinic.example" and data["account"]["display_name"] == "Rae Renamed"
    assert [c["name"] for c in data["cohorts"]] == ["Ward 7"]
    assert len(data["attempts"]) == 2 and all(a["answers"] for a in data["attempts"])
    answer = data["attempts"][0]["answers"][0]
    assert answer["question"] and answer["answer"] and answer["score"] is not None
    assert data["lesson_progress"] and data["certificates"][0]["code"] == "RAER-AE00-0001"
    assert [e["action"] for e in data["audit_events"]] == ["name-change"]
    assert "password" not in response.get_data(as_text=True).lower()


def test_delete_own_account(app, trainee):
    stats_before = item_stats(app)
    wrong = post(trainee, "/account/delete", {"password": "not my password at all"})
    assert wrong.status_code == 400 and "nothing was deleted" in text(wrong)
    done = post(trainee, "/account/delete", {"password": PASSWORD})
    assert done.status_code == 303 and trainee.get("/dashboard").status_code == 302
    with app.app_context():
        user = db.session.get(User, trainee.user.id)
        assert user.email == f"deleted-{user.id}@invalid" and user.display_name == "Deleted account"
        assert user.deleted_at and not user.active
        assert (
            db.session.scalar(select(func.count()).select_from(CohortMember).where(CohortMember.user_id == user.id))
            == 0
        )
        assert (
            db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == user.id)) == 2
        )
        events = {
            e.action: e.reason for e in db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == user.id))
        }
        assert "Rae" not in events["name-change"] and events["erase"] == "Deleted by the account holder"
    assert item_stats(app) == stats_before  # the question statistics are unchanged
    assert login(app.test_client(), "rae@clinic.example").status_code == 401
    verify = text(app.test_client().get("/verify/RAER-AE00-0001"))
    assert "revoked" in verify and "Rae" not in verify
    assert post(app.test_client(), "/forgot-password", {"email": "rae@clinic.example"}).status_code == 200


def test_admin_exports_and_erases_on_request(app, trainee, make_user):
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    data = json.loads(client.get(f"/admin/users/{trainee.user.id}/data.json").data)
    assert data["account"]["email"] == "rae@clinic.example"
    refused = post(client, f"/admin/users/{trainee.user.id}/erase", {"reason": ""})
    assert refused.status_code == 400
    assert (
        post(client, f"/admin/users/{trainee.user.id}/erase", {"reason": "Written request, ticket 42"}).status_code
        == 303
    )
    assert trainee.get("/dashboard").status_code == 302  # their sessions ended
    page = text(client.get(f"/admin/users/{trainee.user.id}"))
    assert "personal data erased" in page and "Written request, ticket 42" in page
    again = post(client, f"/admin/users/{trainee.user.id}/erase", {"reason": "again"})
    assert again.status_code == 409
    assert post(client, f"/admin/users/{admin.id}/erase", {"reason": "me"}).status_code == 409  # last admin
    assert client.get("/admin/users/99999/data.json").status_code == 404
