"""axe-core (WCAG 2 A and AA rules) on every kind of page a visitor or trainee meets, and no sideways scroll
on a 360-px phone. The trainee's progress is set up through the app's services, not the database; the
browser logs in through the real form and only looks."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from course.extensions import db
from course.learning import services as learning
from course.quizzes import services as quizzes
from course.quizzes.grading import right_answer
from course.quizzes.models import QuizAttempt

from .conftest import login_in_browser

pytestmark = pytest.mark.browser

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
QUESTION_TYPES = ("single", "multiple", "true_false", "matching")
PHONE = {"width": 360, "height": 740}


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.extend(f"        {check['message']}" for kind in ("any", "all", "none") for check in node[kind])
    return "\n".join(lines)


def assert_accessible(page, url: str | None = None, status: int = 200) -> None:
    """Open `url` (or stay on the current page) and assert axe finds no WCAG 2 A/AA violation."""
    if url is not None:
        response = page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
    results = AXE.run(page, options=WCAG_AA).response
    assert results["toolOptions"]["runOnly"]["values"] == WCAG_AA["runOnly"]["values"]
    assert results["passes"], "axe checked nothing: did it run?"
    violations = results["violations"]
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"


def answer_form(snapshot: dict, right: bool = True) -> dict[str, list[str]]:
    """The posted form values that answer a served question rightly (or, with right=False, wrongly)."""
    answer = right_answer(snapshot)
    if snapshot["type"] == "matching":
        matches = answer["matches"]
        if not right:  # give every left item the next one's right item
            values = list(matches.values())
            matches = dict(zip(matches, values[1:] + values[:1], strict=True))
        return {f"match-{left}": [chosen] for left, chosen in matches.items()}
    keys = answer.get("choices") or [answer["choice"]]
    if not right:
        keys = [o["key"] for o in snapshot["options"] if o["key"] not in keys][:1]
    return {"choice": keys}


def read_every_page(app, user_id: int) -> None:
    with app.app_context():
        for module in app.extensions["catalog"].modules:
            for page in module.pages:
                learning.complete_page(user_id, module, page.anchor)


def start(app, user_id: int, module) -> int:
    with app.app_context():
        return quizzes.start_attempt(user_id, module, lessons_done=True).id


def items_of(app, user_id: int, attempt_id: int) -> list[tuple[int, dict]]:
    with app.app_context():
        return [(item.position, item.snapshot) for item in quizzes.get_attempt(user_id, attempt_id).items]


def answer_and_submit(app, user_id: int, attempt_id: int, right: bool = True) -> None:
    items = items_of(app, user_id, attempt_id)
    with app.app_context():
        for position, snapshot in items:
            quizzes.save_answer(user_id, attempt_id, position, answer_form(snapshot, right))
        quizzes.submit(user_id, app.extensions["catalog"], attempt_id)


def let_retake_wait_pass(app, attempt_id: int) -> None:
    """Simulates the retake wait going by: the failed attempt's submission moves 10 minutes back."""
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.submitted_at -= timedelta(minutes=10)
        db.session.commit()


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
    read_every_page(app, user.id)
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
            quizzes.save_answer(user.id, failed_id, position, answer_form(snapshot, right=False))
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
    assert "You have passed every module" in page.locator("main").inner_text()
    assert_accessible(page, "/certificate")
    code = re.search(r"Verification code: (\S+)", page.locator("main").inner_text())[1]
    assert_accessible(page, f"/verify/{code}")
    assert "Valid." in page.locator("main").inner_text()


def page_width(page, url: str) -> int:
    response = page.goto(url)
    assert response.status == 200, url
    return page.evaluate("document.documentElement.scrollWidth")


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
    too_wide = {url: width for url in urls if (width := page_width(page, url)) > PHONE["width"] + 1}
    assert not too_wide, f"pages wider than a {PHONE['width']}-px screen (scrollWidth): {too_wide}"
    # Where a table is wider than the phone it scrolls in its own box, which must be reachable by keyboard.
    assert_accessible(page, "/dashboard")
    lesson = app.extensions["catalog"].module("comparison-with-psychedelics").page("comparison-table")
    assert_accessible(page, f"/modules/comparison-with-psychedelics/pages/{lesson.anchor}")
    box = page.get_by_role("region", name="Table (scrolls sideways)")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
