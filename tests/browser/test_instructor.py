"""The instructor workspace in a real browser: axe-core on every instructor page, and one instructor's
day from creating a cohort to an audited action that a trainee sees take effect at once."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from course.extensions import db
from course.identity.models import User

from ..support.helpers import PASSWORD
from .conftest import login_in_browser
from .support import PHONE, answer_and_submit, assert_accessible, assert_fits_a_phone, read_pages, start

pytestmark = pytest.mark.browser


def test_instructor_pages_have_no_wcag_violations(app, make_user, runner, new_page):
    seeded = runner.invoke(args=["demo", "seed", "--trainees", "40", "--cohorts", "2", "--seed", "5"])
    assert seeded.exit_code == 0, seeded.output
    admin = make_user("admin")
    page = new_page()
    login_in_browser(page, admin.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instructor").click()
    page.wait_for_url(re.compile(r"/instructor/$"))
    assert "40 trainees" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_accessible(page, "/instructor/?signal=needs-help&sort=activity")
    assert_accessible(page, "/instructor/?q=nobody-by-that-name")
    assert "No trainees match." in page.locator("main").inner_text()

    page.goto("/instructor/?sort=progress")
    page.locator("table.matrix tbody th a").first.click()
    page.wait_for_url(re.compile(r"/instructor/trainees/\d+$"))
    detail = page.url
    assert_accessible(page)  # progress, attempts, theme mastery, action form, audit trail
    page.get_by_role("link", name="Attempt 1").first.click()
    page.wait_for_url(re.compile(r"/instructor/trainees/\d+/attempts/\d+$"))
    assert "Right answer" in page.locator("main").inner_text()
    review = page.url
    assert_accessible(page)

    assert_accessible(page, "/instructor/statistics?module=mechanism")
    assert "too few attempts" not in page.locator("main").inner_text()  # 40 trainees give enough attempts
    assert_accessible(page, "/instructor/statistics?module=faq")
    assert_accessible(page, "/instructor/cohorts")  # as admin, with a form per cohort to add an instructor
    assert_accessible(page, "/instructor/exports")

    phone = new_page(viewport=PHONE)
    login_in_browser(phone, admin.email)
    instructor_pages = ["/instructor/", detail, review, "/instructor/statistics?module=mechanism"]
    assert_fits_a_phone(phone, [*instructor_pages, "/instructor/cohorts", "/instructor/exports"])


def test_an_instructor_follows_a_cohort_and_waives_a_wait(app, make_user, new_page):
    instructor = make_user("instructor", name="Ines Instructor")
    staff = new_page()
    login_in_browser(staff, instructor.email)
    staff.goto("/instructor/cohorts")
    assert "You do not follow any cohort yet" in staff.locator("main").inner_text()
    staff.get_by_label("Cohort name").fill("Evening clinic")
    staff.get_by_role("button", name="Create cohort").click()
    join_link = staff.locator("input[data-copy-source]").first.input_value().strip()
    assert_accessible(staff)

    # A newcomer follows the join link and registers with the code filled in.
    trainee = new_page()
    trainee.goto(join_link.removeprefix(re.match(r"https?://[^/]+", join_link)[0]))
    trainee.get_by_label("Email").fill("nell@example.org")
    trainee.get_by_label("Your name (shown on your certificate)").fill("Nell Newcomer")
    trainee.get_by_label("Password", exact=True).fill(PASSWORD)
    trainee.get_by_label("Repeat the password").fill(PASSWORD)
    assert trainee.get_by_label("Cohort join code (optional)").input_value() != ""
    trainee.get_by_role("button", name="Register").click()
    trainee.wait_for_url(re.compile(r"/dashboard$"))

    # She reads the first module and fails its quiz; the retake is not open yet.
    module = app.extensions["catalog"].modules[0]
    with app.app_context():
        nell_id = db.session.scalar(select(User.id).where(User.email == "nell@example.org"))
    read_pages(app, nell_id, [module])
    answer_and_submit(app, nell_id, start(app, nell_id, module), right=False)
    trainee.goto(f"/modules/{module.slug}/quiz")
    assert trainee.get_by_role("button", name="Retake the quiz").count() == 0

    # The instructor finds her in the cohort's matrix and waives the wait, giving a reason.
    staff.goto("/instructor/")
    staff.get_by_label("Cohort").select_option(label="Evening clinic")
    staff.get_by_label("Search name or email").fill("nell")
    staff.get_by_role("button", name="Apply").click()
    staff.wait_for_url(re.compile(r"q=nell"))
    row = staff.locator("table.matrix tbody tr")
    assert row.count() == 1 and "Evening clinic" in row.inner_text() and "lessons done" in row.inner_text()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Download this view as CSV").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(saved)))
    assert [(r["name"], r["cohorts"], r["pages_completed"]) for r in records] == [
        ("Nell Newcomer", "Evening clinic", str(len(module.pages)))
    ]

    row.get_by_role("link", name="Nell Newcomer").click()
    staff.get_by_label("Module").select_option(value=module.slug)
    staff.get_by_label("Action").select_option(value="waive-wait")
    staff.get_by_label("Reason (kept in the trainee's record)").fill("Phoned in: studied the retake plan")
    staff.get_by_role("button", name="Apply and record").click()
    trail = staff.get_by_role("table", name=re.compile("^Every recorded action about this trainee"))
    assert "Phoned in: studied the retake plan" in trail.inner_text()
    assert "Ines Instructor" in trail.inner_text() and "Waived the retake wait" in trail.inner_text()
    assert_accessible(staff)

    trainee.goto(f"/modules/{module.slug}/quiz")
    trainee.get_by_role("button", name="Retake the quiz").click()
    trainee.wait_for_url(re.compile(r"/attempts/\d+/questions/1$"))
