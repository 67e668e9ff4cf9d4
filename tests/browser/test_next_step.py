"""Issue 24 in a real browser: each role lands on its own home; the matrix fits 1280 px with a sticky header
row and name column; the dashboard's one Continue leads to the next unfinished step in every state (a
first visit, reading, the quiz, a waiting retake stepped over, the retake once open, the certificate)."""

from __future__ import annotations

import re

import pytest

from ..support.helpers import PASSWORD
from .support import answer_and_submit, let_retake_wait_pass, read_pages, start

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("role", "home", "heading"), [("instructor", "/instructor/", "Cohort overview"), ("admin", "/admin/", None)]
)
def test_staff_land_on_their_own_home(make_user, new_page, role, home, heading):
    page = new_page(viewport=DESKTOP)
    log_in(page, make_user(role).email)
    assert page.url.endswith(home)
    if heading:
        assert page.locator("h1").inner_text() == heading


def test_the_matrix_fits_1280_px_and_keeps_its_header_and_names_in_view(app, make_user, runner, new_page):
    seeded = runner.invoke(args=["demo", "seed", "--trainees", "60", "--cohorts", "2", "--seed", "5"])
    assert seeded.exit_code == 0, seeded.output
    page = new_page(viewport=DESKTOP)
    log_in(page, make_user("admin").email)
    page.goto("/instructor/")
    box = page.locator(".matrix-scroll")
    widths = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the twelve modules need sideways scrolling at 1280 px: {widths}"
    header = page.locator("table.matrix thead th").first
    name = page.locator("table.matrix tbody th").nth(20)
    box.evaluate("el => { el.scrollTop = 600; el.scrollLeft = 400; }")
    top, left = box.bounding_box()["y"], box.bounding_box()["x"]
    assert header.bounding_box()["y"] == pytest.approx(top + 1, abs=2)  # the header row stays at the box's top
    assert name.bounding_box()["x"] == pytest.approx(left + 1, abs=2)  # and the names at its left edge
    first_row = page.locator("table.matrix tbody tr").first
    assert first_row.locator("td.why-col").inner_text().strip(), "the first row needs attention and says why"


def continue_button(page):
    page.goto("/dashboard")
    section = page.locator("section.next-step")
    return section, section.get_by_role("link").first


def test_continue_leads_to_the_next_unfinished_step_in_every_state(app, make_user, new_page):
    user = make_user(name="Cleo Continue", verified=True)
    modules = app.extensions["catalog"].modules
    first, second = modules[0], modules[1]
    page = new_page(viewport=DESKTOP)
    log_in(page, user.email)

    section, button = continue_button(page)  # a first visit: one call to action, into module 1's overview
    assert button.inner_text() == "Start the course"
    button.click()
    assert page.url.endswith(f"/modules/{first.slug}")

    page.goto(f"/modules/{first.slug}/pages/{first.pages[0].anchor}")
    page.get_by_role("button", name=re.compile("^Mark complete")).click()
    section, button = continue_button(page)  # reading: the next unread page
    assert button.inner_text() == "Continue" and first.pages[1].title in section.inner_text()
    button.click()
    assert page.url.endswith(f"/pages/{first.pages[1].anchor}")

    read_pages(app, user.id, [first])
    section, button = continue_button(page)  # every page read: the quiz
    assert button.inner_text().startswith("Take the quiz")
    button.click()
    assert page.url.endswith(f"/modules/{first.slug}/quiz")

    failed = start(app, user.id, first)
    answer_and_submit(app, user.id, failed, right=False)
    section, button = continue_button(page)  # a retake that waits is stepped over, and its time is given
    assert button.inner_text() == "Start module 2"
    assert "Your retake of module 1 opens at" in section.inner_text()

    let_retake_wait_pass(app, failed)
    section, button = continue_button(page)  # the wait over: the retake comes first again
    assert button.inner_text().startswith("Retake the quiz")

    passed = start(app, user.id, first)
    answer_and_submit(app, user.id, passed, right=True)
    section, button = continue_button(page)  # after the pass: the next module, not the page opened last
    assert button.inner_text() == "Start module 2"
    assert second.title in section.inner_text()

    for module in modules[1:]:
        attempt = start(app, user.id, module)
        answer_and_submit(app, user.id, attempt, right=True)
    section, button = continue_button(page)  # everything passed: the certificate
    assert button.inner_text() == "Get your certificate"
    button.click()
    assert page.url.endswith("/certificate")


def test_the_time_zone_comes_from_the_browser_and_the_retake_opens_without_a_reload(app, make_user, new_page):
    user = make_user(name="Tomo Zone")
    module = app.extensions["catalog"].modules[0]
    page = new_page(viewport=DESKTOP, timezone_id="Asia/Tokyo")
    page.clock.install()  # the page's own clock, moved forward below instead of waiting
    log_in(page, user.email)
    page.goto("/account")
    zone = page.get_by_label("Your time zone")
    assert zone.input_value() == "Asia/Tokyo"  # offered by the browser; saving keeps it
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(re.compile(r"/account$"))

    failed = start(app, user.id, module)
    answer_and_submit(app, user.id, failed, right=False)
    page.goto(f"/modules/{module.slug}/quiz")
    notice = page.locator("p.notice[data-opens-at]")
    assert "JST" in notice.inner_text() and "(in 5 minutes)" in notice.inner_text()
    assert page.get_by_role("button", name="Retake the quiz").count() == 0
    page.clock.fast_forward("02:00")
    assert "(in 3 minutes)" in notice.inner_text()  # the words stay true while the page stays open
    page.clock.fast_forward("04:00")
    retake = page.get_by_role("button", name="Retake the quiz")
    retake.wait_for()
    assert not notice.is_visible()
