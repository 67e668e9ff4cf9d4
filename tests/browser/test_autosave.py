"""The autosave script: an answer given and then left by a menu link, without pressing Save, is kept."""

from __future__ import annotations

import re

import pytest

from course.quizzes import grading
from course.quizzes import services as quizzes

from ..support.journey import form_for
from .conftest import login_in_browser
from .support import items_of, read_pages, start

pytestmark = pytest.mark.browser


def give(page, snapshot: dict, form: dict[str, list[str]]) -> None:
    """Answer with the mouse, the way most trainees do; every change fires the form's change event."""
    if snapshot["type"] == "matching":
        for name, (key,) in form.items():
            page.locator(f"#m-{name.removeprefix('match-')}").select_option(key)
    else:
        for key in form["choice"]:
            page.locator(f"#o-{key}").check()


def test_an_answer_is_saved_without_pressing_save(app, make_user, page):
    user = make_user()
    module = app.extensions["catalog"].module("mechanism")
    read_pages(app, user.id, [module])
    attempt_id = start(app, user.id, module)
    login_in_browser(page, user.email)

    for position, snapshot in items_of(app, user.id, attempt_id)[:3]:
        page.goto(f"/attempts/{attempt_id}/questions/{position}")
        form = form_for(snapshot, right=True)
        give(page, snapshot, form)
        status = page.get_by_role("status")
        status.filter(has_text="Answer saved.").wait_for()
        # Leave by the main menu instead of a Save button.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My progress").click()
        page.wait_for_url(re.compile(r"/dashboard$"))

    with app.app_context():
        items = quizzes.get_attempt(user.id, attempt_id).items
        marks = [grading.score_answer(i.snapshot, i.response) for i in items if i.response is not None]
    assert marks == [1.0, 1.0, 1.0]  # the three answers, as given, and nothing else
    page.goto(f"/attempts/{attempt_id}/confirm")
    assert "You have not answered 3 of 6 questions" in page.locator("main").inner_text()
