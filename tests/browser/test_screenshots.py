"""A screenshot of every page type at 1280 px (desktop) and 390 px (phone), for a reviewer to compare the look
before and after a change: test-results/screenshots/pages/<page>-<width>.png. The people and their progress
come from tests/support/tour.py (plus a new trainee, the admin console and the invitation page). Each page
is checked to answer as expected and to show its heading, so a screenshot is never of an error page by
mistake. docs/screenshots/ keeps committed sets (before/ and after/ issue 24's redesign)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.enrolment.models import Cohort
from course.extensions import db

from ..support.tour import Stop, build_tour
from .conftest import log_in

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots" / "pages"
WIDTHS = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
# The longest page kept in a screenshot: enough to see the layout, small enough to keep the files light.
MAX_HEIGHT = 2400


def file_name(stop_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stop_name.lower()).strip("-")


def stops_to_shoot(app, make_user, runner):
    tour = build_tour(app, make_user, runner)
    tour.users["newcomer"] = make_user(name="Nia Newcomer")
    with app.app_context():
        cohort_id = db.session.query(Cohort.id).order_by(Cohort.id).first()[0]
    stops = [stop for stop in tour.stops if stop.status == 200 and not stop.submit]
    stops += [
        Stop("dashboard, first visit", "/dashboard", "newcomer"),
        Stop("lesson page", tour.lessons[1], "ada"),
        Stop("admin console", "/admin/", "admin"),
        Stop("admin accounts", "/admin/?role=trainee", "admin"),  # last log-in, cohorts, progress (issue 24, A4)
        Stop("admin account", f"/admin/users/{tour.users['bea'].id}", "admin"),
        Stop("invitations", f"/instructor/cohorts/{cohort_id}/invitations", "admin"),
    ]
    return tour, stops


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_type_is_photographed(app, make_user, runner, browser, live_server, width):
    tour, stops = stops_to_shoot(app, make_user, runner)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    try:
        for stop in stops:
            if stop.who not in pages:
                context = browser.new_context(base_url=live_server, viewport=WIDTHS[width])
                context.set_default_timeout(10_000)
                pages[stop.who] = context.new_page() if stop.who is None else log_in(context, tour.users[stop.who])
            page = pages[stop.who]
            response = page.goto(stop.url)
            assert response.status == stop.status, f"{stop.url} answered {response.status}"
            assert page.locator("h1").count() == 1, stop.url
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            clip = {"x": 0, "y": 0, "width": WIDTHS[width]["width"], "height": height}
            page.screenshot(path=str(SHOTS / f"{file_name(stop.name)}-{width}.png"), clip=clip, full_page=True)
    finally:
        for page in pages.values():
            page.context.close()
    missing = [stop.name for stop in stops if not (SHOTS / f"{file_name(stop.name)}-{width}.png").exists()]
    assert not missing
