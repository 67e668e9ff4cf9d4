"""Identity through HTTP with a real SMTP server: email confirmation, forgotten password, display name,
and what happens when the mail server is down."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from course.audit.models import AuditEvent
from course.extensions import db
from course.identity import profile as identity
from course.identity.models import User
from course.learning.models import Certificate

from ..support.helpers import PASSWORD, login, logout, post, register, text
from ..support.mailbox import links, parts, path_of

NEW_PASSWORD = "a new and rather long passphrase"


def user_row(app, email: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def app_log(caplog) -> str:
    """What the app logged (the test SMTP server's own debug log, which prints whole messages, left out)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))


def link_in(mailbox, email: str, fragment: str) -> str:
    found = [url for url in links(mailbox.last(email)) if fragment in url]
    assert found, links(mailbox.last(email))
    return path_of(found[0])


@pytest.fixture
def app(mail_app):
    return mail_app


def test_registration_sends_a_confirmation_link_that_works_once(app, client, mailbox, caplog):
    caplog.set_level(logging.DEBUG)
    register(client, "ada@example.com", "Ada Lovelace")
    message = mailbox.last("ada@example.com")
    plain, html = parts(message)
    assert message["Subject"] == "Confirm your email address"
    assert "Hello Ada Lovelace" in plain and "Ada Lovelace" in html
    url = link_in(mailbox, "ada@example.com", "/account/verify-email/")
    assert url.split("/")[-1] in html  # the same link in both parts
    assert url.split("/")[-1] not in app_log(caplog)  # no token in the log
    assert user_row(app, "ada@example.com").email_verified_at is None

    assert client.get(url).status_code == 303
    assert user_row(app, "ada@example.com").email_verified_at is not None
    again = client.get(url)  # opened again once confirmed: harmless, and it says so (issue 24, T12)
    assert again.status_code == 303 and "ada@example.com is confirmed" in text(client.get(again.headers["Location"]))


def test_forged_and_expired_confirmation_links_are_refused(app, client, mailbox):
    register(client, "bo@example.com")
    url = link_in(mailbox, "bo@example.com", "/account/verify-email/")
    forged = client.get(url[:-3] + "xyz")
    assert forged.status_code == 400 and "not valid" in text(forged)
    app.config["VERIFY_EMAIL_MAX_AGE"] = -1
    expired = client.get(url)
    assert expired.status_code == 400 and "expired" in text(expired)
    assert user_row(app, "bo@example.com").email_verified_at is None
    with app.app_context():  # a reset token is no confirmation token: salts differ per purpose
        user = db.session.get(User, user_row(app, "bo@example.com").id)
        reset = identity.reset_token(app.config["SECRET_KEY"], user)
    app.config["VERIFY_EMAIL_MAX_AGE"] = 3600
    assert client.get(f"/account/verify-email/{reset}").status_code == 400


def test_resend_is_rate_limited(app, client, mailbox):
    register(client, "cy@example.com")
    for _ in range(5):
        assert post(client, "/account/verify-email/resend").status_code == 303
    assert len(mailbox.to("cy@example.com")) == 6
    limited = post(client, "/account/verify-email/resend")
    assert limited.status_code == 429 and "Too many requests" in text(limited)
    assert len(mailbox.to("cy@example.com")) == 6


def test_mail_server_down_at_registration_keeps_the_account_and_resend_works_later(app_factory, mailbox, closed_port):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    client = app.test_client()
    response = register(client, "dee@example.com")
    assert response.status_code == 302  # the account stands
    assert "could not send the link" in text(client.get("/dashboard"))
    assert user_row(app, "dee@example.com") is not None
    failed = post(client, "/account/verify-email/resend")
    assert failed.status_code == 303 and "could not send the email" in text(client.get("/account"))
    app.config["MAIL_PORT"] = mailbox.port  # the server is back
    post(client, "/account/verify-email/resend")
    assert client.get(link_in(mailbox, "dee@example.com", "/verify-email/")).status_code == 303
    assert user_row(app, "dee@example.com").email_verified_at is not None


def test_certificate_waits_for_a_confirmed_email(app, client, mailbox, make_user):
    from ..browser.support import answer_and_submit, start

    user = make_user(name="Una Verified", verified=False)
    for module in app.extensions["catalog"].modules:
        answer_and_submit(app, user.id, start(app, user.id, module))
    login(client, user.email)
    page = client.get("/certificate")
    assert page.status_code == 403 and "confirmed email address" in text(page)
    assert "Send the link again" in text(page)
    assert client.get("/certificate.pdf").status_code == 403
    assert post(client, "/account/verify-email/resend", {"next": "/certificate"}).headers["Location"] == "/certificate"
    client.get(link_in(mailbox, user.email, "/verify-email/"))
    assert client.get("/certificate").status_code == 200
    app.config["REQUIRE_VERIFIED_EMAIL_FOR_CERTIFICATE"] = False
    other = make_user(verified=False)
    for module in app.extensions["catalog"].modules:
        answer_and_submit(app, other.id, start(app, other.id, module))
    second = app.test_client()
    login(second, other.email)
    assert second.get("/certificate").status_code == 200


def test_forgot_password_answers_the_same_and_the_link_resets_once(app, client, mailbox, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(email="eve@example.com", name="Eve")
    assert 'href="/forgot-password"' in text(client.get("/login"))
    known = post(client, "/forgot-password", {"email": "EVE@example.com"})
    unknown = post(client, "/forgot-password", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert text(known).replace("eve@example.com", "X") == text(unknown).replace("nobody@example.com", "X")
    assert "no account uses" in parts(mailbox.last("nobody@example.com"))[0]
    url = link_in(mailbox, "eve@example.com", "/reset-password/")
    token = url.split("/")[-1]
    assert token not in app_log(caplog) and PASSWORD not in app_log(caplog)

    other_device = app.test_client()
    login(other_device, user.email)
    assert client.get(url).status_code == 200
    weak = post(client, url, {"password": "short", "confirm": "short"})
    assert weak.status_code == 400 and "at least 12" in text(weak)
    done = post(client, url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/dashboard"  # logged in at once
    assert client.get("/dashboard").status_code == 200
    assert NEW_PASSWORD not in app_log(caplog)
    assert other_device.get("/dashboard").status_code == 302  # every other session ended
    logout(client)
    assert login(client, user.email).status_code == 401
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    logout(client)
    reused = client.get(url)
    assert reused.status_code == 400 and "already been used" in text(reused)
    assert post(client, url, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 400
    assert login(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_expires_after_an_hour(app, client, mailbox, make_user):
    user = make_user()
    post(client, "/forgot-password", {"email": user.email})
    url = link_in(mailbox, user.email, "/reset-password/")
    app.config["RESET_PASSWORD_MAX_AGE"] = -1
    expired = post(client, url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert expired.status_code == 400 and "expired" in text(expired)
    assert login(client, user.email).status_code == 302  # the old password still works


def test_forgot_password_is_limited_per_email_and_per_address(app, mailbox):
    one, two = app.test_client(), app.test_client()
    for _ in range(5):
        assert post(one, "/forgot-password", {"email": "target@example.com"}).status_code == 200
    assert post(one, "/forgot-password", {"email": "target@example.com"}).status_code == 429
    assert post(two, "/forgot-password", {"email": "Target@Example.com"}).status_code == 429  # per email
    for n in range(13):  # 20 in all, the two refused above included
        assert post(one, "/forgot-password", {"email": f"x{n}@example.com"}).status_code == 200
    assert post(one, "/forgot-password", {"email": "y@example.com"}).status_code == 429  # per address (20)
    assert len(mailbox.to("target@example.com")) == 5


def test_forgot_password_with_the_mail_server_down_says_so(app_factory, closed_port, make_user):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    response = post(app.test_client(), "/forgot-password", {"email": "someone@example.com"})
    assert response.status_code == 503 and "could not send the email" in text(response)


def test_display_name_change_is_audited_once_a_certificate_exists(app, trainee_client):
    user = trainee_client.user
    first = post(trainee_client, "/account/profile", {"display_name": "Tess Early", "wants_reminders": "y"})
    assert first.status_code == 303
    with app.app_context():
        assert not db.session.scalars(select(AuditEvent)).all()  # no certificate yet: nothing to record
        from datetime import datetime

        db.session.add(
            Certificate(
                user_id=user.id,
                current_of=user.id,
                code="AAAA-BBBB-CCCC",
                holder_name="Tess Early",
                issued_at=datetime(2026, 1, 5),
                completed_at=datetime(2026, 1, 5),
                scores=[],
            )
        )
        db.session.commit()
    assert post(trainee_client, "/account/profile", {"display_name": "Tess Later"}).status_code == 303
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert (event.actor_id, event.subject_id, event.action, event.module_slug) == (
            user.id,
            user.id,
            "name-change",
            None,
        )
        assert "Tess Early" in event.reason and "Tess Later" in event.reason
        assert db.session.get(User, user.id).wants_reminders is False  # unticked
    page = text(trainee_client.get("/certificate"))
    assert "Tess Later" in page and "05 January 2026" in page
    verified = text(app.test_client().get("/verify/AAAA-BBBB-CCCC"))
    assert "Tess Later" in verified and "05 January 2026" in verified
    bad = post(trainee_client, "/account/profile", {"display_name": "N" * 81})
    assert bad.status_code == 400 and "80 characters" in text(bad)


def test_unsubscribe_link_stops_reminders(app, make_user):
    user = make_user()
    with app.app_context():
        token = identity.unsubscribe_token(app.config["SECRET_KEY"], db.session.get(User, user.id))
    client = app.test_client()
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert post(client, f"/unsubscribe/{token}").status_code == 200
    assert user_row(app, user.email).wants_reminders is False
    assert post(client, "/unsubscribe/forged").status_code == 400
