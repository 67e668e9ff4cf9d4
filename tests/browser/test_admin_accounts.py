"""The admin's account list in a real browser (issue 24, A4): tick accounts, act on them with a reason, read
what was done and what was refused; axe-core at 1280 px and 390 px, and no sideways scrolling on a phone."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.enrolment import cohorts
from course.enrolment.models import CohortMember
from course.extensions import db
from course.identity.models import User

from .conftest import login_in_browser
from .support import PHONE, assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def people(app, make_user):
    admin = make_user("admin", name="Ada Admin")
    teacher = make_user("instructor", email="ivy@clinic.example", name="Ivy Instructor")
    nurses = [make_user(email=f"nurse{n}@clinic.example", name=f"Nurse {n}") for n in range(3)]
    with app.app_context():
        cohort = cohorts.create_cohort("Day shift", db.session.get(User, teacher.id))
        cohorts.join(nurses[2].id, cohort.join_code)
        cohort_id = cohort.id
    return admin, teacher, nurses, cohort_id


def members(app, cohort_id: int) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))


def test_a_bulk_action_at_1280_and_the_list_at_390(app, new_page, people):
    admin, teacher, nurses, cohort_id = people
    page = new_page(viewport=DESKTOP)
    login_in_browser(page, admin.email)
    page.wait_for_url(re.compile(r"/admin/$"))
    assert_accessible(page)
    table = page.get_by_role("table", name="Accounts, by email")
    assert "Day shift (instructor)" in table.inner_text() and "never" in table.inner_text()

    # Nothing ticked: the list again, with the reason why, and nothing done.
    page.get_by_label("Action", exact=True).select_option(label="Add to a cohort")
    page.get_by_label("Cohort (for “Add to a cohort”)").select_option(label="Day shift")
    page.locator("#bulk-reason").fill("Starting on the day team")
    page.get_by_role("button", name="Apply to the selected accounts").click()
    assert "Select at least one account" in page.locator(".error-summary").inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    for nurse in nurses:
        page.get_by_label(f"Select {nurse.email}").check()
    page.get_by_label(f"Select {teacher.email}").check()
    page.get_by_label("Action", exact=True).select_option(label="Add to a cohort")
    page.get_by_label("Cohort (for “Add to a cohort”)").select_option(label="Day shift")
    page.locator("#bulk-reason").fill("Starting on the day team")
    page.get_by_role("button", name="Apply to the selected accounts").click()
    page.wait_for_url(re.compile(r"/admin/bulk$"))
    main = page.locator("main").inner_text()
    assert "Done for 2 accounts, refused for 2." in main
    refused = page.get_by_role("table", name="Accounts left as they were").inner_text()
    assert "already in “Day shift”" in refused and "staff follow cohorts as instructors" in refused
    assert members(app, cohort_id) == {n.id for n in nurses}
    assert_accessible(page)

    page.get_by_role("link", name="Back to the accounts").click()
    page.get_by_role("link", name=re.compile(r"Select all \d+ on this page")).click()  # works without JavaScript
    assert page.locator('input[name="user"]:checked').count() == 5

    phone = new_page(viewport=PHONE_390)
    login_in_browser(phone, admin.email)
    assert_accessible(phone, "/admin/")
    assert_accessible(phone, "/admin/?select=all")
    phone_width = phone.evaluate("document.documentElement.scrollWidth")
    assert phone_width <= PHONE_390["width"] + 1, phone_width


def test_a_promoted_instructor_is_offered_a_cohort(app, new_page, people, make_user):
    admin, _teacher, nurses, _cohort_id = people
    page = new_page(viewport=DESKTOP)
    login_in_browser(page, admin.email)
    page.goto(f"/admin/users/{nurses[0].id}")
    page.get_by_label("New role").select_option("instructor")
    page.locator("#role-reason").fill("Leads the day team")
    page.get_by_role("button", name="Change the role").click()
    assert "Choose below the cohort they will follow." in page.locator("main").inner_text()
    page.get_by_label("Cohort", exact=True).select_option(label="Day shift")
    page.locator("#follow-reason").fill("Day team lead")
    page.get_by_role("button", name="Make them an instructor of this cohort").click()
    assert "is now an instructor of “Day shift”" in page.locator("main").inner_text()
    assert_accessible(page)
    phone = new_page(viewport=PHONE)
    login_in_browser(phone, admin.email)
    assert_fits_a_phone(phone, ["/admin/", "/admin/?select=all", f"/admin/users/{nurses[0].id}"])
