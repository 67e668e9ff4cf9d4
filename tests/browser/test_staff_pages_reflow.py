"""Accessibility audit 2026-12 F3, F4 and F9 in the browser, on their own so each cause is named: the
invitations page no longer scrolls sideways at 320 px or 400% (the file input kept 347 px), table captions
are not cut by their scroll box, and the reminders checkbox sits beside its label."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.enrolment import invitations
from course.enrolment.models import Cohort
from course.extensions import db
from course.identity.models import User

from .support import assert_accessible
from .test_wcag22 import NARROW, ZOOM_400, log_in, overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(app, make_user, runner, browser, live_server):
    assert runner.invoke(args=["demo", "seed", "--trainees", "4", "--cohorts", "1", "--seed", "3"]).exit_code == 0
    admin = make_user("admin", name="Ann Admin")
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.id))
        row = invitations.RosterRow(1, "new.nurse@clinic.example", "Nia New")
        invitations.invite(db.session.get(User, admin.id), cohort, (row,), days=14)
        cohort_id = cohort.id
    context = browser.new_context(base_url=live_server, viewport=NARROW)
    page = log_in(context, admin)
    yield page, cohort_id
    context.close()


def test_staff_pages_fit_at_320_px_and_400_percent_with_whole_captions(admin_page):
    page, cohort_id = admin_page
    found = {}
    for url in (f"/instructor/cohorts/{cohort_id}/invitations", "/instructor/", "/instructor/cohorts", "/admin/"):
        assert page.goto(url).status == 200, url
        for viewport in (NARROW, ZOOM_400):
            page.set_viewport_size(viewport)
            for spacing in (False, True):
                if problems := overflow(page, spacing):
                    found[f"{url} at {viewport['width']}x{viewport['height']} spacing={spacing}"] = problems
    assert not found, found


def test_the_reminders_checkbox_sits_beside_its_label(admin_page):
    page, _ = admin_page
    for viewport in (NARROW, {"width": 1280, "height": 900}):
        page.set_viewport_size(viewport)
        page.goto("/account")
        box = page.get_by_role("checkbox", name="Email me reminders").bounding_box()
        label = page.locator("label[for=wants_reminders]").bounding_box()
        assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < label["height"], (box, label)
        assert 0 <= label["x"] - (box["x"] + box["width"]) < 24, (box, label)  # just left of the label


# How far the focused element's ring (3-px outline, 2-px offset, 2-px inner ring) reaches past its box, and
# whether the scroll box it sits in shows all of it.
_RING_INSIDE_ITS_BOX = """() => {
  const el = document.activeElement;
  const box = el.closest(".table-scroll, .card").getBoundingClientRect();
  const own = el.getBoundingClientRect();
  const reach = 5;
  return {left: own.left - reach >= box.left - 0.5, right: own.right + reach <= box.right + 0.5};
}"""


def test_a_focus_ring_inside_a_scrolling_table_is_not_cut(admin_page):
    """Accessibility audit 2026-12 F14: the admin's "Instructor's email" field, focused at 320 px, sat flush
    with the right edge of the table's scroll box, which cut the right side of its focus ring. The cohorts
    are cards now (issue 24); the ring must still lie inside the field's box."""
    page, _ = admin_page
    page.set_viewport_size(NARROW)
    page.goto("/instructor/cohorts")
    field = page.get_by_role("textbox", name=re.compile("Add an instructor by email")).first
    field.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached by keyboard, as the audit did: the box scrolls it into view
    assert page.evaluate(_RING_INSIDE_ITS_BOX) == {"left": True, "right": True}


def test_send_again_and_revoke_are_two_buttons_apart_that_name_the_invitation(admin_page):
    """Walkthrough I10: "Send again" and "Revoke" ran together as two links. Each is a button now (secondary,
    danger), in its own form, named for its invitation, with a gap between them at 1280 and 390 px."""
    page, cohort_id = admin_page
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"/instructor/cohorts/{cohort_id}/invitations")
        resend = page.get_by_role("button", name="Send again to new.nurse@clinic.example", exact=True)
        revoke = page.get_by_role("button", name="Revoke the invitation to new.nurse@clinic.example", exact=True)
        assert "secondary" in resend.get_attribute("class") and "danger" in revoke.get_attribute("class")
        # each in its own form, which holds no other button
        for button, action in ((resend, "/resend"), (revoke, "/revoke")):
            assert button.evaluate("b => b.form.action").endswith(action)
            assert button.evaluate("b => b.form.querySelectorAll('button').length") == 1
        a, b = resend.bounding_box(), revoke.bounding_box()
        apart_x = b["x"] - (a["x"] + a["width"]) >= 8 or a["x"] - (b["x"] + b["width"]) >= 8
        apart_y = b["y"] - (a["y"] + a["height"]) >= 8 or a["y"] - (b["y"] + b["height"]) >= 8
        assert apart_x or apart_y, (width, a, b)  # neither overlapping nor touching
        assert min(a["height"], b["height"]) >= 24  # WCAG 2.5.8's target size
