"""The chart pages in a real browser: axe-core finds no WCAG 2 A/AA violation at 1280 px and at 320 px, the
trainee's dashboard fits a phone, and a screenshot of each chart page (and of three lessons with figures) is
saved under test-results/screenshots/ for a reviewer to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.identity.models import User
from course.quizzes.models import QuizAttempt

from ..support.helpers import PASSWORD
from .conftest import login_in_browser
from .support import PHONE, assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "narrow": {"width": 320, "height": 740}}


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["demo", "seed", "--trainees", "40", "--cohorts", "2", "--seed", "7"])
    assert result.exit_code == 0, result.output
    password = re.search(r"Demo password \(every demo account\): (\S+)", result.output)[1]
    with app.app_context():
        # the trainee with the most submitted attempts, and the quiz with the most attempts
        trainee = db.session.execute(
            select(QuizAttempt.user_id, func.count())
            .where(QuizAttempt.status == "submitted")
            .group_by(QuizAttempt.user_id)
            .order_by(func.count().desc(), QuizAttempt.user_id)
        ).first()[0]
        module = db.session.execute(
            select(QuizAttempt.module_slug, func.count())
            .group_by(QuizAttempt.module_slug)
            .order_by(func.count().desc(), QuizAttempt.module_slug)
        ).first()[0]
        email = db.session.get(User, trainee).email
    return {"password": password, "trainee": trainee, "email": email, "module": module}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def lessons_with_figures(app, count: int = 3) -> list[str]:
    urls = []
    for module in app.extensions["catalog"].modules:
        for lesson in module.pages:
            if "<figure" in lesson.html and len(urls) < count:
                urls.append(f"/modules/{module.slug}/pages/{lesson.anchor}")
    return urls


@pytest.mark.parametrize("size", list(WIDTHS))
def test_instructor_chart_pages(app, seeded, make_user, new_page, size):
    admin = make_user("admin")
    page = new_page(viewport=WIDTHS[size])
    login_in_browser(page, admin.email)
    pages = {
        "matrix": "/instructor/",
        "statistics": f"/instructor/statistics?module={seeded['module']}",
        "trainee-detail": f"/instructor/trainees/{seeded['trainee']}",
    }
    for name, url in pages.items():
        assert_accessible(page, url)
        assert page.locator("figure.chart svg[role=img]").count() >= 1, url
        shoot(page, f"{name}-{size}")
        if size == "desktop":
            page.emulate_media(media="print")
            shoot(page, f"{name}-print")
            page.emulate_media(media="screen")
    # the tables behind "Show as table" open without JavaScript and pass axe too
    page.goto(pages["statistics"])
    for summary in page.locator("details.chart-table summary").all():
        summary.click()
    assert_accessible(page)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_trainee_dashboard_and_lessons_with_figures(app, seeded, new_page, size):
    page = new_page(viewport=WIDTHS[size])
    login_in_browser(page, seeded["email"], seeded["password"])
    assert_accessible(page, "/dashboard")
    assert page.locator("#mastery-chart svg[role=img]").count() == 1
    shoot(page, f"dashboard-{size}")
    if size == "desktop":  # what a printout looks like: no navigation, charts and tables in black and white
        page.emulate_media(media="print")
        shoot(page, "dashboard-print")
        page.emulate_media(media="screen")
    for url in lessons_with_figures(app):
        assert_accessible(page, url)
        shoot(page, f"lesson-{url.rsplit('/', 1)[-1]}-{size}")


def test_a_new_trainee_sees_no_empty_charts_and_the_dashboard_fits_a_phone(app, make_user, new_page):
    user = make_user()
    page = new_page(viewport=PHONE)
    login_in_browser(page, user.email)
    assert_fits_a_phone(page, ["/dashboard"])
    assert "No attempts yet" in page.locator("main").inner_text()
    assert page.locator("#mastery-chart").count() == 0
    assert_accessible(page)
    shoot(page, "dashboard-new-trainee-phone")


def test_chart_pages_work_without_javascript(app, seeded, make_user, browser, live_server):
    admin = make_user("admin")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(admin.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in", exact=True).click()
        for url in ("/instructor/", f"/instructor/statistics?module={seeded['module']}"):
            assert page.goto(url).status == 200
            assert page.locator("figure.chart svg").first.is_visible()
    finally:
        context.close()
