"""A whole module by keyboard alone: Tab, Enter, Space and the arrow keys, never the mouse.

A trainee logs in, reads module 1 page by page, fails its quiz, reads a section of the retake plan, waits
out the retake delay, and passes. The database is read only for what the trainee would know (which answer
is right or wrong) and written once, to simulate the wait going by."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from course.extensions import db
from course.quizzes import services as quizzes
from course.quizzes.models import QuizAttempt

from ..support.journey import form_for
from .conftest import login_in_browser, tab_to

pytestmark = pytest.mark.browser


def activate(page, name: str | re.Pattern, url: str, key: str = "Enter") -> None:
    """Tab to the link or button named `name`, press `key`, and wait for the page at `url` (a regex)."""
    tab_to(page, name)
    with page.expect_navigation(url=re.compile(url)):
        page.keyboard.press(key)


def main_text(page) -> str:
    return page.locator("main").inner_text()


def attempt_id_of(page) -> int:
    return int(re.search(r"/attempts/(\d+)", page.url)[1])


def served(app, user_id: int, attempt_id: int) -> list[dict]:
    with app.app_context():
        return [item.snapshot for item in quizzes.get_attempt(user_id, attempt_id).items]


def choose_radio(page, snapshot: dict, key: str) -> None:
    """Tab into the radio group (focus lands on its first option), then arrow down to the wanted one."""
    keys = [o["key"] for o in snapshot["options"]]
    tab_to(page, snapshot["options"][0]["text"])
    index = keys.index(key)
    if index == 0:
        page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")  # moving with an arrow key also checks the radio
    assert page.locator(f"#o-{key}").is_checked()


def tick_boxes(page, snapshot: dict, keys: list[str]) -> None:
    for option in snapshot["options"]:
        if option["key"] in keys:
            tab_to(page, option["text"])
            page.keyboard.press("Space")
    checked = [o["key"] for o in snapshot["options"] if page.locator(f"#o-{o['key']}").is_checked()]
    assert sorted(checked) == sorted(keys)


def choose_matches(page, snapshot: dict, matches: dict[str, str]) -> None:
    """Each select starts on "Choose…"; ArrowDown on a closed select moves its choice one option down."""
    rights = [r["key"] for r in snapshot["rights"]]
    for left in snapshot["lefts"]:
        tab_to(page, left["text"])
        for _ in range(rights.index(matches[left["key"]]) + 1):
            page.keyboard.press("ArrowDown")
        assert page.locator(f"#m-{left['key']}").input_value() == matches[left["key"]]


def answer(page, snapshot: dict, right: bool) -> None:
    """Answer the question on screen as `form_for` would post it, by keyboard."""
    form = form_for(snapshot, right)
    if snapshot["type"] == "matching":
        choose_matches(page, snapshot, {name.removeprefix("match-"): keys[0] for name, keys in form.items()})
    elif snapshot["type"] == "multiple":
        tick_boxes(page, snapshot, form["choice"])
    else:
        choose_radio(page, snapshot, form["choice"][0])


def take_quiz(page, snapshots: list[dict], right: bool) -> set[str]:
    """From question 1 to the confirm page, answering every question and saving it with its button.
    Returns the question types answered."""
    attempt_id = attempt_id_of(page)
    for position, snapshot in enumerate(snapshots, start=1):
        assert page.url.endswith(f"/attempts/{attempt_id}/questions/{position}")
        assert f"Question {position} of {len(snapshots)}" in page.locator("h1").inner_text()
        assert snapshot["prompt"] in page.locator("legend").inner_text()
        answer(page, snapshot, right)
        if position < len(snapshots):
            activate(page, "Save and next question", rf"/questions/{position + 1}$")
        else:
            activate(page, "Save and review answers", rf"/attempts/{attempt_id}/confirm$")
    assert f"You have answered all {len(snapshots)} questions" in main_text(page)
    return {snapshot["type"] for snapshot in snapshots}


def test_a_whole_module_by_keyboard_alone(app, make_user, page):
    user = make_user(name="Kim Keyboard")
    module = app.extensions["catalog"].modules[0]
    quiz_url = rf"/modules/{module.slug}/quiz$"

    login_in_browser(page, user.email)
    assert "Welcome, Kim Keyboard" in page.locator("h1").inner_text()  # a first visit

    # Read every page of module 1, pressing its "Mark complete" button.
    activate(page, f"Start: {module.title}", rf"/pages/{module.pages[0].anchor}$")
    for number, lesson in enumerate(module.pages, start=1):
        assert page.url.endswith(f"/modules/{module.slug}/pages/{lesson.anchor}")
        assert page.locator("h1").inner_text() == lesson.title
        assert f"page {number} of {len(module.pages)}" in main_text(page)
        if number < len(module.pages):
            activate(page, "Mark complete and go to the next page", rf"/pages/{module.pages[number].anchor}$")
        else:
            activate(page, "Mark complete and go to the quiz", quiz_url)
    assert page.locator("h1").inner_text() == module.quiz.title

    # First attempt: every answer wrong.
    activate(page, "Start the quiz", r"/attempts/\d+/questions/1$")
    failed_id = attempt_id_of(page)
    types_answered = take_quiz(page, served(app, user.id, failed_id), right=False)
    activate(page, "Submit my answers", rf"/attempts/{failed_id}$")
    assert "not passed" in page.locator("h1").inner_text()
    assert "0%" in page.locator("h1").inner_text()
    plan = page.locator(".retake-plan")
    assert plan.get_by_role("heading", name="Your retake plan").is_visible()
    sections = plan.get_by_role("listitem").all_inner_texts()
    titles = {lesson.title for lesson in module.pages}
    assert sections and set(sections) <= titles, sections
    assert "Your next attempt opens at" in plan.inner_text()  # the retake wait applies

    # Follow the retake plan's first link, then come back with the browser's Back. (Alt+Left is a shortcut of
    # the browser's own window, which headless Chromium does not have, so the test asks for Back directly.)
    first_section = next(lesson for lesson in module.pages if lesson.title == sections[0])
    activate(page, first_section.title, rf"/pages/{first_section.anchor}$")
    assert page.locator("h1").inner_text() == first_section.title
    page.go_back()
    assert page.url.endswith(f"/attempts/{failed_id}")
    assert page.get_by_role("heading", name="Your retake plan").is_visible()

    # The quiz page refuses a retake until the wait is over.
    activate(page, "Go to the quiz page", quiz_url)
    assert "Your next attempt opens at" in main_text(page)
    assert page.get_by_role("button", name="Retake the quiz").count() == 0

    # Simulates the retake wait (5 minutes in the quiz file) going by: the failed attempt's submission time
    # moves 10 minutes back. This is the only write to the database, instead of sleeping in the test.
    with app.app_context():
        attempt = db.session.get(QuizAttempt, failed_id)
        attempt.submitted_at -= timedelta(minutes=10)
        db.session.commit()

    # Back to the quiz page through the module page, by keyboard; the retake is open now.
    activate(page, f"Module {module.number}: {module.title}", rf"/modules/{module.slug}$")
    activate(page, "Go to the quiz", quiz_url)
    assert "attempts used: 1" in main_text(page)
    activate(page, "Retake the quiz", r"/attempts/\d+/questions/1$")
    passed_id = attempt_id_of(page)
    assert passed_id != failed_id
    types_answered |= take_quiz(page, served(app, user.id, passed_id), right=True)
    activate(page, "Submit my answers", rf"/attempts/{passed_id}/passed$")
    # The completion moment: the module, the course's count, and the next module as the one next step.
    modules = app.extensions["catalog"].modules
    assert page.locator("h1").inner_text() == f"Module {module.number} passed: 1 of {len(modules)}"
    activate(page, f"Continue to module {modules[1].number}", rf"/modules/{modules[1].slug}$")
    page.go_back()
    activate(page, "See your answers with the right answers and explanations", rf"/attempts/{passed_id}$")
    heading = page.locator("h1").inner_text()
    assert "100%" in heading and "passed" in heading and "not passed" not in heading
    assert page.locator(".retake-plan").count() == 0

    # The draw is random, so some kind of control may not have come up yet: take practice attempts (open at
    # any time after a pass; each draws the questions seen least) until radios, checkboxes and selects have
    # all been used. The retake repeated the missed questions, so two practice attempts cover the pool of 15.
    practice = 0
    while types_answered != {"single", "multiple", "true_false", "matching"} and practice < 2:
        practice += 1
        activate(page, module.quiz.title, quiz_url)
        activate(page, "Take a practice attempt", r"/attempts/\d+/questions/1$")
        practice_id = attempt_id_of(page)
        types_answered |= take_quiz(page, served(app, user.id, practice_id), right=True)
        activate(page, "Submit my answers", rf"/attempts/{practice_id}$")
        assert "This was a practice attempt" in main_text(page)
    assert types_answered == {"single", "multiple", "true_false", "matching"}

    activate(page, "Back to my progress", r"/dashboard$")
    card = page.locator(".module-card").first.inner_text()
    assert "Passed" in card and "100%" in card
    assert f"1 of {len(app.extensions['catalog'].modules)} modules passed" in main_text(page)
