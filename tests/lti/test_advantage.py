"""LTI Advantage with the loopback platform: grades back (AGS) through the outbox, the roster in (NRPS),
and deep linking. The trainee takes quizzes through the app's pages; the platform checks every token."""

from __future__ import annotations

import re
from datetime import timedelta

import requests
from sqlalchemy import select

from course.enrolment.models import CohortMember
from course.extensions import db
from course.identity.models import User
from course.lti import cli as lti_cli
from course.lti.models import LtiContext, LtiScore

from ..support.helpers import post
from ..support.journey import answer_all, catalog, read_module, start_quiz, submit
from ..support.lti import form_of, launch
from .platform import INSTRUCTOR, LEARNER
from .platform import User as LmsUser


def signed_in_client(tool_app, lms, **claims):
    """Launch (framed, as most LMSs do) and follow the hand-off into a test client: that person, signed in."""
    lms.document_target = "iframe"
    for name, value in claims.items():
        setattr(lms, name, value)
    response = launch(requests.Session(), lms)
    assert response.status_code == 200, response.text
    client = tool_app.test_client()
    handoff = re.search(r'href="(/lti/continue/[^"]+)"', response.text)[1]
    assert client.get(handoff).status_code == 303
    return client


def pass_first_module(tool_app, client) -> str:
    module = catalog(tool_app).modules[0]
    read_module(client, module)
    attempt = start_quiz(client, module.slug)
    answer_all(client, tool_app, attempt, right=True)
    assert submit(client, attempt).status_code == 303
    return module.slug


def scores(tool_app) -> list[LtiScore]:
    with tool_app.app_context():
        return db.session.scalars(select(LtiScore).order_by(LtiScore.id)).all()


def test_a_module_score_and_the_course_completion_reach_the_line_items(tool_app, tool, lms):
    slug = catalog(tool_app).modules[0].slug
    signed_in_client(tool_app, lms, resource_link="home-link")  # a link to the course home
    client = signed_in_client(tool_app, lms, resource_link="module-link", custom={"module": slug})
    pass_first_module(tool_app, client)
    by_maximum = {s["scoreMaximum"]: s for s in lms.scores}
    modules = len(catalog(tool_app).modules)
    assert by_maximum[100]["scoreGiven"] == 100 and by_maximum[100]["comment"] == "Passed"
    assert by_maximum[modules]["scoreGiven"] == 1 and by_maximum[modules]["activityProgress"] == "InProgress"
    assert {s["userId"] for s in lms.scores} == {lms.user.sub}
    assert {s["gradingProgress"] for s in lms.scores} == {"FullyGraded"}
    assert {s.status for s in scores(tool_app)} == {"sent"}


def test_scores_wait_while_the_lms_is_down_and_go_when_it_is_back(tool_app, tool, lms, make_user, monkeypatch):
    client = signed_in_client(tool_app, lms, custom={"module": catalog(tool_app).modules[0].slug})
    lms.down = True
    pass_first_module(tool_app, client)
    (waiting,) = scores(tool_app)
    assert (waiting.status, waiting.tries) == ("pending", 1) and "503" in waiting.last_error and lms.scores == []

    admin = make_user("admin")
    staff = tool_app.test_client()
    assert post(staff, "/login", {"email": admin.email, "password": "correct horse battery staple"}).status_code == 302
    page = staff.get("/lti/manage").get_data(as_text=True)
    assert "pending" in page and "503" in page

    lms.down = False
    monkeypatch.setattr(lti_cli, "utcnow", lambda: waiting.next_try_at + timedelta(seconds=1))
    result = tool_app.test_cli_runner().invoke(args=["lti", "send-grades"])
    assert result.exit_code == 0 and "sent 1" in result.output, result.output
    assert [s["scoreGiven"] for s in lms.scores] == [100]
    assert "Every grade has reached the LMS" in staff.get("/lti/manage").get_data(as_text=True)


def test_an_instructor_sends_a_failed_score_again(tool_app, tool, lms, make_user):
    client = signed_in_client(tool_app, lms, custom={"module": catalog(tool_app).modules[0].slug})
    lms.down = True
    pass_first_module(tool_app, client)
    (waiting,) = scores(tool_app)
    with tool_app.app_context():
        row = db.session.get(LtiScore, waiting.id)
        row.status, row.tries = "failed", 12
        db.session.commit()
    lms.down = False
    admin = make_user("admin")
    staff = tool_app.test_client()
    post(staff, "/login", {"email": admin.email, "password": "correct horse battery staple"})
    assert "failed" in staff.get("/lti/manage").get_data(as_text=True)
    response = post(staff, f"/lti/manage/scores/{waiting.id}/resend", follow_redirects=True)
    assert "Sent 1" in response.get_data(as_text=True)
    assert len(lms.scores) == 1 and scores(tool_app)[0].status == "sent"


def test_an_instructor_brings_the_lms_roster_into_the_cohort(tool_app, tool, lms):
    lms.members = [
        LmsUser("m-1", "Mo Member", "mo@clinic.example", [LEARNER]),
        LmsUser("m-2", "Ines Nurse", "ines@clinic.example", [LEARNER]),
    ]
    staff = signed_in_client(tool_app, lms, user=LmsUser("t-1", "Tom Teacher", "tom@clinic.example", [INSTRUCTOR]))
    with tool_app.app_context():
        context = db.session.scalar(select(LtiContext))
    assert "Bring in its members" in staff.get("/lti/manage").get_data(as_text=True)
    response = post(staff, f"/lti/manage/contexts/{context.id}/roster", follow_redirects=True)
    assert "2 members of the LMS course are in the cohort" in response.get_data(as_text=True)
    with tool_app.app_context():
        emails = set(
            db.session.scalars(
                select(User.email)
                .join(CohortMember, CohortMember.user_id == User.id)
                .where(CohortMember.cohort_id == context.cohort_id)
            )
        )
    assert emails == {"mo@clinic.example", "ines@clinic.example"}


def test_deep_linking_lets_the_author_pick_a_module_and_the_link_then_opens_it(tool_app, tool, lms):
    module = catalog(tool_app).modules[1]
    lms.user = LmsUser("t-1", "Tom Teacher", "tom@clinic.example", [INSTRUCTOR])
    lms.deep_linking = True
    browser = requests.Session()
    picker = launch(browser, lms)
    assert picker.status_code == 200 and module.title in picker.text
    action = re.search(r'<form method="post" action="([^"]+)"', picker.text)[1]
    chosen = browser.post(tool + action, data={"module": module.slug}, timeout=20)
    assert chosen.status_code == 200
    back, fields = form_of(chosen.text)
    assert back == f"{lms.url}/deep-link-return"
    assert browser.post(back, data=fields, timeout=20).status_code == 200
    (items,) = lms.deep_links
    assert items[0]["custom"] == {"module": module.slug} and items[0]["url"] == f"{tool}/lti/launch"
    lms.deep_linking, lms.custom, lms.resource_link = False, items[0]["custom"], "picked-link"
    opened = launch(requests.Session(), lms)
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/modules/{module.slug}")


def test_a_learner_cannot_use_deep_linking(tool, lms):
    lms.deep_linking = True
    assert launch(requests.Session(), lms).status_code == 403
