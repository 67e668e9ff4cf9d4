"""Issue 10, item 9: names shown to others carry no control characters or bidirectional overrides,
are trimmed and at most 80 characters (ASVS 5.0 2.2.1), on registration and on the account page."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.identity.models import User

from ..support.helpers import login, post, register, text

BAD_NAMES = [
    "Eve\u202egnp.exe",  # RIGHT-TO-LEFT OVERRIDE
    "Eve\u2066x\u2069",  # isolates
    "Eve\u200fMark",  # RIGHT-TO-LEFT MARK
    "Eve\u202aEmbed",
    "Line\nBreak",
    "Bell\x07",
    "Del\x7f",
    "C1\x85control",
    "x" * 81,
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_registration_refuses_control_and_bidi_characters(client, name):
    response = register(client, "someone@example.com", name=name)
    assert response.status_code == 400
    with client.application.app_context():
        assert db.session.query(User).count() == 0


def test_registration_trims_the_name(client):
    assert register(client, "trim@example.com", name="   Ana Lopez  ").status_code == 302
    with client.application.app_context():
        assert db.session.query(User).one().display_name == "Ana Lopez"
    assert register(client.application.test_client(), "long@example.com", name="x" * 80).status_code == 302


@pytest.mark.parametrize("name", BAD_NAMES[:3])
def test_the_account_page_changes_the_name_under_the_same_rules(app, make_user, name):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    assert post(client, "/account/profile", {"display_name": name}).status_code == 400
    response = post(client, "/account/profile", {"display_name": "  Grace Hopper "})
    assert response.status_code == 303
    assert "Grace Hopper" in text(client.get("/account"))
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Grace Hopper"


def test_cohort_names_follow_the_same_rules(app, make_user):
    client = app.test_client()
    login(client, make_user("instructor").email)
    assert post(client, "/instructor/cohorts", {"name": "Ward\u202e7"}).status_code == 400
    assert post(client, "/instructor/cohorts", {"name": "  Ward 7 "}).status_code == 303
