"""Accounts in a real browser, with mail through the test SMTP server: a forgotten password, an invitation
from upload to a new trainee's first page, and the admin console; axe-core on every page on the way."""

from __future__ import annotations

import re

import pytest

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User

from ..support.helpers import PASSWORD
from ..support.mailbox import links, path_of
from .conftest import login_in_browser
from .support import PHONE, assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.browser
NEW_PASSWORD = "another long and unusual passphrase"


@pytest.fixture
def app(mail_app):
    return mail_app


def link(mailbox, email: str, fragment: str) -> str:
    return path_of(next(u for u in links(mailbox.last(email)) if fragment in u))


def test_a_forgotten_password(app, make_user, new_page, mailbox):
    user = make_user(email="fay@clinic.example", name="Fay Forgetful")
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(re.compile(r"/forgot-password$"))
    assert_accessible(page)
    page.get_by_role("button", name="Send me a link").click()  # empty: the error summary
    assert "This field is required" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Email").fill("FAY@clinic.example")
    page.get_by_role("button", name="Send me a link").click()
    assert "Check your email" in page.locator("h1").inner_text()
    assert_accessible(page)

    page.goto(link(mailbox, user.email, "/reset-password/"))
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Set the new password").click()
    assert "at least 12 characters" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    page.wait_for_url(re.compile(r"/dashboard$"))  # signed in at once (issue 24, T17)
    assert "Your password is changed and you are logged in" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_accessible(page, "/account")
    assert_accessible(page, "/account/delete")


def test_an_invitation_from_upload_to_first_page(app, make_user, new_page, mailbox, tmp_path):
    instructor = make_user("instructor", name="Ines Instructor")
    with app.app_context():
        cohorts.create_cohort("Night shift", db.session.get(User, instructor.id))
    staff = new_page()
    login_in_browser(staff, instructor.email)
    staff.goto("/instructor/cohorts")
    staff.get_by_role("link", name="Invite to Night shift").click()
    staff.wait_for_url(re.compile(r"/invitations$"))
    assert_accessible(staff)

    bad = tmp_path / "bad.csv"
    bad.write_bytes("\ufeffemail;name\nnot-an-email;Bad Row\n".encode())
    staff.get_by_label("Or upload a CSV file").set_input_files(str(bad))
    staff.get_by_role("button", name="Check the list").click()
    assert "Line 2: “not-an-email;Bad Row” has no usable email address." in staff.locator("main").inner_text()
    assert "not-an-email;Bad Row" in staff.get_by_label("Paste emails").input_value()  # kept, to correct
    assert_accessible(staff)

    good = tmp_path / "good.csv"
    good.write_bytes("\ufeffemail;name\nnoor@clinic.example;Noor Newcomer\n".encode())
    staff.get_by_label("Or upload a CSV file").set_input_files(str(good))
    staff.get_by_role("button", name="Check the list").click()
    assert "Gets an email with a link to join the cohort" in staff.locator("main").inner_text()
    assert_accessible(staff)
    staff.get_by_role("button", name="Confirm and send the invitations").click()
    staff.wait_for_url(re.compile(r"/invitations$"))
    pending = staff.get_by_role("table", name="Invitations not yet accepted")
    assert "noor@clinic.example" in pending.inner_text()
    assert_accessible(staff)

    newcomer = new_page()
    newcomer.goto(link(mailbox, "noor@clinic.example", "/invitations/"))
    assert newcomer.get_by_label("Your name (shown on your certificate)").input_value() == "Noor Newcomer"
    assert_accessible(newcomer)
    newcomer.get_by_label("Choose a password").fill(PASSWORD)
    newcomer.get_by_label("Repeat the password").fill(PASSWORD)
    newcomer.get_by_role("button", name="Create my account").click()
    newcomer.wait_for_url(re.compile(r"/dashboard$"))
    assert "Night shift" in newcomer.locator("main").inner_text()
    staff.reload()
    assert "No invitation is waiting" in staff.locator("main").inner_text()


OUTLOOK = (
    "Ruiz, Ana <ana.ruiz@clinic.example>; Li, Bo <bo.li@clinic.example>; "
    '"Okafor, Chi" <chi@clinic.example>; Ruiz, Ana <ANA.RUIZ@clinic.example>; Dee (no address); '
    "Tom Trainee <tom@clinic.example>"
)


def test_a_pasted_outlook_list_and_an_existing_account_that_accepts(app, make_user, new_page, mailbox):
    """Issue 24 (a To line copied from Outlook goes in whole; the one bad entry is listed, the repeat merged)
    and review 2026-12 M1 (the existing account joins only when Tom accepts, signed in; he can leave)."""
    instructor = make_user("instructor", name="Ines Instructor")
    tom = make_user(email="tom@clinic.example", name="Tom Trainee")
    with app.app_context():
        cohorts.create_cohort("Day shift", db.session.get(User, instructor.id))
    staff = new_page()
    login_in_browser(staff, instructor.email)
    staff.goto("/instructor/cohorts")
    staff.get_by_role("link", name="Invite to Day shift").click()
    staff.get_by_label("Paste emails").fill(OUTLOOK)
    staff.get_by_role("button", name="Check the list").click()
    main = staff.locator("main").inner_text()
    assert "4 people to invite, 1 entry left out" in main and "“Dee (no address)” has no usable email" in main
    preview = staff.get_by_role("table", name="What confirming will do").inner_text()
    for email, name in (("ana.ruiz", "Ruiz, Ana"), ("bo.li", "Li, Bo"), ("chi", "Okafor, Chi"), ("tom", "Tom Trainee")):
        assert f"{email}@clinic.example" in preview and name in preview
    assert preview.count("Gets an email with a link to join the cohort") == 4  # Tom's account is not told apart
    assert_accessible(staff)
    staff.get_by_role("button", name="Confirm and send the invitations").click()
    staff.wait_for_url(re.compile(r"/invitations$"))
    assert "4 invited" in staff.locator("main").inner_text()

    holder = new_page()
    holder.goto(link(mailbox, tom.email, "/invitations/"))
    assert "Log in with it" in holder.locator("main").inner_text()
    assert_accessible(holder)
    invitation = holder.url
    holder.get_by_role("link", name="Log in", exact=True).last.click()
    holder.get_by_label("Email").fill(tom.email)
    holder.get_by_label("Password").fill(PASSWORD)
    holder.get_by_role("button", name="Log in").click()
    holder.wait_for_url(invitation)  # back on the invitation
    assert "will see your progress and your quiz answers" in holder.locator("main").inner_text()
    assert_accessible(holder)
    holder.get_by_role("button", name="Join “Day shift”").click()
    holder.wait_for_url(re.compile(r"/account$"))
    assert "You joined the cohort “Day shift”" in holder.locator("main").inner_text()
    assert_accessible(holder)
    holder.get_by_role("button", name="Leave “Day shift”").click()
    holder.wait_for_url(re.compile(r"/account$"))
    assert "You are not in a cohort." in holder.locator("main").inner_text()


def test_the_admin_console(app, make_user, new_page, mailbox):
    admin = make_user("admin", name="Ada Admin")
    trainee = make_user(email="tom@clinic.example", name="Tom Trainee")
    page = new_page()
    login_in_browser(page, admin.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert_accessible(page)
    page.get_by_label("Name or email").fill("tom")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=tom"))
    assert "1 account." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="tom@clinic.example").click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    assert_accessible(page)

    page.get_by_role("button", name="Deactivate the account").click()  # no reason: the browser asks for one
    assert page.locator("#active-reason:invalid").count() == 1 and page.url.endswith(f"/admin/users/{trainee.id}")
    page.locator("#active-reason").fill("Left the clinic in March")
    page.get_by_role("button", name="Deactivate the account").click()
    assert "is deactivated and logged out everywhere" in page.locator("main").inner_text()
    trail = page.get_by_role("table", name=re.compile("Every recorded action"))
    assert "Left the clinic in March" in trail.inner_text() and "Ada Admin" in trail.inner_text()
    assert_accessible(page)

    page.locator("#reset-reason").fill("Asked by phone")
    page.get_by_role("button", name="Send the link").click()
    assert "A password reset link was sent" in page.locator("main").inner_text()
    assert mailbox.last(trainee.email)["Subject"] == "Choose a new password"

    me = page.url.rsplit("/", 1)[0] + f"/{admin.id}"
    page.goto(me)
    page.get_by_label("New role").select_option("trainee")
    page.locator("#role-reason").fill("Stepping down")
    page.get_by_role("button", name="Change the role").click()
    assert "last active admin" in page.locator("main").inner_text()
    assert_accessible(page)

    phone = new_page(viewport=PHONE)
    login_in_browser(phone, admin.email)
    assert_fits_a_phone(phone, ["/admin/", me])


def test_unconfirmed_account_and_unsubscribe_pages(app, make_user, new_page):
    from course.identity import profile as identity

    user = make_user(email="una@clinic.example", verified=False)
    with app.app_context():
        token = identity.unsubscribe_token(app.config["SECRET_KEY"], db.session.get(User, user.id))
    page = new_page()
    login_in_browser(page, user.email)
    assert_accessible(page, "/account")
    assert "not confirmed yet" in page.locator("main").inner_text()
    page.get_by_role("button", name="Send the confirmation link again").click()
    assert "We sent a new link" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_accessible(page, f"/unsubscribe/{token}")
    page.get_by_role("button", name="Stop reminders").click()
    assert "Reminders stopped" in page.locator("h1").inner_text()
    assert_accessible(page)
    assert_accessible(page, "/reset-password/forged", status=400)
