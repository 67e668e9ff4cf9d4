"""Invitations through HTTP: paste or upload, a checked preview, confirm, emails through SMTP, accept; and
every kind of bad list refused with a clear message and nothing changed."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from course.enrolment import cohorts, invitations
from course.enrolment.models import CohortMember, Invitation
from course.extensions import db
from course.identity.models import User

from ..support.helpers import PASSWORD, csrf_token, login, post, text
from ..support.mailbox import links, parts, path_of


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def setting(app, make_user):
    """Instructor Ina follows cohort "Ward 5"; Ola already has an account."""
    ina = make_user("instructor", name="Ina Instructor")
    ola = make_user(email="ola@clinic.example", name="Ola Existing")
    with app.app_context():
        cohort = cohorts.create_cohort("Ward 5", db.session.get(User, ina.id))
        cohort_id = cohort.id
    client = app.test_client()
    login(client, ina.email)
    return client, cohort_id, ola


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def upload(client, cohort_id: int, content: bytes, filename: str = "list.csv"):
    return post(
        client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"file": (io.BytesIO(content), filename)}
    )


def main_of(page: str) -> str:
    """The page's main region (the header links to log in and register on every page)."""
    return page[page.index("<main") : page.index("</main>")]


def roster_of(page: str) -> str:
    return re.search(r'name="roster" type="hidden" value="([^"]+)"', page)[1]


def test_paste_preview_confirm_accept(app, setting, mailbox):
    client, cohort_id, _ = setting
    pasted = "new.person@clinic.example, Nia New\nOLA@clinic.example\n"
    preview = post(client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": pasted})
    page = text(preview)
    assert preview.status_code == 200 and page.count("Gets an email with a link to join the cohort") == 2
    assert count(app, Invitation) == 0 and mailbox.messages == []  # nothing before the confirmation

    done = post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    assert done.status_code == 303
    listing = text(client.get(f"/instructor/cohorts/{cohort_id}/invitations"))
    assert "2 invited, 0 already in the cohort" in listing and "new.person@clinic.example" in listing
    assert "Ina Instructor invites you" in parts(mailbox.last("ola@clinic.example"))[0]  # the same offer
    message = mailbox.last("new.person@clinic.example")
    plain, html = parts(message)
    assert "Ina Instructor invites you" in plain and "Ward 5" in html
    url = path_of(next(u for u in links(message) if "/invitations/" in u))
    assert url.split("/")[-1] in html

    invitee = app.test_client()
    form = invitee.get(url)
    assert form.status_code == 200 and 'value="Nia New"' in text(form)
    weak = post(invitee, url, {"display_name": "Nia New", "password": "short", "confirm": "short"})
    assert weak.status_code == 400 and count(app, User) == 2
    accepted = post(invitee, url, {"display_name": "Nia New", "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303 and invitee.get("/dashboard").status_code == 200
    with app.app_context():
        nia = db.session.scalar(select(User).where(User.email == "new.person@clinic.example"))
        assert nia.email_verified and nia.display_name == "Nia New"
        members = set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
        assert members == {nia.id}  # Ola joins only if she accepts, signed in (test_invitation_consent.py)
    again = app.test_client().get(url)
    assert again.status_code == 400 and "no longer valid" in text(again)
    # Used, opened logged out: the way in, not a progress page that is not theirs yet (issue 24, T12); the
    # account exists, so no registration is offered. Logged in, it leads back to the dashboard.
    used = main_of(text(again))
    assert 'href="/login"' in used and "Back to my progress" not in used and 'href="/register"' not in used
    signed_in = invitee.get(url)
    assert signed_in.status_code == 400 and 'href="/dashboard">Back to my progress' in text(signed_in)
    assert 'href="/login"' not in main_of(text(signed_in))
    assert "new.person" not in text(client.get(f"/instructor/cohorts/{cohort_id}/invitations"))


def test_csv_with_bom_semicolons_and_header(app, setting, mailbox):
    client, cohort_id, _ = setting
    content = "\ufeffemail;name\r\nana@clinic.example;Ana Ruiz\r\nbo@clinic.example;Bo Li\r\n".encode()
    page = text(upload(client, cohort_id, content))
    assert "2 people to invite" in page and "Ana Ruiz" in page and "email;name" not in page
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    assert {m["To"] for m in mailbox.messages} == {"ana@clinic.example", "bo@clinic.example"}


def test_bad_rows_are_listed_and_the_good_ones_go_through(app, setting, mailbox):
    """Issue 24: one bad line never sinks a list; a repeated email is merged silently."""
    client, cohort_id, _ = setting
    content = (
        "email,name\n"
        "good@clinic.example,Good\n"
        "not-an-email,Bad\n"
        "good@clinic.example,Twice\n"
        f"{'x' * 250}@clinic.example,Long\n"
        f"long.name@clinic.example,{'N' * 81}\n"
    ).encode()
    response = upload(client, cohort_id, content)
    page = text(response)
    assert response.status_code == 200 and "1 person to invite, 3 entries left out" in page
    assert "Line 3: “not-an-email,Bad” has no usable email address." in page
    assert "duplicate" not in page and "Twice" not in page
    assert "Line 5: “x" in page and "has no usable email address" in page
    assert "Line 6: long.name@clinic.example: the name is longer than 80 characters." in page
    assert count(app, Invitation) == 0 and mailbox.messages == []  # nothing before the confirmation
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    assert [m["To"] for m in mailbox.messages] == ["good@clinic.example"]


def test_a_list_with_nothing_usable_is_refused_and_kept_for_correcting(app, setting):
    client, cohort_id, _ = setting
    response = upload(client, cohort_id, b"email,name\nnot-an-email,Bad\n")
    page = text(response)
    assert response.status_code == 400 and "Line 2: “not-an-email,Bad” has no usable email address." in page
    assert re.search(r"<textarea[^>]*>\s*email,name\nnot-an-email,Bad\s*</textarea>", page)  # kept, to correct
    assert count(app, Invitation) == 0


def test_ten_thousand_rows_are_refused_clearly(app, setting):
    client, cohort_id, _ = setting
    content = "".join(f"p{n}@clinic.example,Person {n}\n" for n in range(10_000)).encode()
    response = upload(client, cohort_id, content)
    assert response.status_code == 400 and "10,000 entries; at most 1,000" in text(response)
    assert count(app, Invitation) == 0


def test_a_five_megabyte_file_gets_a_clear_413(app, setting):
    client, cohort_id, _ = setting
    # Encoded in memory: the test client would spool a body this large to a temporary file it never closes.
    boundary, body = encode_multipart(
        MultiDict(
            {"csrf_token": csrf_token(client), "file": FileStorage(io.BytesIO(b"a@b.example,x\n" * 375_000), "big.csv")}
        )
    )
    assert len(body) > 5_000_000
    response = client.post(
        f"/instructor/cohorts/{cohort_id}/invitations/preview",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413 and "The file is too large" in text(response)
    assert "Nothing was changed" in text(response)
    assert count(app, Invitation) == 0
    # elsewhere the site's usual 64 KiB limit stands
    assert post(client, "/account/profile", {"display_name": "x" * 70_000}).status_code == 413


def test_non_utf8_is_refused_clearly(app, setting):
    client, cohort_id, _ = setting
    response = upload(client, cohort_id, "josé@clinic.example,José Núñez\n".encode("latin-1"))
    assert response.status_code == 400 and "not UTF-8" in text(response)
    assert count(app, Invitation) == 0


def test_a_forged_or_foreign_preview_is_refused(app, setting, make_user):
    client, cohort_id, _ = setting
    page = text(post(client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": "z@clinic.example"}))
    forged = post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)[:-2]})
    assert forged.status_code == 400 and "altered" in text(forged)
    other = make_user("instructor")
    with app.app_context():
        theirs = cohorts.create_cohort("Elsewhere", db.session.get(User, other.id)).id
    assert (
        post(client, f"/instructor/cohorts/{theirs}/invitations/confirm", {"roster": roster_of(page)}).status_code
        == 404
    )
    assert client.get(f"/instructor/cohorts/{theirs}/invitations").status_code == 404
    assert count(app, Invitation) == 0


def test_resend_revoke_and_expiry(app, setting, mailbox):
    client, cohort_id, _ = setting
    page = text(post(client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": "kim@clinic.example"}))
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    first = path_of(next(u for u in links(mailbox.last("kim@clinic.example")) if "/invitations/" in u))
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    assert post(client, f"/instructor/cohorts/{cohort_id}/invitations/{invitation_id}/resend").status_code == 303
    second = path_of(next(u for u in links(mailbox.last("kim@clinic.example")) if "/invitations/" in u))
    assert first != second
    assert app.test_client().get(first).status_code == 400  # the earlier link stopped working
    assert app.test_client().get(second).status_code == 200
    with app.app_context():  # time passes beyond the expiry
        from datetime import timedelta

        invitation = db.session.get(Invitation, invitation_id)
        invitation.expires_at -= timedelta(days=15)
        db.session.commit()
        expired_token = invitations.invitation_token(app.config["SECRET_KEY"], invitation)
    expired = app.test_client().get(f"/invitations/{expired_token}")
    assert expired.status_code == 400 and "expired" in text(expired)
    # Kim has no account: logged out, the page offers to log in or to create one (issue 24, T12).
    page = main_of(text(expired))
    assert 'href="/login"' in page and 'href="/register"' in page and "Back to my progress" not in page
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/{invitation_id}/resend")
    third = path_of(next(u for u in links(mailbox.last("kim@clinic.example")) if "/invitations/" in u))
    assert post(client, f"/instructor/cohorts/{cohort_id}/invitations/{invitation_id}/revoke").status_code == 303
    revoked = app.test_client().get(third)
    assert revoked.status_code == 400
    assert count(app, User) == 2


def test_mail_server_down_keeps_the_invitations_and_send_again_works(app, setting, mailbox, closed_port):
    client, cohort_id, _ = setting
    page = text(post(client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": "lee@clinic.example"}))
    app.config.update(MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    listing = text(client.get(f"/instructor/cohorts/{cohort_id}/invitations"))
    assert "could not be sent just now" in listing and "not sent" in listing
    assert count(app, Invitation) == 1
    app.config["MAIL_PORT"] = mailbox.port
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/{invitation_id}/resend")
    assert mailbox.last("lee@clinic.example")


def test_an_account_made_meanwhile_joins_when_its_holder_accepts(app, setting, mailbox, make_user):
    client, cohort_id, _ = setting
    page = text(post(client, f"/instructor/cohorts/{cohort_id}/invitations/preview", {"emails": "max@clinic.example"}))
    post(client, f"/instructor/cohorts/{cohort_id}/invitations/confirm", {"roster": roster_of(page)})
    url = path_of(next(u for u in links(mailbox.last("max@clinic.example")) if "/invitations/" in u))
    late = make_user(email="max@clinic.example")
    response = app.test_client().get(url)
    assert response.status_code == 200 and "Log in with it" in text(response)
    holder = app.test_client()
    login(holder, late.email)
    assert post(holder, url).status_code == 303
    with app.app_context():
        assert db.session.scalar(
            select(CohortMember.id).where(CohortMember.user_id == late.id, CohortMember.cohort_id == cohort_id)
        )


def test_trainees_cannot_invite(app, setting, trainee_client):
    _, cohort_id, _ = setting
    assert trainee_client.get(f"/instructor/cohorts/{cohort_id}/invitations").status_code == 403


def test_a_refused_list_is_marked_announced_and_never_thrown_away(app, setting):
    """Accessibility audit 2026-12 F5 and F11: the list's errors take focus (data-error-summary), mark the
    field and put "Error:" in the title; a refused preview puts the list back in the box; the preview
    says it lasts an hour."""
    client, cohort_id, _ = setting
    base = f"/instructor/cohorts/{cohort_id}/invitations"

    empty = text(post(client, f"{base}/preview", {"emails": "  "}))
    assert "<title>Error: " in empty and "<h2>The list is empty</h2>" in empty
    assert 'tabindex="-1" data-error-summary id="list-errors"' in empty
    assert re.search(r'<textarea(?=[^>]*aria-invalid="true")(?=[^>]*list-errors)', empty)

    bad = text(post(client, f"{base}/preview", {"emails": "not-an-email\nalso not one"}))
    assert "<title>Error: " in bad and "No one in the list can be invited" in bad
    assert 'data-error-summary id="list-errors"' in bad
    assert re.search(r'<textarea(?=[^>]*aria-invalid="true")[^>]*>\s*not-an-email', bad)  # the list stays

    preview = text(post(client, f"{base}/preview", {"emails": 'nia@clinic.example,"Nia, RN"\nbo@clinic.example'}))
    assert "Confirm within an hour" in preview
    listed = html.unescape(re.search(r'name="listed" value="([^"]*)"', preview)[1])  # as a browser sends it
    refused = post(client, f"{base}/confirm", {"roster": roster_of(preview)[:-3] + "xyz", "listed": listed})
    assert refused.status_code == 400
    page = text(refused)
    assert "<title>Error: " in page and "altered" in page
    box = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)[1])
    assert '"Nia, RN" <nia@clinic.example>' in box and "bo@clinic.example" in box
    assert count(app, Invitation) == 0
