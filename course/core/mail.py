"""Outgoing email: SMTP when MAIL_SERVER is set, else the log and `instance/outbox/` (one .eml a message).

Built on the standard library (`smtplib`, `email.mime`): the app sends a handful of kinds of message from
one function, so a mail extension would add a dependency and a second configuration vocabulary for what is
about forty lines here. The `email.mime` classes, not `EmailMessage`: the newer API parses and refolds every
header through its registry, which made building a message four times slower (1.5 ms against 0.4 ms), and
`flask reminders send` builds one for each of 10,000 trainees.

Rules every caller follows:
- send only after the database commit (a message never announces something that was rolled back);
- `send` never raises for a mail server that is down or refuses: it logs and returns False, the action
  stands, and the page offers to send again later;
- the log names the kind of message and its recipient, never its body (links carry tokens).
"""

from __future__ import annotations

import logging
import os
import select
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
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


UTF8 = Charset("utf-8")
UTF8.body_encoding = QP  # readable in the outbox and in a mail client's source view, unlike base64
# Fold headers only past RFC 5322's hard limit: a List-Unsubscribe link folded onto its own line reads back
# with a leading space in some parsers.
UNFOLDED = compat32.clone(max_line_length=998)


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, UTF8)


def _address(value: str) -> str:
    """An address, with a name in any script encoded as RFC 2047 asks."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def build(to: str, subject: str, template: str, headers: dict[str, str] | None = None, **context) -> Message:
    """A multipart message from templates/email/<template>.txt and .html."""
    config = current_app.config
    context = {"subject": subject, "course_name": config["COURSE_NAME"], **context}
    sender = config["MAIL_DEFAULT_SENDER"]
    message = MIMEMultipart("alternative", policy=UNFOLDED)
    message["Subject"] = _header(subject)
    message["From"] = _address(sender)
    message["To"] = _address(to)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    for name, value in (headers or {}).items():
        message[name] = _header(value)
    message.attach(MIMEText(render_template(f"email/{template}.txt", **context), "plain", UTF8))
    message.attach(MIMEText(render_template(f"email/{template}.html", **context), "html", UTF8))
    return message


_shared: ContextVar[list[smtplib.SMTP]] = ContextVar("shared_smtp_connection")


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _closed_by_server(smtp: smtplib.SMTP) -> bool:
    """Whether the server hung up (or spoke out of turn, as with a 421 before closing) since its last
    reply: the socket is then readable. A local check, not a NOOP: a round trip per message doubled the
    time of a reminder run."""
    return smtp.sock is None or bool(select.select([smtp.sock], [], [], 0)[0])


def _closing(error: smtplib.SMTPSenderRefused) -> bool:
    """A 421 at MAIL FROM: the server is closing the connection (a per-connection cap) before this
    message began, so sending it again on a new connection cannot send it twice."""
    return error.smtp_code == 421


@contextmanager
def one_connection() -> Iterator[None]:
    """Messages sent inside go over one SMTP connection: a reminder run would otherwise open one per
    trainee, each with its TLS handshake and log-in. A server that closed it while idle, or that answers
    421 to the next message, gets a new connection; a message is never sent again once its data went out."""
    token = _shared.set([])
    try:
        yield
    finally:
        for smtp in _shared.get():
            _quit(smtp)
        _shared.reset(token)


def _deliver_smtp(message: Message) -> None:
    shared = _shared.get(None)
    if shared is None:
        smtp = _connect()
        try:
            smtp.send_message(message)
        finally:
            _quit(smtp)
        return
    if shared and _closed_by_server(shared[0]):
        shared.pop().close()
    for last_try in (False, True):
        if not shared:
            shared.append(_connect())
        try:
            shared[0].send_message(message)
            return
        except smtplib.SMTPSenderRefused as error:
            shared.pop().close()
            if last_try or not _closing(error):
                raise
        except BaseException:  # its state is unknown: the next message starts on a new connection
            shared.pop().close()
            raise


def _deliver_outbox(message: Message) -> Path:
    """The message as a file only the app's user may read: it may hold a reset or invitation link."""
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bytes(message))
    return path


def deliver(message: Message) -> bool:
    """Send a built message. True when it left (or was written to the outbox); False when the server failed."""
    kind = str(message["Subject"])  # a Header for a subject in another script: its text, for the log
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
