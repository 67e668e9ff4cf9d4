"""In a real browser, a script inside an SVG figure never runs: not on the lesson page (an <img> runs no
script) and not when the figure's URL is opened directly (its Content-Security-Policy allows none)."""

from __future__ import annotations

import pytest

from course.content import figures

from ..content.test_figures import SCRIPT_SVG, figure_course
from .conftest import login_in_browser

pytestmark = pytest.mark.browser

RAN = "script ran"  # what SCRIPT_SVG's script would set document.title to


@pytest.fixture
def app(app_factory, tmp_path, monkeypatch):
    """The fixture course with a figure that carries a script, as if the content check had missed it."""
    lessons, quizzes = figure_course(tmp_path, '![A figure](figures/test.svg "Caption")', {"test.svg": SCRIPT_SVG})
    monkeypatch.setattr(figures, "svg_problems", lambda svg: [])
    return app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)


def test_the_script_would_run_if_the_svg_were_inlined(page):
    # The control: the same markup placed inline in a page does run, so the checks below can see a script run.
    page.set_content(f"<!doctype html><title>inline</title>{SCRIPT_SVG}")
    assert page.title() == RAN


def test_a_script_in_an_svg_figure_never_runs(page, make_user):
    user = make_user()
    login_in_browser(page, user.email)
    page.goto("/modules/alpha/pages/first")
    image = page.locator("figure img")
    assert image.get_attribute("alt") == "A figure"
    page.wait_for_function(
        "() => { const i = document.querySelector('figure img'); return i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator("svg").count() == 0
    assert page.title() != RAN and "First page" in page.title()

    page.goto(image.get_attribute("src"))
    assert page.evaluate("document.documentElement.localName") == "svg"  # the drawing itself is shown
    assert page.evaluate("document.title") != RAN
