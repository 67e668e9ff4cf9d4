"""Email: through a real SMTP server on 127.0.0.1, to the outbox without one, and safely when it is down."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy

from course.core import mail

from .support.mailbox import parts


def test_a_message_goes_through_smtp_with_text_and_html(mail_app, mailbox):
    with mail_app.test_request_context():
        assert mail.send("ada@example.com", "Test message", "test")
    [message] = mailbox.messages
    assert message["To"] == "ada@example.com" and message["Subject"] == "Test message"
    assert "Ketamine staff course" in message["From"]
    plain, html = parts(message)
    assert "the mail settings work" in plain and "<p>" in html and "the mail settings work" in html


def test_names_and_subjects_in_any_script_read_back_as_written(app_factory, mailbox):
    app = app_factory(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
        MAIL_DEFAULT_SENDER="Formation kétamine <no-reply@clinic.example>",
    )
    with app.test_request_context():
        assert mail.send("Zoë Ångström <zoe@example.com>", "Rappel : séance due", "test")
    [message] = mailbox.messages
    assert message["From"].addresses[0].display_name == "Formation kétamine"
    assert message["To"].addresses[0].display_name == "Zoë Ångström"
    assert message["To"].addresses[0].addr_spec == "zoe@example.com"
    assert message["Subject"] == "Rappel : séance due"
    assert message["Message-ID"].endswith("@clinic.example>")


def test_one_connection_carries_many_messages_and_survives_an_idle_hang_up(mail_app, mailbox):
    with mail_app.test_request_context(), mail.one_connection():
        assert mail.send("a@example.com", "First", "test")
        assert mail.send("b@example.com", "Second", "test")
        mailbox.collector.hang_up = True
        assert mail.send("c@example.com", "Third", "test")
        assert mailbox.collector.hung_up.wait(5)  # the server closed the connection while we were idle
        assert mail.send("d@example.com", "Fourth", "test")
    assert [m["Subject"] for m in mailbox.messages] == ["First", "Second", "Third", "Fourth"]
    first, second, third, fourth = mailbox.collector.connections
    assert first == second == third != fourth


def test_without_a_mail_server_messages_go_to_the_log_and_the_outbox(app, caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="course.mail")
    with app.test_request_context():
        assert mail.send("bo@example.com", "Test message", "test")
    [eml] = list((tmp_path / "outbox").glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "bo@example.com" and "mail settings work" in parts(message)[0]
    assert "bo@example.com" in caplog.text and str(eml) in caplog.text
    assert "mail settings work" not in caplog.text  # the log names the message, never its body


def test_a_mail_server_that_is_down_returns_false_and_logs_a_warning(app_factory, closed_port, caplog):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    with app.test_request_context():
        assert mail.send("cy@example.com", "Test message", "test") is False
    assert "not sent" in caplog.text and "ConnectionRefusedError" in caplog.text


def test_a_mail_server_that_refuses_returns_false(mail_app, mailbox):
    mailbox.collector.refuse = True
    with mail_app.test_request_context():
        assert mail.send("dee@example.com", "Test message", "test") is False
    assert mailbox.messages == []


def test_links_use_base_url_when_set(app_factory):
    app = app_factory(BASE_URL="https://course.example.org/")
    with app.test_request_context(base_url="http://evil.example"):
        assert mail.link("accounts.login") == "https://course.example.org/login"


def test_cli_sends_a_test_message(mail_app, mailbox):
    result = mail_app.test_cli_runner().invoke(args=["mail", "test", "eve@example.com"])
    assert result.exit_code == 0, result.output
    assert mailbox.last("eve@example.com")["Subject"] == "Test message"


def test_the_outbox_is_private(app_factory, tmp_path):
    """Review 2026-12 I6: outbox messages hold reset and invitation links; only the app's user reads them."""
    import stat

    outbox = tmp_path / "elsewhere" / "outbox"
    app = app_factory(MAIL_OUTBOX_DIR=outbox)
    with app.test_request_context():
        assert mail.send("dee@example.com", "Test message", "test")
    [message] = list(outbox.glob("*.eml"))
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert stat.S_IMODE(message.stat().st_mode) == 0o600
