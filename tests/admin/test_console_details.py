"""Issue 24, A2: an admin corrects a name or an email, marks an email confirmed, or sends the link again;
each on the record, and the certificate follows a corrected name."""

from __future__ import annotations

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User

from ..support.helpers import post, text
from ..support.world import client_for


def test_an_admin_corrects_details_confirms_the_email_and_resends_the_link(app, make_user):
    admin = client_for(app, make_user("admin"))
    trainee = make_user(name="Jon Smiht", email="jon@old.example", verified=False)
    url = f"/admin/users/{trainee.id}"
    assert "Send the confirmation link again" in text(admin.get(url))
    assert post(admin, f"{url}/confirmation").status_code == 303
    assert "A confirmation link was sent to jon@old.example" in text(admin.get(url))

    body = {"display_name": "Jon Smith", "email": "Jon@New.example", "reason": "Typo on the certificate"}
    assert post(admin, f"{url}/details", {**body, "reason": ""}).status_code == 400
    assert post(admin, f"{url}/details", body).status_code == 303
    taken = make_user(email="taken@example.org")
    refused = post(admin, f"{url}/details", {**body, "email": taken.email})
    assert refused.status_code == 400 and "Another account already has this email" in text(refused)
    with app.app_context():
        user = db.session.get(User, trainee.id)
        assert (user.display_name, user.email, user.email_verified_at) == ("Jon Smith", "jon@new.example", None)

    assert post(admin, f"{url}/email-confirmed", {"reason": "Confirmed by phone"}).status_code == 303
    page = text(admin.get(url))
    assert "Marked the email as confirmed" in page and "Corrected the name or email" in page
    assert "Sent the email confirmation link" in page and "Jon Smiht" in page  # the old name, in the trail
    with app.app_context():
        assert db.session.get(User, trainee.id).email_verified_at is not None


def test_a_fresh_install_shows_a_first_run_checklist_until_everything_is_done(app, make_user):
    admin = client_for(app, make_user("admin"))
    page = text(admin.get("/admin/"))
    assert "First steps" in page and page.count("to do</span>") == 5
    instructor = make_user("instructor")
    with app.app_context():
        cohorts.create_cohort("Ward 3", db.session.get(User, instructor.id))
    assert text(admin.get("/admin/")).count("to do</span>") == 3  # mail, BASE_URL and the issuer left
    app.config.update(MAIL_SERVER="smtp.example.org", BASE_URL="https://course.example.org")
    page = text(admin.get("/admin/"))
    assert page.count("to do</span>") == 1 and "CERTIFICATE_ISSUER" in page
    app.config.update(CERTIFICATE_ISSUER="St Mary's Clinic")
    assert "First steps" not in text(admin.get("/admin/"))
