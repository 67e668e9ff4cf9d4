"""Every route of the app x every role, against a table of expected statuses.

The table must name every route: a new route fails `test_every_route_is_in_the_table` until its
expected statuses are written down here.
"""

from __future__ import annotations

import pytest

from .support.helpers import post
from .support.world import build_world, client_for

ROLES = ("anonymous", "trainee", "other_trainee", "instructor", "other_instructor", "admin")
LOGIN = 302  # anonymous visitors are sent to the log-in page


def same(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES[1:]}}


def staff(status: int, other_instructor: int | None = None, trainee: int = 403) -> dict[str, int]:
    return {
        "anonymous": LOGIN,
        "trainee": trainee,
        "other_trainee": trainee,
        "instructor": status,
        "other_instructor": status if other_instructor is None else other_instructor,
        "admin": status,
    }


def owner(status: int, others: int = 404) -> dict[str, int]:
    return {"anonymous": LOGIN, "trainee": status, **{role: others for role in ROLES[2:]}}


# (endpoint, method, url, form, expected status per role); {names} are filled from the world
TABLE = [
    ("learning.home", "GET", "/", None, same(200, 200)),
    ("learning.module", "GET", "/modules/{first}", None, same(200, 200)),
    ("learning.page", "GET", "/modules/{first}/pages/{first_page}", None, same(200)),
    ("learning.complete", "POST", "/modules/{first}/pages/{first_page}/complete", {}, same(303)),
    ("learning.dashboard", "GET", "/dashboard", None, same(200)),
    ("learning.certificate", "GET", "/certificate", None, same(403)),
    ("learning.certificate_download", "GET", "/certificate.pdf", None, same(403)),
    ("learning.verify_form", "GET", "/verify", None, same(200, 200)),
    ("learning.verify", "GET", "/verify/NOPE-NOPE-NOPE", None, same(404, 404)),
    ("learning.sources", "GET", "/sources", None, same(200, 200)),
    ("learning.figure", "GET", "/figures/01-timeline.svg", None, same(200, 200)),
    ("quizzes.quiz", "GET", "/modules/{second}/quiz", None, same(200)),
    ("quizzes.start", "POST", "/modules/{third}/quiz/start", {}, same(403)),
    ("quizzes.question", "GET", "/attempts/{failed}/questions/1", None, owner(303)),
    ("quizzes.answer", "POST", "/attempts/{failed}/questions/1", {"go": "next"}, owner(409)),
    ("quizzes.confirm", "GET", "/attempts/{failed}/confirm", None, owner(303)),
    ("quizzes.submit", "POST", "/attempts/{failed}/submit", {}, owner(303)),
    ("quizzes.result", "GET", "/attempts/{failed}", None, owner(200)),
    ("refreshers.start", "POST", "/refresher", {}, same(409)),  # a module passed a moment ago: nothing due yet
    ("refreshers.question", "GET", "/refreshers/999/1", None, same(404)),
    ("refreshers.answer", "POST", "/refreshers/999/1", {}, same(404)),
    ("learning.passed", "GET", "/attempts/{passed}/passed", None, owner(200)),
    ("accounts.register", "GET", "/register", None, {**same(302, 200)}),
    ("accounts.register", "POST", "/register", {}, {**same(302, 400)}),
    ("accounts.login", "GET", "/login", None, same(302, 200)),
    ("accounts.login", "POST", "/login", {}, same(302, 400)),
    ("accounts.account", "GET", "/account", None, same(200)),
    ("accounts.join_cohort", "POST", "/account/join", {}, same(400)),
    ("accounts.join", "GET", "/join/{code}", None, same(302, 302)),
    ("accounts.leave_cohort", "POST", "/account/cohorts/999/leave", {}, same(404)),
    ("accounts.change_password", "GET", "/account/password", None, same(200)),
    ("accounts.change_password", "POST", "/account/password", {}, same(400)),
    ("accounts.end_other_sessions", "POST", "/account/sessions/end-others", {}, same(303)),
    ("accounts.unsent", "GET", "/account/unsent", None, same(302)),  # nothing kept: to the dashboard
    ("accounts.stay_logged_in", "POST", "/account/session/stay", {}, same(200)),
    ("accounts.verify_email", "GET", "/account/verify-email/forged", None, same(400, 400)),
    ("accounts.resend_verification", "POST", "/account/verify-email/resend", {}, same(303)),
    ("accounts.forgot_password", "GET", "/forgot-password", None, same(200, 200)),
    ("accounts.forgot_password", "POST", "/forgot-password", {}, same(400, 400)),
    ("accounts.reset_password", "GET", "/reset-password/forged", None, same(400, 400)),
    ("accounts.update_profile", "POST", "/account/profile", {}, same(400)),
    ("accounts.unsubscribe", "GET", "/unsubscribe/forged", None, same(200, 200)),
    ("admin.users", "GET", "/admin/", None, {**staff(403), "admin": 200}),
    ("admin.user", "GET", "/admin/users/{t}", None, {**staff(403), "admin": 200}),
    ("admin.change_role", "POST", "/admin/users/{t}/role", {}, {**staff(403), "admin": 400}),
    ("admin.set_active", "POST", "/admin/users/{t}/active", {}, {**staff(403), "admin": 400}),
    ("admin.send_reset", "POST", "/admin/users/{t}/reset", {}, {**staff(403), "admin": 400}),
    ("admin.correct_details", "POST", "/admin/users/{t}/details", {}, {**staff(403), "admin": 400}),
    ("admin.confirm_email", "POST", "/admin/users/{t}/email-confirmed", {}, {**staff(403), "admin": 400}),
    ("admin.send_confirmation", "POST", "/admin/users/{t}/confirmation", {}, {**staff(403), "admin": 303}),
    ("admin.bulk_action", "POST", "/admin/bulk", {}, {**staff(403), "admin": 400}),
    ("admin.follow_cohort", "POST", "/admin/users/{t}/follow", {}, {**staff(403), "admin": 400}),
    ("invitations.index", "GET", "/instructor/cohorts/{cohort}/invitations", None, staff(200, other_instructor=404)),
    ("invitations.preview", "POST", "/instructor/cohorts/{cohort}/invitations/preview", {}, staff(400, 404)),
    ("invitations.confirm", "POST", "/instructor/cohorts/{cohort}/invitations/confirm", {}, staff(400, 404)),
    ("invitations.resend", "POST", "/instructor/cohorts/{cohort}/invitations/999/resend", {}, staff(404)),
    ("invitations.revoke", "POST", "/instructor/cohorts/{cohort}/invitations/999/revoke", {}, staff(404)),
    ("accounts.accept_invitation", "GET", "/invitations/forged", None, same(400, 400)),
    ("accounts.export_data", "GET", "/account/data.json", None, same(200)),
    ("accounts.delete_account", "GET", "/account/delete", None, same(200)),
    ("accounts.delete_account", "POST", "/account/delete", {}, same(400)),
    ("admin.export_data", "GET", "/admin/users/{t}/data.json", None, {**staff(403), "admin": 200}),
    ("admin.erase", "GET", "/admin/users/{t}/erase", None, {**staff(403), "admin": 200}),
    ("admin.erase", "POST", "/admin/users/{t}/erase", {}, {**staff(403), "admin": 400}),
    ("instructor.matrix_view", "GET", "/instructor/", None, staff(200)),
    ("instructor.matrix_csv", "GET", "/instructor/matrix.csv", None, staff(200)),
    ("instructor.trainee", "GET", "/instructor/trainees/{t}", None, staff(200, other_instructor=404)),
    ("instructor.trainee_attempt", "GET", "/instructor/trainees/{t}/attempts/{failed}", None, staff(200, 404)),
    ("instructor.trainee_action", "POST", "/instructor/trainees/{t}/actions", {}, staff(400, other_instructor=404)),
    ("instructor.cohort_list", "GET", "/instructor/cohorts", None, staff(200)),
    ("instructor.cohort_list", "POST", "/instructor/cohorts", {}, staff(400)),
    (
        "instructor.assign_instructor",
        "POST",
        "/instructor/cohorts/{cohort}/instructors",
        {},
        {**staff(403), "admin": 400},
    ),
    ("instructor.set_due_date", "POST", "/instructor/cohorts/{cohort}/due-date", {}, staff(303, other_instructor=404)),
    ("instructor.compliance_view", "GET", "/instructor/compliance", None, staff(200)),
    ("instructor.compliance_csv", "GET", "/instructor/compliance.csv", None, staff(200)),
    ("instructor.retention_view", "GET", "/instructor/retention", None, staff(200)),
    ("instructor.exports_page", "GET", "/instructor/exports", None, staff(200)),
    ("instructor.statistics", "GET", "/instructor/statistics", None, staff(200)),
    ("instructor.rename_cohort", "POST", "/instructor/cohorts/{cohort}/name", {"name": "Clinic X"}, staff(303, 404)),
    ("instructor.archive_cohort", "POST", "/instructor/cohorts/{cohort}/archive", {"archive": "no"}, staff(303, 404)),
    ("instructor.question_statistics", "GET", "/instructor/statistics/{first}/questions/{question}", None, staff(200)),
    ("instructor.answers_csv", "GET", "/instructor/exports/answers.csv", None, staff(200)),
    ("instructor.xapi_jsonl", "GET", "/instructor/exports/xapi.jsonl", None, staff(200)),
    # LTI: the platform-facing endpoints answer anyone (a refusal is a 4xx page); the rest is staff's
    ("lti.login", "GET", "/lti/login", None, same(400, 400)),
    ("lti.login", "POST", "/lti/login", {}, same(400, 400)),
    ("lti.launch_view", "POST", "/lti/launch", {}, same(400, 400)),
    ("lti.handoff", "GET", "/lti/continue/forged", None, same(403, 403)),
    ("lti.jwks", "GET", "/lti/jwks", None, same(200, 200)),
    ("lti.deep_link", "POST", "/lti/deep-link/forged", {}, same(400, 400)),
    ("lti.manage", "GET", "/lti/manage", None, staff(200)),
    ("lti.resend", "POST", "/lti/manage/scores/999/resend", {}, staff(303)),
    ("lti.pull_roster", "POST", "/lti/manage/contexts/999/roster", {}, staff(303)),
    ("lti_admin.index", "GET", "/admin/lti/", None, {**staff(403), "admin": 200}),
    ("lti_admin.add", "POST", "/admin/lti/", {}, {**staff(403), "admin": 400}),
    ("lti_admin.remove", "POST", "/admin/lti/999/remove", {}, {**staff(403), "admin": 303}),
    ("accessibility", "GET", "/accessibility", None, same(200, 200)),
    ("health.healthz", "GET", "/healthz", None, same(200, 200)),
    ("health.readyz", "GET", "/readyz", None, same(200, 200)),
    ("metrics.metrics", "GET", "/metrics", None, same(404, 404)),  # 404 without METRICS_TOKEN and its bearer
    ("static", "GET", "/static/style.css", None, same(200, 200)),
    ("accounts.logout", "POST", "/logout", {}, same(302, 302)),  # last: it ends the session
]


@pytest.fixture
def world(app, make_user):
    return build_world(app, make_user)


def test_every_route_is_in_the_table(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routes == {row[0] for row in TABLE}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_everywhere(app, world, role):
    user = {
        "anonymous": None,
        "trainee": world.t,
        "other_trainee": world.u,
        "instructor": world.a,
        "other_instructor": world.b,
        "admin": world.admin,
    }[role]
    names = {
        "first": world.first.slug,
        "first_page": world.first.pages[0].anchor,
        "second": world.second.slug,
        "third": app.extensions["catalog"].modules[2].slug,
        "failed": world.failed,
        "passed": world.passed,
        "question": world.first.quiz.questions[0].id,
        "t": world.t.id,
        "code": world.code,
        "cohort": world.cohort_id,
    }
    failures = []
    client = client_for(app, user)
    for endpoint, method, url, form, expected in TABLE:
        target = url.format(**names)
        response = client.get(target) if method == "GET" else post(client, target, form)
        response.get_data()  # read a streamed body to its end, then let go of the response
        response.close()
        if response.status_code != expected[role]:
            failures.append(f"{method} {target} ({endpoint}): {response.status_code}, expected {expected[role]}")
        redirected_to_login = response.status_code == LOGIN and "/login" in response.headers.get("Location", "")
        if role == "anonymous" and expected[role] == LOGIN and endpoint not in ("accounts.join", "accounts.logout"):
            assert redirected_to_login, target
    assert not failures, "\n".join(failures)
