"""Several accounts at once from the admin's list (issue 24, A4): tick, choose an action, give a reason.
The valid accounts are done, one transaction and one audit entry each, through the rules of the account's
own page; the refused ones are listed with why; bad input does nothing and says what (4xx, never 500).
And a promoted instructor is offered a cohort to follow."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.audit.models import AuditEvent
from course.enrolment import cohorts
from course.enrolment.models import CohortInstructor, CohortMember
from course.extensions import db
from course.identity.models import User

from ..support.helpers import login, post, text
from ..support.world import client_for


@pytest.fixture
def app(mail_app):
    return mail_app


def actions(app, subject_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.action, e.reason)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.subject_id == subject_id).order_by(AuditEvent.id)
            )
        ]


def user(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def new_cohort(app, creator_id: int, name: str, archived: bool = False) -> int:
    with app.app_context():
        cohort = cohorts.create_cohort(name, db.session.get(User, creator_id))
        if archived:
            cohorts.set_archived(cohort, True)
        return cohort.id


def bulk(client, ids, action, reason="Clinic reorganised", **extra):
    return post(client, "/admin/bulk", {"user": [str(i) for i in ids], "action": action, "reason": reason, **extra})


def test_the_list_is_a_form_with_a_box_per_account_and_select_all_without_javascript(app, admin_client, make_user):
    people = [make_user() for _ in range(3)]
    page = text(admin_client.get("/admin/"))
    form = page[page.index('<form method="post" action="/admin/bulk"') :]
    assert 'name="csrf_token"' in form
    for person in people:
        assert f'name="user" value="{person.id}" id="select-{person.id}">' in form
        assert f'<label for="select-{person.id}" class="visually-hidden">Select {person.email}</label>' in form
    assert "Select all 4 on this page" in page
    everyone = text(admin_client.get("/admin/?select=all"))
    assert everyone.count('name="user"') == everyone.count(" checked>") == 4
    assert "Clear the selection" in everyone
    for label in ("Add to a cohort", "Deactivate", "Send the confirmation email again"):
        assert f">{label}</option>" in page


def test_bulk_deactivate_does_the_valid_ones_and_lists_the_refused_with_why(app, admin_client, make_user):
    me = admin_client.user
    trainees = [make_user() for _ in range(2)]
    gone = make_user()
    bulk(admin_client, [gone.id], "deactivate", "Left")
    held = app.test_client()
    login(held, trainees[0].email)
    response = bulk(admin_client, [trainees[0].id, gone.id, me.id, trainees[1].id], "deactivate", "Left in June")
    html = text(response)
    assert response.status_code == 200 and "Done for 2 accounts, refused for 2." in html
    refused = html[html.index("Refused, and why") :]
    assert "is already deactivated" in refused
    assert "last active admin" in refused  # the one-by-one rules hold: the last active admin stays
    assert all(not user(app, t.id).active for t in trainees) and user(app, me.id).active
    assert held.get("/dashboard").status_code == 302  # logged out everywhere, as one by one
    for trainee in trainees:
        assert actions(app, trainee.id) == [("deactivate", "Left in June")]
    assert actions(app, me.id) == []


def test_an_admin_never_deactivates_themselves_in_bulk_or_one_by_one(app, admin_client, make_user):
    me, other = admin_client.user, make_user("admin")
    response = bulk(admin_client, [me.id, other.id], "deactivate", "Tidying up")
    html = text(response)
    assert response.status_code == 200 and "You cannot deactivate your own account" in html
    assert user(app, me.id).active and not user(app, other.id).active
    alone = post(admin_client, f"/admin/users/{me.id}/active", {"active": "0", "reason": "x"})
    assert alone.status_code == 409 and user(app, me.id).active


def test_bulk_add_to_a_cohort_refuses_staff_and_those_already_in_it(app, admin_client, make_user):
    teacher = make_user("instructor")
    cohort_id = new_cohort(app, teacher.id, "Day shift")
    first, second = make_user(), make_user()
    with app.app_context():
        db.session.add(CohortMember(cohort_id=cohort_id, user_id=second.id))
        db.session.commit()
    response = bulk(admin_client, [first.id, second.id, teacher.id], "add-to-cohort", "New starters", cohort=cohort_id)
    html = text(response)
    assert response.status_code == 200 and "Add to a cohort “Day shift”" in html
    assert "Done for 1 account, refused for 2." in html
    assert "is already in “Day shift”" in html and "staff follow cohorts as instructors" in html
    with app.app_context():
        members = set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))
    assert members == {first.id, second.id}
    assert actions(app, first.id) == [("cohort-add", "“Day shift”: New starters")]
    assert "Added to a cohort" in text(admin_client.get(f"/admin/users/{first.id}"))
    assert (
        "Day shift"
        in re.search(
            r"<tr>(?:(?!</tr>).)*?" + re.escape(first.email) + ".*?</tr>", text(admin_client.get("/admin/")), re.S
        )[0]
    )


def test_bulk_resend_the_confirmation_email(app, admin_client, make_user, mailbox):
    waiting = make_user(verified=False)
    confirmed = make_user()
    response = bulk(admin_client, [waiting.id, confirmed.id], "resend-confirmation", "Links expired")
    html = text(response)
    assert response.status_code == 200 and "Done for 1 account, refused for 1." in html
    assert f"{confirmed.email} is already confirmed." in html
    assert mailbox.last(waiting.email)["Subject"] == "Confirm your email address"
    assert mailbox.to(confirmed.email) == []
    assert actions(app, waiting.id) == [("confirmation-sent", "Links expired")]


def test_bulk_resend_stops_at_a_mail_server_that_is_down(app_factory, make_user, closed_port):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=1)
    admin = make_user("admin")
    people = [make_user(verified=False) for _ in range(3)]
    response = bulk(client_for(app, admin), [p.id for p in people], "resend-confirmation", "Links expired")
    html = text(response)
    assert response.status_code == 409 and "Done for 0 accounts, refused for 3." in html
    assert "the mail server did not answer" in html and html.count("did not take the previous message") == 2


def test_everything_refused_is_a_409_and_changes_nothing(app, admin_client):
    me = admin_client.user
    response = bulk(admin_client, [me.id], "deactivate", "oops")
    assert response.status_code == 409 and "Done for 0 accounts, refused for 1." in text(response)


@pytest.mark.parametrize(
    ("form", "status", "message"),
    [
        ({"user": [], "action": "deactivate", "reason": "x"}, 400, "Select at least one account"),
        ({"user": ["{t}"], "action": "deactivate", "reason": ""}, 400, "This field is required"),
        ({"user": ["{t}"], "action": "", "reason": "x"}, 400, "Choose what to do with the selected accounts."),
        ({"user": ["{t}"], "action": "erase-everyone", "reason": "x"}, 400, "Choose what to do"),
        ({"user": ["{t}", "987654"], "action": "deactivate", "reason": "x"}, 404, "No account has the number 987654"),
        ({"user": ["{t}", "1e3"], "action": "deactivate", "reason": "x"}, 400, "The selection is not a list"),
        ({"user": ["{t}"], "action": "add-to-cohort", "reason": "x"}, 400, "Choose the cohort to add"),
        (
            {"user": ["{t}"], "action": "add-to-cohort", "reason": "x", "cohort": "4242"},
            404,
            "There is no such cohort.",
        ),
        (
            {"user": ["{t}"], "action": "add-to-cohort", "reason": "x", "cohort": "'; --"},
            400,
            "There is no such cohort",
        ),
        ({"user": ["{t}"], "action": "add-to-cohort", "reason": "x", "cohort": "{archived}"}, 400, "is archived"),
    ],
)
def test_bad_input_does_nothing_and_says_what(app, admin_client, make_user, form, status, message):
    trainee = make_user()
    archived = new_cohort(app, admin_client.user.id, "Old intake", archived=True)
    values = {
        key: [v.format(t=trainee.id) for v in value] if isinstance(value, list) else value.format(archived=archived)
        for key, value in form.items()
    }
    response = post(admin_client, "/admin/bulk?role=trainee", {**values, "filter_role": "trainee"})
    html = text(response)
    assert response.status_code == status, html
    assert message in html and "<title>Error: " in html
    assert "data-error-summary" in html and "Accounts, by email" in html  # the list again, filters kept
    assert '<option value="trainee" selected>' in html
    if form["user"]:
        assert f'value="{trainee.id}" id="select-{trainee.id}" checked>' in html  # the ticks kept
    assert user(app, trainee.id).active and actions(app, trainee.id) == []


def test_too_many_ids_and_no_csrf_token_are_refused(app, admin_client, make_user):
    trainee = make_user()
    many = bulk(admin_client, list(range(1, 60)), "deactivate")
    assert many.status_code == 400 and "Select at most 50 accounts" in text(many)
    forged = admin_client.post("/admin/bulk", data={"user": [str(trainee.id)], "action": "deactivate", "reason": "x"})
    assert forged.status_code == 400 and user(app, trainee.id).active


def test_only_admins_act_in_bulk(app, make_user):
    trainee, instructor = make_user(), make_user("instructor")
    for who in (trainee, instructor):
        response = bulk(client_for(app, who), [trainee.id], "deactivate")
        assert response.status_code == 403 and user(app, trainee.id).active


def test_a_promoted_instructor_is_offered_a_cohort_to_follow(app, admin_client, make_user):
    creator = make_user("instructor")
    day = new_cohort(app, creator.id, "Day shift")
    night = new_cohort(app, creator.id, "Night shift")
    new_cohort(app, creator.id, "Old intake", archived=True)
    nurse = make_user(name="Nia Nurse")
    assert "Make them an instructor of this cohort" not in text(admin_client.get(f"/admin/users/{nurse.id}"))
    promoted = post(
        admin_client,
        f"/admin/users/{nurse.id}/role",
        {"role": "instructor", "reason": "Leads the night team"},
        follow_redirects=True,
    )
    page = text(promoted)
    assert "Choose below the cohort they will follow." in page
    assert "Make them an instructor of this cohort" in page
    offered = re.search(r'<select[^>]*id="follow-cohort".*?</select>', page, re.S)[0]
    assert "Day shift" in offered and "Night shift" in offered and "Old intake" not in offered
    done = post(admin_client, f"/admin/users/{nurse.id}/follow", {"cohort": str(night), "reason": "Night lead"})
    assert done.status_code == 303
    with app.app_context():
        follows = set(
            db.session.scalars(select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == nurse.id))
        )
    assert follows == {night}
    assert actions(app, nurse.id)[-1] == ("cohort-instructor", "“Night shift”: Night lead")
    after = text(admin_client.get(f"/admin/users/{nurse.id}"))
    assert "Made an instructor of a cohort" in after
    offered = re.search(r'<select[^>]*id="follow-cohort".*?</select>', after, re.S)[0]
    assert "Night shift" not in offered and "Day shift" in offered
    # The new instructor now sees that cohort.
    assert client_for(app, nurse).get(f"/instructor/?cohort={night}").status_code == 200
    assert day


@pytest.mark.parametrize(
    ("values", "status", "message"),
    [
        ({"cohort": "", "reason": "x"}, 400, "Choose the cohort they will follow."),
        ({"cohort": "{day}", "reason": ""}, 400, "This field is required"),
        ({"cohort": "abc", "reason": "x"}, 400, "There is no such cohort"),
        ({"cohort": "98765", "reason": "x"}, 404, "There is no such cohort."),
        ({"cohort": "{old}", "reason": "x"}, 400, "is archived"),
        ({"cohort": "{followed}", "reason": "x"}, 409, "is already an instructor of “Followed”"),
    ],
)
def test_following_a_cohort_refuses_bad_input(app, admin_client, make_user, values, status, message):
    teacher = make_user("instructor")
    ids = {
        "day": new_cohort(app, admin_client.user.id, "Day shift"),
        "old": new_cohort(app, admin_client.user.id, "Old", archived=True),
        "followed": new_cohort(app, teacher.id, "Followed"),
    }
    form = {k: v.format(**ids) for k, v in values.items()}
    response = post(admin_client, f"/admin/users/{teacher.id}/follow", form)
    assert response.status_code == status and message in text(response), text(response)
    assert [a for a, _ in actions(app, teacher.id)] == []


def test_a_trainee_cannot_be_given_a_cohort_to_follow(app, admin_client, make_user):
    trainee = make_user()
    cohort_id = new_cohort(app, admin_client.user.id, "Day shift")
    response = post(admin_client, f"/admin/users/{trainee.id}/follow", {"cohort": str(cohort_id), "reason": "x"})
    assert response.status_code == 400 and "give them the instructor role first" in text(response)
    assert post(admin_client, "/admin/users/99999/follow", {"cohort": str(cohort_id), "reason": "x"}).status_code == 404
