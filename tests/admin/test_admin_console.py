"""The admin console through HTTP: search and pages, role, deactivation, reset links; every action audited,
the last active admin protected, and only admins let in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.audit.models import AuditEvent
from course.extensions import db
from course.identity.models import User

from ..support.helpers import login, post, text
from ..support.mailbox import links, path_of


@pytest.fixture
def app(mail_app):
    return mail_app


def events(app, subject_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == subject_id)))


def row(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def test_only_admins_reach_the_console(app, make_user, trainee_client):
    instructor = make_user("instructor")
    staff = app.test_client()
    login(staff, instructor.email)
    assert trainee_client.get("/admin/").status_code == 403
    assert staff.get("/admin/").status_code == 403
    assert app.test_client().get("/admin/").status_code == 302


def test_search_and_page_through_users(app, admin_client, make_user):
    for n in range(55):
        make_user(email=f"nurse{n:02}@clinic.example", name=f"Nurse {n:02}")
    make_user(email="zed@other.example", name="Zed Pharmacist")
    first = text(admin_client.get("/admin/?q=clinic"))
    assert "55 accounts, page 1 of 2" in first and "nurse00@clinic.example" in first
    assert "zed@other.example" not in first
    second = text(admin_client.get("/admin/?q=clinic&page=2"))
    assert "nurse54@clinic.example" in second and "nurse00@clinic.example" not in second
    assert "Zed Pharmacist" in text(admin_client.get("/admin/?q=PHARMA"))
    assert "1 account." in text(admin_client.get("/admin/?role=admin"))
    assert "No accounts match." in text(admin_client.get("/admin/?q=nobody"))
    assert admin_client.get("/admin/?page=999").status_code == 200


def test_role_change_is_audited_with_who_when_and_why(app, admin_client, make_user):
    user = make_user()
    refused = post(admin_client, f"/admin/users/{user.id}/role", {"role": "instructor", "reason": ""})
    assert refused.status_code == 400 and row(app, user.id).role == "trainee"
    done = post(admin_client, f"/admin/users/{user.id}/role", {"role": "instructor", "reason": "New clinic lead"})
    assert done.status_code == 303 and row(app, user.id).role == "instructor"
    [event] = events(app, user.id)
    assert (event.actor_id, event.action, event.module_slug) == (admin_client.user.id, "role-change", None)
    assert "New clinic lead" in event.reason and "trainee → instructor" in event.reason
    page = text(admin_client.get(f"/admin/users/{user.id}"))
    assert "Changed the role" in page and "Ada Admin" in page and "New clinic lead" in page


def test_deactivation_ends_sessions_refuses_log_in_and_keeps_records(app, admin_client, make_user):
    user = make_user()
    session = app.test_client()
    login(session, user.email)
    assert session.get("/dashboard").status_code == 200
    done = post(admin_client, f"/admin/users/{user.id}/active", {"active": "0", "reason": "Left the clinic"})
    assert done.status_code == 303
    assert session.get("/dashboard").status_code == 302  # logged out at once
    refused = login(app.test_client(), user.email)
    assert refused.status_code == 403 and "deactivated" in text(refused)
    assert row(app, user.id) is not None and "deactivated" in text(admin_client.get("/admin/?status=deactivated"))
    post(admin_client, f"/admin/users/{user.id}/active", {"active": "1", "reason": "Came back"})
    assert login(app.test_client(), user.email).status_code == 302
    assert [e.action for e in events(app, user.id)] == ["deactivate", "reactivate"]


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app, admin_client, make_user):
    me = admin_client.user.id
    demote = post(admin_client, f"/admin/users/{me}/role", {"role": "trainee", "reason": "oops"})
    assert demote.status_code == 409 and "last active admin" in text(demote)
    off = post(admin_client, f"/admin/users/{me}/active", {"active": "0", "reason": "oops"})
    assert off.status_code == 409 and row(app, me).active and row(app, me).role == "admin"
    other = make_user("admin")
    assert post(admin_client, f"/admin/users/{other.id}/active", {"active": "0", "reason": "x"}).status_code == 303
    assert post(admin_client, f"/admin/users/{me}/role", {"role": "trainee", "reason": "x"}).status_code == 409
    assert events(app, me) == []


def test_admin_sends_a_reset_link(app, admin_client, make_user, mailbox):
    user = make_user()
    assert post(admin_client, f"/admin/users/{user.id}/reset", {"reason": "Locked out, phoned"}).status_code == 303
    url = next(u for u in links(mailbox.last(user.email)) if "/reset-password/" in u)
    assert app.test_client().get(path_of(url)).status_code == 200
    [event] = events(app, user.id)
    assert event.action == "password-reset-sent" and event.reason == "Locked out, phoned"


def test_admin_reset_with_the_mail_server_down_says_so(app, admin_client, make_user, closed_port):
    user = make_user()
    app.config.update(MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    post(admin_client, f"/admin/users/{user.id}/reset", {"reason": "x"})
    assert re.search("could not send the email", text(admin_client.get(f"/admin/users/{user.id}")))


def test_unknown_account_is_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404
    assert post(admin_client, "/admin/users/99999/role", {"role": "admin", "reason": "x"}).status_code == 404


def test_every_reason_box_has_its_own_label(admin_client, make_user):
    """Accessibility audit 2026-12 F10: four textareas were all "Reason (kept in the audit trail)"."""
    trainee = make_user()
    page = text(admin_client.get(f"/admin/users/{trainee.id}"))
    labels = re.findall(r'<label for="(\w+)-reason">([^<]+)</label>', page)
    names = [name for name, _ in labels]
    assert {"role", "active", "reset", "details"} <= set(names) and "erase" not in names  # erasing: its own page
    assert len({label for _, label in labels}) == len(labels)
    assert all(label.startswith("Reason for ") for _, label in labels)
    erase = text(admin_client.get(f"/admin/users/{trainee.id}/erase"))
    assert '<label for="erase-reason">Reason for erasing (kept in the audit trail)</label>' in erase


def test_add_an_instructor_names_its_cohort_and_keeps_a_refused_email_beside_its_error(app, admin_client, make_user):
    """Accessibility audit 2026-12 F6: the error sat below the table, tied to no field and naming no cohort,
    the typed email was cleared, and every row's controls had the same names."""
    from course.enrolment import cohorts

    admin = make_user("admin")
    with app.app_context():
        first = cohorts.create_cohort("Ward 5", db.session.get(User, admin.id)).id
        second = cohorts.create_cohort("Ward 6", db.session.get(User, admin.id)).id
    page = text(admin_client.get("/instructor/cohorts"))
    assert 'aria-label="Add an instructor to Ward 5"' in page and 'aria-label="Add an instructor to Ward 6"' in page
    assert 'Add an instructor by email<span class="visually-hidden"> to Ward 6</span>' in page

    refused = post(admin_client, f"/instructor/cohorts/{second}/instructors", {"email": "nobody@clinic.example"})
    assert refused.status_code == 400
    page = text(refused)
    assert "<title>Error: " in page
    error = re.search(
        rf'<p class="error" id="assign-{second}-error" role="alert" tabindex="-1" data-error-summary>([^<]+)</p>', page
    )
    assert error and "No instructor account" in error[1]
    field = re.search(rf'<input id="assign-{second}"[^>]*>', page)[0]
    assert 'value="nobody@clinic.example"' in field and 'aria-invalid="true"' in field
    assert f'aria-describedby="assign-{second}-error"' in field
    assert (
        f'id="assign-{first}-error"' not in page
        and "aria-invalid" not in re.search(rf'<input id="assign-{first}"[^>]*>', page)[0]
    )
