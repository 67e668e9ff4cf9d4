"""Content that says how current it is, through HTTP (issue 22): the public sources page, and the course
version on attempts and certificates."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from course.extensions import db
from course.learning.models import Certificate

from ..support.helpers import login, text
from ..support.journey import attempt_row, catalog, pass_module


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def test_the_sources_page_lists_every_module_with_its_review_date_and_sources(app):
    visitor = app.test_client()
    assert 'href="/sources"' in text(visitor.get("/"))  # linked from every page's footer
    response = visitor.get("/sources")
    assert response.status_code == 200
    page = text(response)
    course = catalog(app).course
    assert f"Course version <strong>{course.version}</strong>" in page
    for module in catalog(app).modules:
        assert f"{module.number}. {escape(module.title)}</a></h2>" in page
        assert f'<time datetime="{module.reviewed.isoformat()}">' in page
        for source in module.sources:
            assert f'href="{escape(source.url)}"' in page
    for release in course.releases:
        assert f"Version {release.version}," in page
        for change in release.changes:
            assert str(escape(change.text)) in page


def test_attempts_and_the_certificate_carry_the_course_version(app, make_user):
    user = make_user()
    client = logged_in(app, user)
    version = catalog(app).course.version
    attempts = [pass_module(client, app, module) for module in catalog(app).modules]
    assert {attempt_row(app, attempt_id).course_version for attempt_id in attempts} == {version}
    page = text(client.get("/certificate"))
    assert f"(version {version})" in page
    with app.app_context():
        issued = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))
        assert issued.course_version == version
