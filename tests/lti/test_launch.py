"""LTI 1.3 launches from a real platform on loopback (lti1p3platform), over HTTP, as a browser makes them."""

from __future__ import annotations

import json
import logging
import re

import pytest
import requests
from sqlalchemy import select

from course.enrolment.models import CohortInstructor, CohortMember
from course.extensions import db
from course.identity.models import User
from course.lti.models import LtiContext, LtiLink

from ..support.lti import form_of, launch
from .platform import INSTRUCTOR

LMS_ADVICE = "What to do"


def test_a_learner_launch_signs_in_maps_the_person_and_the_cohort(tool_app, tool, lms):
    browser = requests.Session()
    response = launch(browser, lms)
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    assert browser.get(f"{tool}/dashboard", allow_redirects=False).status_code == 200  # signed in
    with tool_app.app_context():
        user = db.session.scalar(select(User).where(User.email == lms.user.email))
        assert (user.display_name, user.role, user.email_verified_at is not None) == ("Lena Learner", "trainee", True)
        context = db.session.scalar(select(LtiContext))
        assert context.title == "Ward 7 induction" and context.memberships_url == f"{lms.url}/memberships"
        member = db.session.scalar(select(CohortMember).where(CohortMember.cohort_id == context.cohort_id))
        assert member.user_id == user.id
        assert db.session.scalar(select(LtiLink)).lineitem_url == f"{lms.url}/lineitems/1"
    again = launch(requests.Session(), lms)  # the same person from another browser: the same account
    assert again.status_code == 303
    with tool_app.app_context():
        assert db.session.query(User).filter(User.email == lms.user.email).count() == 1


def test_an_instructor_is_mapped_and_a_module_link_opens_the_module(tool_app, tool, lms):
    lms.user.roles = [INSTRUCTOR]
    lms.custom = {"module": "introduction"}
    response = launch(requests.Session(), lms)
    assert response.status_code == 303 and response.headers["Location"].endswith("/modules/introduction")
    with tool_app.app_context():
        user = db.session.scalar(select(User).where(User.email == lms.user.email))
        assert user.role == "instructor"
        assert db.session.scalar(select(CohortInstructor.user_id)) == user.id


def test_a_framed_launch_hands_off_to_a_new_window_once(tool, lms):
    lms.document_target = "iframe"
    browser = requests.Session()
    response = launch(browser, lms)
    assert response.status_code == 200
    assert "frame-ancestors " + lms.url in response.headers["Content-Security-Policy"]
    handoff = re.search(r'href="(/lti/continue/[^"]+)"', response.text)[1]
    assert 'target="_blank"' in response.text
    window = requests.Session()  # a new window: first-party cookies
    opened = window.get(tool + handoff, allow_redirects=False)
    assert opened.status_code == 303 and window.get(f"{tool}/dashboard", allow_redirects=False).status_code == 200
    assert requests.Session().get(tool + handoff, allow_redirects=False).status_code == 403  # once only


def test_the_tool_publishes_its_keys_and_two_during_a_rotation(tool_app, tool):
    first = requests.get(f"{tool}/lti/jwks", timeout=10).json()["keys"]
    assert len(first) == 1 and first[0]["alg"] == "RS256" and "d" not in first[0]
    assert tool_app.test_cli_runner().invoke(args=["lti", "rotate-key"]).exit_code == 0
    second = [k["kid"] for k in requests.get(f"{tool}/lti/jwks", timeout=10).json()["keys"]]
    assert len(second) == 2 and second[1] == first[0]["kid"]
    tool_app.test_cli_runner().invoke(args=["lti", "rotate-key"])
    third = [k["kid"] for k in requests.get(f"{tool}/lti/jwks", timeout=10).json()["keys"]]
    assert third[1] == second[0] and first[0]["kid"] not in third


# --- refusals: each a 4xx page with advice and an audit line, never a 500 -------------------------------------


def refused(response: requests.Response, status: int, caplog, reason: str) -> None:
    assert response.status_code == status, response.text
    assert LMS_ADVICE in response.text
    lines = [r for r in caplog.records if r.name == "course.lti" and getattr(r, "reason", None) == reason]
    assert lines, [getattr(r, "reason", None) for r in caplog.records if r.name == "course.lti"]


@pytest.mark.parametrize(
    ("knob", "value", "status", "reason"),
    [
        ("tamper", True, 403, "signature"),
        ("aud", "someone-else", 403, "unknown-platform"),  # pylti1p3 finds no registration for that client id
        ("iss", "https://rogue.example", 403, "unknown-platform"),
        ("expired", True, 403, "expired"),
        ("deployment_override", "deployment-9", 403, "unknown-deployment"),
    ],
)
def test_a_launch_that_fails_a_check_is_refused(lms, caplog, knob, value, status, reason):
    caplog.set_level(logging.INFO, logger="course.lti")
    setattr(lms, knob, value)
    refused(launch(requests.Session(), lms), status, caplog, reason)


def test_a_replayed_id_token_is_refused(lms, tool, caplog):
    caplog.set_level(logging.INFO, logger="course.lti")
    browser = requests.Session()
    assert launch(browser, lms).status_code == 303
    action, fields = form_of(f'<form action="{tool}/lti/launch">' + "".join(
        f'<input type="hidden" name="{k}" value="{v}">' for k, v in lms.id_tokens[-1].items()))  # fmt: skip
    refused(browser.post(action, data=fields, allow_redirects=False), 403, caplog, "replay")


def test_a_launch_without_the_state_cookie_offers_a_new_window(lms, tool, caplog):
    caplog.set_level(logging.INFO, logger="course.lti")
    browser = requests.Session()
    page = browser.get(f"{lms.url}/start", timeout=20)
    action, fields = form_of(page.text)
    browser.cookies.clear()  # what a browser blocking third-party cookies does inside the LMS frame
    response = browser.post(action, data=fields, allow_redirects=False)
    refused(response, 400, caplog, "state")
    assert "Open the course in a new window" in response.text and "/lti/login?iss=" in response.text


def test_a_login_from_an_unknown_platform_is_refused(tool, caplog):
    caplog.set_level(logging.INFO, logger="course.lti")
    response = requests.get(
        f"{tool}/lti/login",
        params={"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": f"{tool}/lti/launch"},
        allow_redirects=False, timeout=10,
    )  # fmt: skip
    refused(response, 403, caplog, "unknown-platform")


def test_garbage_posted_to_the_launch_is_a_4xx(tool):
    for data in ({}, {"id_token": "x", "state": "y"}, {"id_token": "a.b.c", "state": "state-1"}):
        assert requests.post(f"{tool}/lti/launch", data=data, timeout=10).status_code in (400, 403)


def test_registration_with_several_deployments_list_and_remove(tool_app):
    runner = tool_app.test_cli_runner()
    base = ["lti", "add-platform", "--issuer", "https://moodle.example.org", "--client-id", "abc",
            "--auth-login-url", "https://moodle.example.org/mod/lti/auth.php",
            "--auth-token-url", "https://moodle.example.org/mod/lti/token.php",
            "--key-set-url", "https://moodle.example.org/mod/lti/certs.php"]  # fmt: skip
    assert runner.invoke(args=[*base, "--deployment-id", "1", "--deployment-id", "2"]).exit_code == 0
    assert runner.invoke(args=[*base, "--deployment-id", "3"]).exit_code == 0
    listed = runner.invoke(args=["lti", "list"]).output
    assert "issuer=https://moodle.example.org  client_id=abc" in listed and "deployments: 1, 2, 3" in listed
    platform_id = listed.split("#")[1].split()[0]
    assert runner.invoke(args=["lti", "remove", platform_id, "--deployment-id", "2"]).exit_code == 0
    assert "deployments: 1, 3" in runner.invoke(args=["lti", "list"]).output
    assert runner.invoke(args=["lti", "remove", platform_id]).exit_code == 0
    assert "moodle.example.org" not in runner.invoke(args=["lti", "list"]).output
    http = runner.invoke(args=[*[a.replace("https://moodle", "http://moodle") for a in base], "--deployment-id", "1"])
    assert http.exit_code == 0  # tests allow http; production does not (LTI_ALLOW_HTTP)
    json.dumps(listed)


def test_the_claims_pylti1p3_leaves_to_us():
    """aud must hold our client id (and azp name it among several), iat/exp must be there and iat not ahead."""
    from datetime import datetime

    from course.lti.launch import LaunchRefused, check_claims

    now = datetime(2026, 12, 1, 12, 0)
    stamp = int((now - datetime(1970, 1, 1)).total_seconds())
    good = {"aud": ["course-tool", "other"], "azp": "course-tool", "iat": stamp, "exp": stamp + 300}
    check_claims(good, "course-tool", now)
    check_claims({**good, "aud": "course-tool", "azp": None}, "course-tool", now)
    for bad, reason in [
        ({**good, "azp": "other"}, "audience"),
        ({**good, "aud": ["other"]}, "audience"),
        ({**good, "iat": stamp + 3600}, "iat"),
        ({k: v for k, v in good.items() if k != "iat"}, "refused"),
    ]:
        with pytest.raises(LaunchRefused) as refused_:
            check_claims(bad, "course-tool", now)
        assert refused_.value.reason == reason and 400 <= refused_.value.status < 500


def test_an_erased_account_leaves_the_lms_and_a_new_launch_makes_a_new_account(tool_app, tool, lms, make_user):
    from course.lti.models import LtiIdentity
    from course.privacy import data_rights

    assert launch(requests.Session(), lms).status_code == 303
    with tool_app.app_context():
        first = db.session.scalar(select(User).where(User.email == lms.user.email))
        data_rights.erase(first, make_user("admin").id, "Asked by the trainee")
        assert db.session.scalar(select(LtiIdentity).where(LtiIdentity.user_id == first.id)) is None
        first_id = first.id
    assert launch(requests.Session(), lms).status_code == 303  # not refused as "deactivated"
    with tool_app.app_context():
        again = db.session.scalar(select(User).where(User.email == lms.user.email))
        assert again.id != first_id and again.active
