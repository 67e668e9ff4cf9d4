"""Outgoing email: SMTP when MAIL_SERVER is set, else the log and `instance/outbox/` (one .eml a message).

Built on the standard library (`smtplib`, `email.message.EmailMessage`): the app sends a handful of kinds
of message from one function, so a mail extension would add a dependency and a second configuration
vocabulary for what is about forty lines here.

Rules every caller follows:
- send only after the database commit (a message never announces something that was rolled back);
- `send` never raises for a mail server that is down or refuses: it logs and returns False, the action
  stands, and the page offers to send again later;
- the log names the kind of message and its recipient, never its body (links carry tokens).
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import click
from flask import Blueprint, current_app, render_template, url_for

log = logging.getLogger("course.mail")

FAILED = "We could not send the email just now. Nothing is lost: ask for it again in a few minutes."


def link(endpoint: str, **values) -> str:
    """An absolute link for a message: on BASE_URL when it is set (never trust the Host header), else this host."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def build(to: str, subject: str, template: str, headers: dict[str, str] | None = None, **context) -> EmailMessage:
    """A multipart message from templates/email/<template>.txt and .html."""
    config = current_app.config
    context = {"subject": subject, "course_name": config["COURSE_NAME"], **context}
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].strip(">") or None)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def _deliver_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _deliver_outbox(message: EmailMessage) -> Path:
    """The message as a file only the app's user may read: it may hold a reset or invitation link."""
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bytes(message))
    return path


def deliver(message: EmailMessage) -> bool:
    """Send a built message. True when it left (or was written to the outbox); False when the server failed."""
    kind = message["Subject"]
    if not current_app.config.get("MAIL_SERVER"):
        path = _deliver_outbox(message)
        log.info("Email %r to %s written to %s (no MAIL_SERVER set)", kind, message["To"], path)
        return True
    try:
        _deliver_smtp(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Email %r to %s not sent: %s", kind, message["To"], type(error).__name__)
        return False
    log.info("Email %r sent to %s", kind, message["To"])
    return True


def send(to: str, subject: str, template: str, headers: dict[str, str] | None = None, **context) -> bool:
    return deliver(build(to, subject, template, headers=headers, **context))


cli = Blueprint("mail_cli", __name__, cli_group="mail")


@cli.cli.command("test")
@click.argument("email")
def send_test(email: str) -> None:
    """Send a test message to EMAIL with the current mail settings."""
    with current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or "http://127.0.0.1:5000"):
        if not send(email, "Test message", "test"):
            raise click.ClickException("The mail server could not be reached or refused the message; see the log.")
    where = current_app.config.get("MAIL_SERVER") or current_app.config["MAIL_OUTBOX_DIR"]
    click.echo(f"Sent a test message to {email} via {where}")
