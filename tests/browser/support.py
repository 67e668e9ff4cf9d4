"""What the browser tests share: the axe-core check, and the app's services for setting up a trainee's
progress (the browser then only looks at what a trainee or instructor would see)."""

from __future__ import annotations

from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe

from course.extensions import db
from course.learning import services as learning
from course.quizzes import services as quizzes
from course.quizzes.models import QuizAttempt

from ..support.journey import form_for

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}
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


def assert_fits_a_phone(page, urls: list[str]) -> None:
    """No page scrolls sideways on a 360-px screen (a wide table may scroll inside its own box)."""
    too_wide = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            too_wide[url] = width
    assert not too_wide, f"pages wider than a {PHONE['width']}-px screen (scrollWidth): {too_wide}"


def read_pages(app, user_id: int, modules=None) -> None:
    """Marks every lesson page done, of `modules` or of the whole course."""
    with app.app_context():
        for module in modules or app.extensions["catalog"].modules:
            for page in module.pages:
                learning.complete_page(user_id, module, page.anchor)


def start(app, user_id: int, module) -> int:
    """Starts an attempt at `module`'s quiz, reading its pages first (the quiz opens after them)."""
    read_pages(app, user_id, [module])
    with app.app_context():
        return quizzes.start_attempt(user_id, module).id


def items_of(app, user_id: int, attempt_id: int) -> list[tuple[int, dict]]:
    with app.app_context():
        return [(item.position, item.snapshot) for item in quizzes.get_attempt(user_id, attempt_id).items]


def answer_and_submit(app, user_id: int, attempt_id: int, right: bool = True) -> None:
    items = items_of(app, user_id, attempt_id)
    with app.app_context():
        for position, snapshot in items:
            quizzes.save_answer(user_id, attempt_id, position, form_for(snapshot, right))
        quizzes.submit(user_id, app.extensions["catalog"], attempt_id)


def let_retake_wait_pass(app, attempt_id: int) -> None:
    """Simulates the retake wait going by: the failed attempt's submission moves 10 minutes back."""
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.submitted_at -= timedelta(minutes=10)
        db.session.commit()
