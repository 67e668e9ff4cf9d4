"""`flask users ...` and the first-admin bootstrap."""

from __future__ import annotations

from sqlalchemy import select

from course.audit.models import AuditEvent
from course.extensions import db

from ..support.helpers import PASSWORD, login, post, text


def test_create_list_and_set_role(runner):
    created = runner.invoke(
        args=["users", "create", "boss@example.com", "--role", "instructor", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert created.exit_code == 0 and "Created instructor boss@example.com" in created.output
    listed = runner.invoke(args=["users", "list"])
    assert "instructor" in listed.output and "boss@example.com" in listed.output
    changed = runner.invoke(args=["users", "set-role", "boss@example.com", "admin"])
    assert changed.exit_code == 0 and "now admin" in changed.output
    assert "admin" in runner.invoke(args=["users", "list"]).output


def test_set_role_keeps_the_last_admin_and_is_audited(runner, app, make_user):
    boss, clerk = make_user(role="admin"), make_user(role="trainee")
    demoted = runner.invoke(args=["users", "set-role", boss.email, "trainee"])
    assert demoted.exit_code != 0 and "last active admin" in demoted.output
    promoted = runner.invoke(args=["users", "set-role", clerk.email, "admin", "--reason", "Runs the training now"])
    assert promoted.exit_code == 0 and "now admin" in promoted.output
    assert runner.invoke(args=["users", "set-role", boss.email, "instructor"]).exit_code == 0  # one admin is left
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.subject_id, e.actor_id, e.action, e.reason) for e in events] == [
        (clerk.id, None, "role-change", "trainee → admin: Runs the training now"),
        (boss.id, None, "role-change", "admin → instructor: Changed on the command line"),
    ]


def test_cli_refuses_weak_passwords_unknown_users_and_roles(runner):
    weak = runner.invoke(args=["users", "create", "x@example.com", "--password-stdin"], input="short\n")
    assert weak.exit_code != 0 and "at least 12 characters" in weak.output
    unknown = runner.invoke(args=["users", "set-role", "ghost@example.com", "admin"])
    assert unknown.exit_code != 0 and "No account" in unknown.output
    bad_role = runner.invoke(args=["users", "set-role", "ghost@example.com", "king"])
    assert bad_role.exit_code != 0
    dup = runner.invoke(args=["users", "create", "d@example.com", "--password-stdin"], input=PASSWORD + "\n")
    again = runner.invoke(args=["users", "create", "d@example.com", "--password-stdin"], input=PASSWORD + "\n")
    assert dup.exit_code == 0 and again.exit_code != 0 and "already exists" in again.output


def test_first_admin_gets_a_one_time_password_once_and_must_change_it(app, runner):
    first = runner.invoke(args=["users", "ensure-admin", "--email", "admin@example.com"])
    assert first.exit_code == 0 and "One-time password" in first.output
    password = first.output.strip().rsplit(" ", 1)[-1]
    second = runner.invoke(args=["users", "ensure-admin", "--email", "admin@example.com"])
    assert second.exit_code == 0 and second.output == ""

    client = app.test_client()
    assert login(client, "admin@example.com", password).status_code == 302
    forced = client.get("/dashboard")
    assert forced.status_code == 302 and forced.headers["Location"] == "/account/password"
    new = "the admin's own long passphrase"
    changed = post(client, "/account/password", {"current": password, "password": new, "confirm": new})
    assert changed.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert "Administrator" in text(client.get("/dashboard"))
