"""Review 2026-12 M1, L2 and L3 (ASVS 5.0 8.2.2, 6.3.8, 2.2.1, 2.3.4): an invitation is an offer. An
existing account joins only when its holder accepts while signed in as it (or uses the join code); the
preview reads the same for every email; staff accounts never become members; a trainee can leave a
cohort; one link accepted many times at once makes one account, signed in for one request only; and
names from invitations follow the names rule."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course.enrolment import cohorts
from course.enrolment.models import CohortMember, Invitation
from course.extensions import db
from course.identity.models import User

from ..support.helpers import PASSWORD, csrf_token, login, post, text
from ..support.mailbox import links, path_of
from ..support.race import cookie_header, fire_together


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def ward(app, make_user):
    """Instructor Ina follows "Ward 5"; Ola is a trainee with an account, in no cohort of Ina's."""
    ina = make_user("instructor", name="Ina Instructor")
    ola = make_user(email="ola@clinic.example", name="Ola Existing")
    with app.app_context():
        cohort_id = cohorts.create_cohort("Ward 5", db.session.get(User, ina.id)).id
    staff = app.test_client()
    login(staff, ina.email)
    return staff, cohort_id, ola


def preview(staff, cohort_id: int, emails: str):
    return post(staff, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": emails})


def invite(staff, cohort_id: int, emails: str) -> None:
    page = text(preview(staff, cohort_id, emails))
    roster = re.search(r'name="roster" type="hidden" value="([^"]+)"', page)[1]
    assert post(staff, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster}).status_code == 303


def link_for(mailbox, email: str) -> str:
    return path_of(next(u for u in links(mailbox.last(email)) if "/invitations/" in u))


def is_member(app, user_id: int, cohort_id: int) -> bool:
    with app.app_context():
        return bool(
            db.session.scalar(
                select(CohortMember.id).where(CohortMember.user_id == user_id, CohortMember.cohort_id == cohort_id)
            )
        )


def test_an_existing_account_joins_only_when_its_holder_accepts_signed_in(app, ward, mailbox, make_user):
    staff, cohort_id, ola = ward
    invite(staff, cohort_id, "ola@clinic.example")
    assert not is_member(app, ola.id, cohort_id)
    assert staff.get(f"/instructor/trainees/{ola.id}").status_code == 404  # nothing to read yet
    url = link_for(mailbox, "ola@clinic.example")

    anonymous = app.test_client()
    page = anonymous.get(url)
    assert page.status_code == 200 and "Log in" in text(page) and not is_member(app, ola.id, cohort_id)
    assert post(anonymous, url).status_code in (302, 401, 403) and not is_member(app, ola.id, cohort_id)

    someone_else = app.test_client()
    login(someone_else, make_user().email)
    refused = post(someone_else, url)
    assert refused.status_code == 403 and "ola@clinic.example" in text(refused)
    assert not is_member(app, ola.id, cohort_id)

    assert re.search(r'href="/login\?next=[^"]+"', text(page))  # back here after logging in
    holder = app.test_client()
    back = post(holder, f"/login?next={url}", {"email": ola.email, "password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == url
    offer = holder.get(url)
    assert offer.status_code == 200 and "Ward 5" in text(offer) and "Join" in text(offer)
    assert not is_member(app, ola.id, cohort_id)  # opening the link is not accepting it
    assert post(holder, url).status_code == 303
    assert is_member(app, ola.id, cohort_id)
    assert staff.get(f"/instructor/trainees/{ola.id}").status_code == 200
    assert post(holder, url).status_code == 400  # used


def test_preview_rows_read_the_same_whatever_the_email(app, ward, make_user):
    staff, cohort_id, ola = ward
    admin, other_instructor = make_user("admin"), make_user("instructor")
    emails = ["nobody.yet@clinic.example", ola.email, admin.email, other_instructor.email]
    page = text(preview(staff, cohort_id, "\n".join(emails)))
    rows = re.findall(r"<tr><td>\d+</td><th scope=\"row\">([^<]+)</th><td>[^<]*</td><td>([^<]+)</td></tr>", page)
    assert [email for email, _ in rows] == emails
    assert len({outcome for _, outcome in rows}) == 1, rows
    assert "account" not in page.lower().split("<tbody>")[1].split("</tbody>")[0]


def test_staff_accounts_never_join_a_cohort(app, ward, mailbox, make_user):
    staff, cohort_id, _ = ward
    for role in ("instructor", "admin"):
        member = make_user(role)
        invite(staff, cohort_id, member.email)
        client = app.test_client()
        login(client, member.email)
        refused = post(client, link_for(mailbox, member.email))
        assert refused.status_code == 403 and "Staff accounts" in text(refused)
        with app.app_context():
            code = db.session.scalar(select(cohorts.Cohort.join_code).where(cohorts.Cohort.id == cohort_id))
        assert post(client, "/account/join", {"join_code": code}).status_code == 403
        assert not is_member(app, member.id, cohort_id)


def test_a_trainee_leaves_a_cohort_from_the_account_page(app, ward):
    staff, cohort_id, ola = ward
    with app.app_context():
        code = db.session.scalar(select(cohorts.Cohort.join_code).where(cohorts.Cohort.id == cohort_id))
    trainee = app.test_client()
    login(trainee, ola.email)
    assert post(trainee, "/account/join", {"join_code": code}).status_code == 303
    assert staff.get(f"/instructor/trainees/{ola.id}").status_code == 200
    page = text(trainee.get("/account"))
    assert f'action="/account/cohorts/{cohort_id}/leave"' in page and "Leave “Ward 5”" in page
    assert post(trainee, f"/account/cohorts/{cohort_id}/leave").status_code == 303
    assert not is_member(app, ola.id, cohort_id)
    assert staff.get(f"/instructor/trainees/{ola.id}").status_code == 404
    assert "You are not in a cohort" in text(trainee.get("/account"))
    assert post(trainee, f"/account/cohorts/{cohort_id}/leave").status_code == 404  # not a member any more


ATTEMPTS = 8


def test_one_link_accepted_many_times_at_once_makes_one_signed_in_account(app, ward, mailbox, live_server):
    staff, cohort_id, _ = ward
    invite(staff, cohort_id, "nia@clinic.example")
    url = link_for(mailbox, "nia@clinic.example")
    visitors = []
    for n in range(ATTEMPTS):
        client = app.test_client()
        token = csrf_token(client)
        password = f"{PASSWORD} {n}"
        form = {"display_name": f"Nia {n}", "password": password, "confirm": password, "csrf_token": token}
        visitors.append((client, f"{live_server}{url}", form, cookie_header(client, app)))
    answers = fire_together([(target, form, cookie) for _, target, form, cookie in visitors])
    statuses = [answer.status for answer in answers]
    # A loser is refused: the link was used (400), the claim was taken (409), or the account it made is
    # there by now, so the page asks to log in (401).
    assert statuses.count(303) == 1 and set(statuses) - {303} <= {400, 401, 409}, statuses
    winner = statuses.index(303)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "nia@clinic.example")) == 1
        nia = db.session.scalar(select(User).where(User.email == "nia@clinic.example"))
        assert nia.display_name == f"Nia {winner}"
    for n, ((client, *_), answer) in enumerate(zip(visitors, answers, strict=True)):
        name = app.config["SESSION_COOKIE_NAME"]
        cookie = next((c.split(";")[0].split("=", 1)[1] for c in answer.set_cookies if c.startswith(name + "=")), None)
        if cookie:
            client.set_cookie(name, cookie)
        assert client.get("/dashboard").status_code == (200 if n == winner else 302), (n, statuses)
    assert login(app.test_client(), "nia@clinic.example", f"{PASSWORD} {winner}").status_code == 302


@pytest.mark.parametrize("name", ["Ev\u202eil name", "Bell\u0007 name", "Esc\x1b[31m name"])
def test_names_from_invitations_refuse_control_and_bidi_characters(app, ward, mailbox, name):
    staff, cohort_id, _ = ward
    listed = preview(staff, cohort_id, f"pat@clinic.example, {name}")
    assert listed.status_code == 400 and "Line 1" in text(listed)
    invite(staff, cohort_id, "pat@clinic.example, Pat Plain")
    url = link_for(mailbox, "pat@clinic.example")
    invitee = app.test_client()
    refused = post(invitee, url, {"display_name": name, "password": PASSWORD, "confirm": PASSWORD})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "pat@clinic.example")) is None
        assert db.session.scalar(select(Invitation.accepted_at)) is None
    accepted = post(invitee, url, {"display_name": "  Pat Plain  ", "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(User.display_name).where(User.email == "pat@clinic.example")) == "Pat Plain"


def test_one_preview_confirmed_many_times_at_once_invites_each_email_once(app, ward, live_server):
    staff, cohort_id, _ = ward
    page = text(preview(staff, cohort_id, "rui@clinic.example\nsol@clinic.example"))
    roster = re.search(r'name="roster" type="hidden" value="([^"]+)"', page)[1]
    form = {"roster": roster, "csrf_token": csrf_token(staff)}
    url = f"{live_server}/instructor/cohorts/{cohort_id}/invitations/confirm"
    answers = fire_together([(url, form, cookie_header(staff, app))] * 4)
    assert all(answer.status == 303 for answer in answers), [answer.status for answer in answers]
    with app.app_context():
        emails = list(db.session.scalars(select(Invitation.email).order_by(Invitation.email)))
    assert emails == ["rui@clinic.example", "sol@clinic.example"]
