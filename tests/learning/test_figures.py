"""Lesson figures over HTTP: how a page shows them, how /figures/<name> serves them, and why a script inside
an SVG never runs."""

from __future__ import annotations

import re

import pytest

from course.content import check_content, figures

from ..content.test_figures import SCRIPT_SVG, figure_course
from ..support.helpers import login, text

FIGURE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
YEAR = 365 * 24 * 3600


def figure_urls(html: str) -> list[str]:
    return re.findall(r'<img src="(/figures/[^"]+)"', html)


def test_a_lesson_page_shows_its_figure_with_alt_caption_and_description(trainee_client):
    html = text(trainee_client.get("/modules/mechanism/pages/nmda-receptor"))
    figure = html[html.index("<figure>") : html.index("</figure>")]
    assert re.search(r'<img src="/figures/03-synapse\.svg\?v=\w+" alt="A glutamate synapse[^"]+" width="360"', figure)
    assert "<figcaption>Established: ketamine blocks the open NMDA channel." in figure
    assert "<details><summary>Text description</summary>" in figure
    assert "<svg" not in html  # figures are only ever images, never inlined markup


def test_the_figure_url_answers_with_the_svg_type_a_long_cache_and_a_script_free_policy(client):
    response = client.get("/figures/03-synapse.svg?v=anything")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml" and response.data.startswith(b"<svg")
    assert response.headers["Content-Security-Policy"] == FIGURE_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    again = client.get("/figures/03-synapse.svg", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_figure_on_every_page_is_served(trainee_client, app):
    seen = set()
    for module in app.extensions["catalog"].modules:
        for page in module.pages:
            seen.update(figure_urls(text(trainee_client.get(f"/modules/{module.slug}/pages/{page.anchor}"))))
    assert len(seen) >= 10
    for url in sorted(seen):
        assert trainee_client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/figures/../lessons/03-mechanism.md",
        "/figures/..%2F03-mechanism.md",
        "/figures/%2e%2e%2f%2e%2e%2fcourse%2fconfig.py",
        "/figures/..%2f..%2fpyproject.toml",
        "/figures/%2Fetc%2Fpasswd",
        "/figures/README.md",
        "/figures/no-such-figure.svg",
        "/figures/",
    ],
)
def test_a_path_outside_the_checked_figures_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"[tool.ruff]" not in response.data and b"root:" not in response.data


@pytest.fixture
def script_svg_app(app_factory, tmp_path, monkeypatch):
    """An app whose lesson refers to an SVG with a script, as if the content check had missed it."""
    lessons, quizzes = figure_course(tmp_path, '![A figure](figures/test.svg "Caption")', {"test.svg": SCRIPT_SVG})
    assert any("<script> element" in p.message for p in check_content(lessons, quizzes).errors)
    monkeypatch.setattr(figures, "svg_problems", lambda svg: [])
    return app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)


def test_a_script_inside_an_svg_never_runs(script_svg_app, make_user):
    # First lock: the content check rejects it (asserted in the fixture). Second lock, should it ever get
    # through: the page only references it from <img>, and the file itself is served with a policy that
    # allows no script at all (default-src 'none', no script-src) and a sandbox.
    client = script_svg_app.test_client()
    user = make_user()  # same database as the app under test
    assert login(client, user.email).status_code == 302
    html = text(client.get("/modules/alpha/pages/first"))
    assert figure_urls(html) and "<svg" not in html and "<script>document.title" not in html
    response = client.get(figure_urls(html)[0])
    assert response.status_code == 200 and b"<script>" in response.data
    policy = response.headers["Content-Security-Policy"]
    assert policy == FIGURE_CSP and "script-src" not in policy and "unsafe-eval" not in policy
