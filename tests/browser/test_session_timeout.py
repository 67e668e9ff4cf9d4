"""Accessibility audit 2026-12, F2 (WCAG 2.2.1 Timing Adjustable), in a real browser with the idle time-out
set to one minute and the warning to 30 seconds (settings, not a two-hour wait). The browser's clock is
Playwright's fake one, moved forward instead of slept; the server's clock is moved by ageing the session's
last activity in the database, as the time would.

- Before the end a dialog says so, takes focus on "Stay logged in" (so a screen reader announces it), and
  one key press keeps the session going on the server.
- A form sent after the end keeps what was typed through the log-in, and the log-in returns to the form's
  page; without JavaScript too.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course import clock
from course.extensions import db
from course.identity.models import User, UserSession

from ..support.helpers import PASSWORD
from .conftest import focused_name, login_in_browser
from .support import assert_accessible

pytestmark = pytest.mark.browser
IDLE_MINUTES, WARNING_SECONDS = 1, 30


@pytest.fixture
def app(app_factory):
    return app_factory(SESSION_IDLE_MINUTES=IDLE_MINUTES, SESSION_WARNING_SECONDS=WARNING_SECONDS)


def last_seen(app):
    with app.app_context():
        return db.session.scalar(select(UserSession.last_seen_at))


def let_the_session_time_out(app) -> None:
    with app.app_context():
        db.session.execute(
            update(UserSession).values(last_seen_at=clock.utcnow() - timedelta(minutes=IDLE_MINUTES + 1))
        )
        db.session.commit()


def name_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).display_name


def test_a_warning_comes_before_the_time_out_and_one_key_keeps_the_session(app, make_user, page):
    user = make_user()
    page.clock.install()
    login_in_browser(page, user.email)
    page.goto("/account")
    dialog = page.get_by_role("dialog", name="Are you still there?")
    assert dialog.is_hidden()
    login_page = app.test_client().get("/login").get_data(as_text=True)
    assert f"logged out after {IDLE_MINUTES} minute without activity" in login_page  # stated before it starts

    page.clock.run_for((IDLE_MINUTES * 60 - WARNING_SECONDS + 1) * 1000)
    dialog.wait_for()
    assert re.search(r"You will be logged out in \d+ seconds", dialog.inner_text())
    assert focused_name(page) == "Stay logged in"  # focus moved into the dialog: it is announced
    assert_accessible(page)
    before = last_seen(app)
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert last_seen(app) > before  # the server's idle clock started again

    page.clock.run_for((IDLE_MINUTES * 60 + 1) * 1000)  # nobody there this time
    dialog.wait_for()
    assert "You have been logged out" in dialog.inner_text() and "not saved yet" in dialog.inner_text()


@pytest.mark.parametrize("javascript", [True, False])
def test_what_was_typed_is_kept_through_the_log_in_and_nothing_ends_on_405(app, make_user, new_page, javascript):
    user = make_user(name="Old Name")
    page = new_page(java_script_enabled=javascript)
    login_in_browser(page, user.email) if javascript else _log_in_by_form(page, user.email)
    page.goto("/account")
    page.get_by_label("Your name").fill("New Name Typed Before The Time-out")
    let_the_session_time_out(app)
    page.get_by_role("button", name="Save", exact=True).click()

    page.wait_for_url(re.compile(r"/login\?next=%2Faccount$"))  # the form's page, not the POST address
    assert "NOT saved yet. It is kept: log in and you can send it again." in page.locator("main").inner_text()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/account/unsent$"))
    assert name_of(app, user.id) == "Old Name"
    page.get_by_role("button", name="Send it now").click()
    page.wait_for_url(re.compile(r"/account$"))
    assert "Your name is changed." in page.locator("main").inner_text()
    assert name_of(app, user.id) == "New Name Typed Before The Time-out"


def _log_in_by_form(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
