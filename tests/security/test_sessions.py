"""Issue 10, item 1: sessions live on the server and can be ended (ASVS 5.0 7.2.4, 7.3.1, 7.3.2, 7.4.1, 7.4.3)."""

from __future__ import annotations

from datetime import timedelta

from flask_login.utils import encode_cookie

from course import clock
from course.extensions import db
from course.identity.models import User, UserSession

from ..support.helpers import PASSWORD, csrf_token, login, logout, post, text


def _copy_cookies(source, target) -> None:
    for name in ("session",):
        cookie = source.get_cookie(name)
        target.set_cookie(name, cookie.value)


def test_a_copied_cookie_stops_working_after_logout(app, make_user):
    user = make_user()
    browser, thief = app.test_client(), app.test_client()
    assert login(browser, user.email).status_code == 302
    _copy_cookies(browser, thief)
    assert thief.get("/dashboard").status_code == 200  # the copy works while the session lives
    assert logout(browser).status_code == 302
    assert thief.get("/dashboard").status_code == 302  # and not after logout: the row is gone
    with app.app_context():
        assert db.session.query(UserSession).count() == 0


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, make_user):
    user = make_user()
    here, phone = app.test_client(), app.test_client()
    login(here, user.email)
    login(phone, user.email)
    copy = app.test_client()
    _copy_cookies(here, copy)  # same session as `here`: it must survive
    new = "a different long passphrase"
    response = post(here, "/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 302
    with app.app_context():
        assert db.session.query(UserSession).filter_by(user_id=user.id).count() == 1


def test_account_page_lists_sessions_and_ends_the_others(app, make_user):
    user = make_user()
    desk, phone = app.test_client(), app.test_client()
    desk_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
    phone_agent = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.4 Mobile/15E148 Safari/604.1"
    )
    post(desk, "/login", {"email": user.email, "password": PASSWORD}, headers={"User-Agent": desk_agent})
    post(phone, "/login", {"email": user.email, "password": PASSWORD}, headers={"User-Agent": phone_agent})
    page = text(desk.get("/account"))
    # readable devices, not raw headers (issue 24, T16)
    assert "Firefox 121 on Windows 10" in page and "Mobile Safari 17 on iPhone, iOS 17.4" in page
    assert "Mozilla/5.0" not in page and "this session" in page
    assert desk.post("/account/sessions/end-others").status_code == 400  # CSRF token required
    response = post(desk, "/account/sessions/end-others")
    assert response.status_code == 303
    assert phone.get("/dashboard").status_code == 302
    assert desk.get("/dashboard").status_code == 200
    assert "PhoneBrowser/2.0" not in text(desk.get("/account"))


def test_idle_timeout_and_absolute_lifetime_with_a_fake_clock(app_factory, make_user, monkeypatch):
    app = app_factory(SESSION_IDLE_MINUTES=30, SESSION_MAX_DAYS=1)
    user = make_user()
    start = clock.utcnow()
    now = {"t": start}
    monkeypatch.setattr(clock, "utcnow", lambda: now["t"])

    idle = app.test_client()
    login(idle, user.email)
    now["t"] = start + timedelta(minutes=29)
    assert idle.get("/dashboard").status_code == 200  # active: last seen moves on
    now["t"] = start + timedelta(minutes=29 + 31)
    assert idle.get("/dashboard").status_code == 302  # idle for 31 minutes: ended

    now["t"] = start
    busy = app.test_client()
    login(busy, user.email)
    for minutes in range(20, 24 * 60, 20):  # never idle, but a day is the most a session lives
        now["t"] = start + timedelta(minutes=minutes)
        assert busy.get("/dashboard").status_code == 200, minutes
    now["t"] = start + timedelta(days=1, minutes=1)
    assert busy.get("/dashboard").status_code == 302


def test_csrf_token_rotates_at_login_and_logout(app, make_user):
    user = make_user()
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        before = session.get("csrf_token")
    assert before
    login(client, user.email)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != before
    csrf_token(client)
    with client.session_transaction() as session:
        during = session["csrf_token"]
    logout(client)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != during


def test_a_remember_me_cookie_alone_does_not_log_in(app, make_user):
    user = make_user()
    with app.app_context():
        user_id = db.session.get(User, user.id).get_id()
    with app.test_request_context():
        value = encode_cookie(user_id)
    client = app.test_client()
    client.set_cookie("remember_token", value)
    assert client.get("/dashboard").status_code == 302
