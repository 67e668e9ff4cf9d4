"""Accessibility audit 2026-12, F1, in a real browser: the session ends in the middle of a quiz (its row is
deleted, as the idle time-out and a password change elsewhere do, or the trainee logs out in another tab),
with JavaScript and without. Nothing may be announced as saved that was not, the choice stays on screen,
and after logging in again the answer lands or the page says it did not."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from course.extensions import db
from course.identity.models import UserSession
from course.quizzes.models import AttemptItem

from ..support.helpers import PASSWORD
from ..support.journey import form_for
from .conftest import login_in_browser
from .support import items_of, start
from .test_autosave import give

pytestmark = pytest.mark.browser


def end_sessions(app) -> None:
    with app.app_context():
        db.session.execute(delete(UserSession))
        db.session.commit()


def stored(app, attempt_id: int, position: int = 1):
    with app.app_context():
        return db.session.scalar(
            select(AttemptItem.response).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == position)
        )


def open_first_question(app, make_user, page):
    user = make_user()
    attempt_id = start(app, user.id, app.extensions["catalog"].module("mechanism"))
    login_in_browser(page, user.email)
    page.goto(f"/attempts/{attempt_id}/questions/1")
    [(_, snapshot)] = items_of(app, user.id, attempt_id)[:1]
    return user, attempt_id, snapshot


def log_out_in_another_tab(page) -> None:
    other = page.context.new_page()
    other.goto("/dashboard")
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(re.compile(r"/$"))
    other.close()


def log_in_in_a_new_tab(page, email: str) -> None:
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Log in again (opens in a new tab)").click()
    tab = opened.value
    tab.get_by_label("Email").fill(email)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url(re.compile(r"/attempts/\d+/questions/1$"))
    tab.close()


@pytest.mark.parametrize("ending", ["session deleted", "logged out in another tab"])
def test_with_javascript_the_page_says_not_saved_keeps_the_choice_and_saves_after_a_new_log_in(
    app, make_user, page, ending
):
    user, attempt_id, snapshot = open_first_question(app, make_user, page)
    if ending == "session deleted":
        end_sessions(app)
    else:
        log_out_in_another_tab(page)

    form = form_for(snapshot, right=True)
    give(page, snapshot, form)
    status = page.get_by_role("status").filter(has_text="Not saved")
    status.wait_for()
    assert "Answer saved." not in page.locator("main").inner_text()
    assert "you have been logged out" in status.inner_text() and "still on this page" in status.inner_text()
    if snapshot["type"] != "matching":
        assert page.locator(f"#o-{form['choice'][0]}").is_checked()  # the choice stays on screen
    assert stored(app, attempt_id) is None

    log_in_in_a_new_tab(page, user.email)
    page.get_by_role("button", name="Try saving again").click()
    page.get_by_role("status").filter(has_text="Answer saved.").wait_for()
    assert stored(app, attempt_id) is not None
    assert page.get_by_role("button", name="Try saving again").is_hidden()


def test_without_javascript_an_answer_sent_after_the_time_out_lands_after_the_log_in(app, make_user, new_page):
    page = new_page(java_script_enabled=False)
    user, attempt_id, snapshot = open_first_question(app, make_user, page)
    end_sessions(app)  # the row goes, the cookie stays: as after the idle time-out

    give(page, snapshot, form_for(snapshot, right=True))
    page.get_by_role("button", name="Save and next question").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    assert "what you sent was NOT saved yet. It is kept" in page.locator("main").inner_text()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r"/account/unsent$"))
    assert stored(app, attempt_id) is None  # nothing is sent without the trainee's press
    page.get_by_role("button", name="Send it now").click()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/questions/2$"))
    assert stored(app, attempt_id) is not None


def test_without_javascript_after_a_log_out_elsewhere_the_page_says_not_saved_and_returns_to_the_question(
    app, make_user, new_page
):
    page = new_page(java_script_enabled=False)
    user, attempt_id, snapshot = open_first_question(app, make_user, page)
    log_out_in_another_tab(page)

    give(page, snapshot, form_for(snapshot, right=True))
    page.get_by_role("button", name="Save and next question").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    assert "what you sent was NOT saved. Log in, then send it again" in page.locator("main").inner_text()
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"/attempts/{attempt_id}/questions/1$"))  # the question, not a 405
    assert page.get_by_role("heading", level=1).inner_text().startswith("Question 1")
    assert stored(app, attempt_id) is None
