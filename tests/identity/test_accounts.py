"""Accounts through HTTP: register, log in and out, change password, and every kind of bad input."""

from __future__ import annotations

import pytest
from flask_login import current_user
from sqlalchemy import func, select

from course.extensions import db
from course.identity.models import User

from ..support.helpers import PASSWORD, csrf_token, login, logout, post, register, text


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_register_logs_in_and_shows_the_dashboard(client):
    response = register(client, "new@example.com", "Ada Trainee")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200 and '<span class="visually-hidden">Logged in as </span>Ada Trainee' in text(page)


def test_email_is_case_insensitive_and_unique(app, client):
    register(client, "Mixed@Example.com")
    logout(client)
    response = register(client, "mixed@example.COM")
    assert response.status_code == 409
    assert "already exists" in text(response)
    assert count_users(app) == 1
    assert login(client, "MIXED@example.com").status_code == 302


BAD_REGISTRATIONS = [
    ({"email": "", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD}, "This field is required"),
    (
        {"email": "not-an-email", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD},
        "Invalid email address",
    ),
    ({"email": "a" * 250 + "@x.org", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD}, "254 characters"),
    (
        {"email": "a@example.com", "display_name": "", "password": PASSWORD, "confirm": PASSWORD},
        "This field is required",
    ),
    ({"email": "a@example.com", "display_name": "N" * 81, "password": PASSWORD, "confirm": PASSWORD}, "80 characters"),
    (
        {"email": "a@example.com", "display_name": "A", "password": "short", "confirm": "short"},
        "at least 12 characters",
    ),
    (
        {"email": "a@example.com", "display_name": "A", "password": "p" * 129, "confirm": "p" * 129},
        "at most 128 characters",
    ),
    (
        {"email": "a@example.com", "display_name": "A", "password": "1qaz2wsx3edc", "confirm": "1qaz2wsx3edc"},
        "commonly used",
    ),
    (
        {"email": "a@example.com", "display_name": "A", "password": "Q1W2E3R4T5Y6", "confirm": "Q1W2E3R4T5Y6"},
        "commonly used",
    ),
    (
        {"email": "a@example.com", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD + "x"},
        "The passwords differ",
    ),
]


@pytest.mark.parametrize(("form", "message"), BAD_REGISTRATIONS)
def test_bad_registrations_are_refused_with_a_message_and_nothing_saved(app, client, form, message):
    response = post(client, "/register", form)
    assert response.status_code in (400, 409)
    assert message in text(response)
    assert 'role="alert"' in text(response)
    assert count_users(app) == 0


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user):
    user = make_user()
    wrong = login(client, user.email, "wrong password entirely")
    unknown = login(client, "nobody@example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an account" in text(wrong) and "do not match an account" in text(unknown)


def test_empty_and_oversized_login_forms_are_refused(client):
    assert post(client, "/login", {"email": "", "password": ""}).status_code == 400
    assert post(client, "/login", {"email": "x@example.com", "password": "p" * 200}).status_code == 400


def test_failed_logins_are_rate_limited_with_429(app_factory, make_user):
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [login(client, "someone@example.com", "wrong password here").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = login(client, "someone@example.com", "wrong password here")
    assert response.status_code == 429 and "Too many failed log-in attempts" in text(response)


def test_successful_logins_do_not_use_up_the_limit(app_factory, make_user):
    app = app_factory(LOGIN_RATE_LIMIT="2 per minute")
    user = make_user()
    for _ in range(4):
        client = app.test_client()
        assert login(client, user.email).status_code == 302


def test_csrf_token_is_required_and_checked(client):
    form = {"email": "x@example.com", "display_name": "X", "password": PASSWORD, "confirm": PASSWORD}
    missing = client.post("/register", data=form)
    assert missing.status_code == 400 and "did not come from this site" in text(missing)
    wrong = client.post("/register", data={**form, "csrf_token": "forged"})
    assert wrong.status_code == 400
    csrf_token(client)  # the token of another session is no good either
    other = client.application.test_client()
    assert other.post("/register", data={**form, "csrf_token": csrf_token(client)}).status_code == 400


def test_oversized_body_gets_413(client):
    response = post(client, "/register", {"email": "x@example.com", "display_name": "x" * 70_000})
    assert response.status_code == 413 and "larger than this site accepts" in text(response)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/modules/mechanism", "/modules/mechanism"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_next_only_redirects_within_the_site(client, make_user, target, expected):
    user = make_user()
    response = post(client, f"/login?next={target}", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_pages_that_need_login_send_to_login_with_next(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_logout_needs_post_and_ends_the_session(trainee_client):
    assert trainee_client.get("/logout").status_code == 405
    assert logout(trainee_client).status_code == 302
    assert trainee_client.get("/dashboard").status_code == 302


def test_the_signed_in_user_is_a_read_only_copy_without_the_password_hash(trainee_client):
    with trainee_client:  # keeps the request context, and with it the loaded user, after the request
        assert trainee_client.get("/dashboard").status_code == 200
        assert current_user.is_authenticated and current_user.id == trainee_client.user.id
        assert not hasattr(current_user, "password_hash")
        with pytest.raises(AttributeError, match="read-only"):
            current_user.display_name = "Someone else"


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email)
    login(elsewhere, user.email)
    new = "a different long passphrase"
    wrong = post(here, "/account/password", {"current": "not my password!", "password": new, "confirm": new})
    assert wrong.status_code == 400 and "current password is not correct" in text(wrong)
    weak = post(here, "/account/password", {"current": PASSWORD, "password": "short", "confirm": "short"})
    assert weak.status_code == 400
    ok = post(here, "/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert ok.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302  # the other session is signed out
    logout(here)
    assert login(here, user.email, PASSWORD).status_code == 401
    assert login(here, user.email, new).status_code == 302


def test_passwords_are_stored_with_a_slow_kdf(app_factory, tmp_path):
    """The production hash: the test settings use a cheap one, so this test opts back in."""
    app = app_factory(PASSWORD_HASH_METHOD="scrypt")
    client = app.test_client()
    assert register(client, "slow@example.com").status_code == 302
    assert login(app.test_client(), "slow@example.com").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "slow@example.com"))
        stored = user.password_hash
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def _redis_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 to share the log-in limit through")
def test_login_limit_is_shared_through_redis_between_two_app_processes(app_factory):
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=3).flushdb()
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3", "LOGIN_RATE_LIMIT": "2 per minute"}
    first, second = app_factory(**settings).test_client(), app_factory(**settings).test_client()
    statuses = [login(client, "x@example.com", "wrong password here").status_code for client in (first, second, first)]
    assert statuses == [401, 401, 429]
    redis.Redis(host="127.0.0.1", port=6379, db=3).flushdb()


@pytest.mark.parametrize(
    ("role", "home"), [("trainee", "/dashboard"), ("instructor", "/instructor/"), ("admin", "/admin/")]
)
def test_each_role_lands_on_its_own_home_unless_a_page_was_asked_for(app, make_user, role, home):
    user = make_user(role)
    client = app.test_client()
    assert login(client, user.email).headers["Location"] == home
    assert client.get("/login").headers["Location"] == home  # already logged in
    logout(client)
    asked = post(client, "/login?next=/account", {"email": user.email, "password": PASSWORD})
    assert asked.headers["Location"] == "/account"
