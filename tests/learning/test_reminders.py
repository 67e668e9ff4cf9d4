"""`flask reminders send` through a real SMTP server: who gets one, never twice, retried when the server was
down, and the unsubscribe link honoured on the account page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course.clock import utcnow
from course.extensions import db
from course.identity.models import User
from course.learning.models import ModuleSummary
from course.quizzes.models import QuizAttempt

from ..support.helpers import login, post, text
from ..support.journey import catalog, read_module, start_quiz
from ..support.mailbox import links, parts, path_of


@pytest.fixture
def app(mail_app):
    return mail_app


def run(app, *args):
    return app.test_cli_runner().invoke(args=["reminders", "send", *args])


def age(app, user_id: int, days: int) -> None:
    """Moves the trainee's account and activity `days` into the past."""
    with app.app_context():
        past = utcnow() - timedelta(days=days)
        db.session.execute(update(User).where(User.id == user_id).values(created_at=past))
        db.session.execute(update(ModuleSummary).where(ModuleSummary.user_id == user_id).values(last_activity_at=past))
        db.session.execute(update(QuizAttempt).where(QuizAttempt.user_id == user_id).values(started_at=past))
        db.session.commit()


def test_inactive_and_open_attempt_reminders_once_each(app, make_user, mailbox):
    idle = make_user(email="idle@clinic.example", name="Ida Idle")
    busy = make_user(email="busy@clinic.example")
    opener = make_user(email="open@clinic.example")
    make_user("instructor", email="staff@clinic.example")
    client = app.test_client()
    login(client, opener.email)
    module = catalog(app).modules[0]
    read_module(client, module)
    start_quiz(client, module.slug)
    age(app, idle.id, 20)
    age(app, opener.id, 2)

    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminder(s)." in result.output
    assert {m["To"] for m in mailbox.messages} == {"idle@clinic.example", "open@clinic.example"}
    assert busy.email not in {m["To"] for m in mailbox.messages}
    plain, html = parts(mailbox.last("idle@clinic.example"))
    assert (
        "Hello Ida Idle" in plain
        and "for 20 days" in plain
        and "/dashboard" in plain
        and "Stop these reminders" in html
    )
    open_plain, _ = parts(mailbox.last("open@clinic.example"))
    assert module.title in open_plain and f"/modules/{module.slug}/quiz" in open_plain
    assert mailbox.last("idle@clinic.example")["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/unsubscribe/")

    again = run(app)
    assert again.exit_code == 0 and "Sent 0 reminder(s)." in again.output
    assert len(mailbox.messages) == 2


def test_a_mail_server_that_was_down_is_retried_next_run(app, make_user, mailbox, closed_port):
    idle = make_user(email="idle2@clinic.example")
    age(app, idle.id, 30)
    app.config.update(MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    failed = run(app)
    assert failed.exit_code == 1 and "next run tries them again" in failed.output
    app.config["MAIL_PORT"] = mailbox.port
    assert "Sent 1 reminder(s)." in run(app).output
    assert "Sent 0 reminder(s)." in run(app).output
    assert len(mailbox.to(idle.email)) == 1


def test_one_run_sends_every_digest_over_one_connection(app, make_user, mailbox):
    idle = [make_user(email=f"idle{n}@clinic.example") for n in range(4)]
    for user in idle:
        age(app, user.id, 20)

    result = run(app)

    assert "Sent 4 reminder(s)." in result.output
    assert len(mailbox.collector.connections) == 4
    assert len(set(mailbox.collector.connections)) == 1


def test_a_server_that_takes_one_message_per_connection_gets_a_new_one_for_each(app, make_user, mailbox):
    idle = [make_user(email=f"idle{n}@clinic.example") for n in range(3)]
    for user in idle:
        age(app, user.id, 20)
    mailbox.collector.one_per_connection = True

    result = run(app)

    assert result.exit_code == 0, result.output
    assert "Sent 3 reminder(s)." in result.output
    assert sorted(m["To"] for m in mailbox.messages) == sorted(user.email for user in idle)
    assert len(set(mailbox.collector.connections)) == 3


def test_unsubscribe_link_and_account_checkbox(app, make_user, mailbox):
    idle = make_user(email="idle3@clinic.example")
    age(app, idle.id, 30)
    run(app)
    url = path_of(next(u for u in links(mailbox.last(idle.email)) if "/unsubscribe/" in u))
    visitor = app.test_client()
    assert "Stop reminder emails?" in text(visitor.get(url))
    assert post(visitor, url).status_code == 200
    client = app.test_client()
    login(client, idle.email)
    account = text(client.get("/account"))
    assert 'id="wants_reminders"' in account and "checked" not in account.split('id="wants_reminders"')[0][-80:]
    with app.app_context():
        assert db.session.scalar(select(User.wants_reminders).where(User.id == idle.id)) is False
    age(app, idle.id, 60)  # a new spell of inactivity, but no reminders wanted
    mailbox.clear()
    assert "Sent 0 reminder(s)." in run(app).output
    post(client, "/account/profile", {"display_name": "Back Again", "wants_reminders": "y"})
    assert "Sent 1 reminder(s)." in run(app).output


def test_dry_run_sends_nothing(app, make_user, mailbox):
    idle = make_user(email="idle4@clinic.example")
    age(app, idle.id, 30)
    result = run(app, "--dry-run")
    assert "inactive" in result.output and idle.email in result.output and mailbox.messages == []
