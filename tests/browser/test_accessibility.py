"""axe-core (WCAG 2 A and AA rules) on every kind of page a visitor or trainee meets, and no sideways scroll
on a 360-px phone. The trainee's progress is set up through the app's services, not the database; the
browser logs in through the real form and only looks."""

from __future__ import annotations

import re

import pytest

from course.quizzes import services as quizzes

from ..support.journey import form_for
from .conftest import login_in_browser
from .support import (
    PHONE,
    answer_and_submit,
    assert_accessible,
    assert_fits_a_phone,
    items_of,
    let_retake_wait_pass,
    read_pages,
    start,
)

pytestmark = pytest.mark.browser

QUESTION_TYPES = ("single", "multiple", "true_false", "matching")


def test_public_pages_have_no_wcag_violations(page):
    assert_accessible(page, "/")
    assert_accessible(page, "/modules/mechanism")
    assert_accessible(page, "/login")
    assert_accessible(page, "/register")
    assert_accessible(page, "/verify")
    assert_accessible(page, "/verify/NOPE-NOPE-NOPE", status=404)
    assert_accessible(page, "/no-such-page", status=404)
    assert "Page not found" in page.locator("h1").inner_text()
    # the forms with their error summaries and inline errors
    page.goto("/login")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)
    page.goto("/register")
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)


def test_trainee_pages_have_no_wcag_violations(app, make_user, page):
    user = make_user(name="Ada Lovelace")
    modules = app.extensions["catalog"].modules
    first, others = modules[0], modules[1:]
    read_pages(app, user.id)
    # Open attempts in the other modules; between them they serve every question type.
    open_ids = [start(app, user.id, module) for module in others]
    one_of_each: dict[str, str] = {}
    for attempt_id in open_ids:
        for position, snapshot in items_of(app, user.id, attempt_id):
            one_of_each.setdefault(snapshot["type"], f"/attempts/{attempt_id}/questions/{position}")
    assert sorted(one_of_each) == sorted(QUESTION_TYPES)

    login_in_browser(page, user.email)
    assert_accessible(page)  # the dashboard, nothing passed yet
    for question_type in QUESTION_TYPES:
        assert_accessible(page, one_of_each[question_type])
    for attempt_id in open_ids:
        answer_and_submit(app, user.id, attempt_id, right=True)

    assert_accessible(page, "/")
    assert_accessible(page, "/modules/mechanism")
    assert_accessible(page, f"/modules/mechanism/pages/{modules[2].pages[0].anchor}")
    assert_accessible(page, f"/modules/{first.slug}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/questions/1$"))
    failed_id = int(re.search(r"/attempts/(\d+)/", page.url)[1])
    assert_accessible(page)
    # answered wrongly, one question left out: the confirm page lists it
    items = items_of(app, user.id, failed_id)
    with app.app_context():
        for position, snapshot in items[:-1]:
            quizzes.save_answer(user.id, failed_id, position, form_for(snapshot, right=False))
    assert_accessible(page, f"/attempts/{failed_id}/confirm")
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(rf"/attempts/{failed_id}$"))
    assert "not passed" in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Your retake plan").is_visible()
    assert_accessible(page)  # the result, with the retake plan and the wait
    assert_accessible(page, f"/modules/{first.slug}/quiz")  # history table, retake not open yet
    assert_accessible(page, "/dashboard")  # eleven passed, one waiting

    let_retake_wait_pass(app, failed_id)
    passed_id = start(app, user.id, first)
    answer_and_submit(app, user.id, passed_id, right=True)
    assert_accessible(page, f"/attempts/{passed_id}")
    assert page.locator("h1").inner_text().endswith("100%, passed")
    assert_accessible(page, f"/attempts/{failed_id}")  # the review of a past attempt
    assert_accessible(page, "/dashboard")
    assert "You have passed all" in page.locator("main").inner_text()
    assert_accessible(page, "/certificate")
    code = re.search(r"Verification code: (\S+)", page.locator("main").inner_text())[1]
    assert_accessible(page, f"/verify/{code}")
    assert "Current." in page.locator("main").inner_text()


def test_lessons_and_dashboard_fit_a_360px_phone(app, make_user, new_page):
    user = make_user()
    page = new_page(viewport=PHONE)
    login_in_browser(page, user.email)
    assert_accessible(page, "/modules/introduction/quiz")  # locked: lists the pages still to read
    assert "Finish every lesson page" in page.locator("main").inner_text()
    urls = ["/dashboard"]
    for module in app.extensions["catalog"].modules:
        urls += [f"/modules/{module.slug}/pages/{lesson.anchor}" for lesson in module.pages]
    urls.append("/dashboard")  # again, now with a resume link and modules in progress
    assert_fits_a_phone(page, urls)
    # Where a table is wider than the phone it scrolls in its own box, which must be reachable by keyboard.
    assert_accessible(page, "/dashboard")
    lesson = app.extensions["catalog"].module("comparison-with-psychedelics").page("comparison-table")
    assert_accessible(page, f"/modules/comparison-with-psychedelics/pages/{lesson.anchor}")
    box = page.get_by_role("region", name="Table (scrolls sideways)")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
