"""A small populated course for access and instructor tests: two cohorts' worth of people."""

from __future__ import annotations

from types import SimpleNamespace

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User

from .helpers import login
from .journey import answer_all, catalog, pass_module, read_module, start_quiz, submit


def build_world(app, make_user) -> SimpleNamespace:
    """Instructor A follows cohort X with trainee T; instructor B follows nothing; U is in no cohort."""
    admin, a, b = make_user("admin"), make_user("instructor"), make_user("instructor")
    t, u = make_user(name="Tess Trainee"), make_user(name="Uma Outsider")
    with app.app_context():
        cohort = cohorts.create_cohort("Clinic X", db.session.get(User, a.id))
        cohorts.join(t.id, cohort.join_code)
        code, cohort_id = cohort.join_code, cohort.id
    client = app.test_client()
    login(client, t.email)
    first = catalog(app).modules[0]
    passed = pass_module(client, app, first)
    second = catalog(app).modules[1]
    read_module(client, second)
    failed = start_quiz(client, second.slug)
    answer_all(client, app, failed, right=False)
    submit(client, failed)
    return SimpleNamespace(
        admin=admin,
        a=a,
        b=b,
        t=t,
        u=u,
        cohort_id=cohort_id,
        code=code,
        passed=passed,
        failed=failed,
        first=first,
        second=second,
    )


def client_for(app, user):
    client = app.test_client()
    if user is not None:
        assert login(client, user.email).status_code == 302
    return client
