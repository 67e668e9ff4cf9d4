"""Content that says how current it is, through HTTP (issue 22): the public sources page, the course version
on attempts and certificates, the "what changed since you passed" notice, and the matrix filter.

The course file of a copy of the real course is rewritten to add a newer release, as an author would
after a change; the apps built before and after share one database, like a deployment before and after.
"""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import select

from course.extensions import db
from course.learning.models import Certificate

from ..support.content import copy_of_the_course
from ..support.helpers import login, text
from ..support.journey import attempt_row, catalog, pass_module

NEWER = """\
version: "2099.01"
changes:
  - version: "2099.01"
    date: 2099-01-15
    changes:
      - text: "Module 8: the UK position on ketamine's class, January 2026"
        modules: [legal-status]
        material: true
        lesson: legal-status#united-kingdom
      - text: "Module 7: clearer wording on monitoring"
        modules: [risks]
        material: false
"""


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def with_a_newer_release(root) -> None:
    """Put a release on top of the copied course file's change log, keeping every older release."""
    course_file = root / "course.yaml"
    older = course_file.read_text().split("changes:\n", 1)[1]
    course_file.write_text(NEWER + older)


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


def test_a_trainee_who_passed_before_a_change_is_told_what_changed_and_where_to_reread_it(
    app_factory, make_user, tmp_path
):
    lessons, quizzes = copy_of_the_course(tmp_path / "content")
    before = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    early, risks_only = make_user(name="Early Passer"), make_user(name="Risks Passer")
    legal = catalog(before).module("legal-status")
    pass_module(logged_in(before, early), before, legal)
    pass_module(logged_in(before, risks_only), before, catalog(before).module("risks"))
    assert "What changed since you passed" not in text(logged_in(before, early).get("/dashboard"))

    with_a_newer_release(tmp_path / "content")
    after = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    assert catalog(after).course.version == "2099.01"
    client = logged_in(after, early)
    dashboard = text(client.get("/dashboard"))
    assert "What changed since you passed" in dashboard
    assert "Module 8: the UK position on ketamine&#39;s class, January 2026" in dashboard
    assert "this changes what a pass covers" in dashboard
    assert "clearer wording on monitoring" not in dashboard  # a module this trainee has not passed
    assert 'href="/modules/legal-status/pages/united-kingdom"' in dashboard
    assert client.get("/modules/legal-status/pages/united-kingdom").status_code == 200

    risks_dashboard = text(logged_in(after, risks_only).get("/dashboard"))
    assert "clearer wording on monitoring" in risks_dashboard and "UK position" not in risks_dashboard
    assert "this changes what a pass covers" not in risks_dashboard

    # Passing the module again under the new version clears its notice.
    pass_module(client, after, catalog(after).module("legal-status"))
    assert "What changed since you passed" not in text(client.get("/dashboard"))


def test_the_matrix_can_show_only_trainees_who_passed_before_a_material_change(app_factory, make_user, tmp_path):
    lessons, quizzes = copy_of_the_course(tmp_path / "content")
    before = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    admin = make_user("admin")
    early, late, minor, _never = (
        make_user(name=name) for name in ("Early Passer", "Late Passer", "Minor Passer", "Never Passer")
    )
    pass_module(logged_in(before, early), before, catalog(before).module("legal-status"))
    pass_module(logged_in(before, minor), before, catalog(before).module("risks"))  # its change is not material
    with_a_newer_release(tmp_path / "content")
    after = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    pass_module(logged_in(after, late), after, catalog(after).module("legal-status"))

    staff = logged_in(after, admin)
    everyone = text(staff.get("/instructor/"))
    assert all(name in everyone for name in ("Early Passer", "Late Passer", "Minor Passer", "Never Passer"))
    assert 'value="passed-before-change"' in everyone
    filtered = staff.get("/instructor/?signal=passed-before-change")
    assert filtered.status_code == 200
    page = text(filtered)
    assert "Early Passer" in page
    assert "Late Passer" not in page and "Minor Passer" not in page and "Never Passer" not in page
    assert 'value="passed-before-change" selected' in page
    csv = text(staff.get("/instructor/matrix.csv?signal=passed-before-change"))
    assert "Early Passer" in csv and "Late Passer" not in csv
