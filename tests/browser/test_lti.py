"""An LTI launch in Chromium, from an LMS page that frames the tool (the loopback platform of tests/lti)."""

from __future__ import annotations

import pytest

from ..support.lti import registered_lms
from .support import assert_accessible

pytestmark = pytest.mark.browser


@pytest.fixture
def cross_site_lms(tool_app, tool):
    """The LMS under the name localhost, the tool under 127.0.0.1: its frame is a third-party context."""
    with registered_lms(tool_app, tool, host="localhost") as emulator:
        yield emulator


def open_from_the_lms_page(browser, lms, link_name: str):
    """The LMS course page with the tool in its frame; click `link_name` in the frame; (page, new window)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{lms.url}/course-page")
    link = page.frame_locator("iframe").get_by_role("link", name=link_name)
    link.wait_for()
    assert_accessible(page.frames[1])  # the tool's page inside the frame (a Frame evaluates as a Page does)
    with context.expect_page() as opened:
        link.click()
    window = opened.value
    window.wait_for_load_state()
    return page, window


def test_a_framed_launch_shows_in_the_lms_and_opens_the_module_in_a_new_window(browser, tool_app, lms):
    slug = tool_app.extensions["catalog"].modules[0].slug
    lms.document_target, lms.custom = "iframe", {"module": slug}
    page, course = open_from_the_lms_page(browser, lms, "Open the course in a new window")
    assert page.frame_locator("iframe").get_by_text("Your course is ready").count() == 1
    assert course.url.endswith(f"/modules/{slug}")
    assert course.get_by_role("button", name="Log out").count() == 1
    assert_accessible(course)
    page.context.close()


def test_when_the_frame_loses_the_cookie_a_new_window_finishes_the_launch(browser, tool_app, cross_site_lms):
    """Chromium does not keep the tool's state cookie in the LMS's cross-site frame (over http it cannot be
    SameSite=None; Secure, as pylti1p3 makes it over https): the launch is refused there with a link that
    starts the login again in a new window, where it completes."""
    slug = tool_app.extensions["catalog"].modules[0].slug
    lms = cross_site_lms
    lms.document_target, lms.custom = "iframe", {"module": slug}
    page, window = open_from_the_lms_page(browser, lms, "Open the course in a new window")
    assert page.frame_locator("iframe").get_by_text("did not send back the cookie").count() == 1
    assert window.url.endswith(f"/modules/{slug}")  # a top-level launch goes straight in
    assert window.get_by_role("button", name="Log out").count() == 1
    page.context.close()
