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
            Certificate(
                user_id=user.id,
                current_of=user.id,
                code="RAER-AE00-0001",
                holder_name="Rae Person",
                issued_at=utcnow(),
                completed_at=utcnow(),
                scores=[],
            )
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
    assert data["certificates"][0]["completed_at"] and data["certificates"][0]["valid_until"] is None
    first = catalog(app).modules[0]
    assert [p["module"] for p in data["certification_periods"]] == [first.slug]  # the module passed
    assert len(data["refresher_schedule"]) == len(first.objectives) and data["refresher_answers"] == []
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
    erase = f"/admin/users/{trainee.user.id}/erase"
    refused = post(client, erase, {"reason": "", "confirm_email": "rae@clinic.example"})
    assert refused.status_code == 400
    assert (
        post(client, erase, {"reason": "Written request, ticket 42", "confirm_email": "rae@clinic.example"}).status_code
        == 303
    )
    assert trainee.get("/dashboard").status_code == 302  # their sessions ended
    page = text(client.get(f"/admin/users/{trainee.user.id}"))
    assert "personal data erased" in page and "Written request, ticket 42" in page
    again = post(client, erase, {"reason": "again", "confirm_email": "rae@clinic.example"})
    assert again.status_code == 409
    last_admin = post(client, f"/admin/users/{admin.id}/erase", {"reason": "me", "confirm_email": admin.email})
    assert last_admin.status_code == 409
    assert client.get("/admin/users/99999/data.json").status_code == 404


def test_erasing_asks_on_its_own_page_for_the_accounts_email(app, trainee, make_user):
    """Accessibility audit 2026-12 F7 (WCAG 3.3.4): the erasure used to happen on the first Enter on the
    account's page. Now that page links to a confirmation page; a wrong or missing email erases nothing."""
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    erase = f"/admin/users/{trainee.user.id}/erase"
    account_page = text(client.get(f"/admin/users/{trainee.user.id}"))
    assert f'<a class="button danger" href="{erase}">Erase the personal data…</a>' in account_page
    assert f'action="{erase}"' not in account_page  # no one-step form on the account's page
    confirm = client.get(erase)
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Erase the personal data of Rae" in page and "This cannot be undone" in page and "rae@clinic.example" in page
    assert 'class="button danger"' in page and "Keep the data" in page

    wrong = post(client, erase, {"reason": "Written request", "confirm_email": "someone@clinic.example"})
    assert wrong.status_code == 400
    assert "Error:" in text(wrong) and "This is not the account&#39;s email, so nothing was erased" in text(wrong)
    assert trainee.get("/dashboard").status_code == 200  # nothing happened
    assert post(client, erase, {"reason": "Written request"}).status_code == 400
    done = post(client, erase, {"reason": "Written request", "confirm_email": "RAE@clinic.example "})
    assert done.status_code == 303 and trainee.get("/dashboard").status_code == 302


def test_erasure_removes_what_staff_wrote_about_the_person(app, trainee, make_user):
    """Review 2026-12 L7 (ASVS 5.0 14.2.7): reasons written by staff about the person (their own record,
    and another account's that names them) are gone after erasure; the actions and their dates stay."""
    instructor, admin, other = make_user("instructor"), make_user("admin"), make_user(name="Olga Other")
    with app.app_context():
        cohort = cohorts.create_cohort("Ward 9", db.session.get(User, instructor.id))
        cohorts.join(trainee.user.id, cohort.join_code)
    console = app.test_client()
    login(console, admin.email)
    reason = "Rae Renamed (rae@clinic.example) was ill on 3 May"
    assert post(console, f"/admin/users/{trainee.user.id}/reset", {"reason": reason}).status_code in (303, 200)
    about_other = "Asked by her manager, RAE@clinic.example, on behalf of Rae Renamed"
    assert post(console, f"/admin/users/{other.id}/reset", {"reason": about_other}).status_code in (303, 200)
    assert post(trainee, "/account/delete", {"password": PASSWORD}).status_code == 303
    with app.app_context():
        reasons = list(db.session.execute(select(AuditEvent.subject_id, AuditEvent.action, AuditEvent.reason)))
    kept = " ".join(reason for _, _, reason in reasons).lower()
    assert "rae@clinic.example" not in kept and "rae renamed" not in kept and "rae person" not in kept
    assert "ill on 3 may" not in kept
    assert (trainee.user.id, "password-reset-sent") in {(subject, action) for subject, action, _ in reasons}
    assert any(subject == other.id and "asked by her manager" in reason.lower() for subject, _, reason in reasons)
