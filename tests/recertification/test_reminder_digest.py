"""`flask reminders send` for staying current: one digest per person and run (refreshers due, the due date
near or passed, the certificate expiring), never twice, and nothing for those who unsubscribed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from course.audit.models import AuditEvent
from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.recertification.policy import add_months

from ..support.currency import pass_by_services
from ..support.helpers import login
from ..support.journey import catalog
from ..support.mailbox import parts

T0 = datetime(2026, 1, 15, 9, 0)


@pytest.fixture
def app(mail_app):
    return mail_app


def run(app, *args):
    return app.test_cli_runner().invoke(args=["reminders", "send", *args])


def test_one_digest_per_person_and_run_with_everything_due(app, make_user, mailbox, travel):
    travel(T0)
    lead = make_user("instructor")
    done = make_user(name="Dora Done", email="dora@clinic.example")
    behind = make_user(name="Ben Behind", email="ben@clinic.example")
    quiet = make_user(name="Quinn Quiet", email="quinn@clinic.example")
    with app.app_context():
        cohort = cohorts.create_cohort("Theatre", db.session.get(User, lead.id), due_on=date(2027, 1, 14))
        for user in (done, behind, quiet):
            cohorts.join(user.id, cohort.join_code)
        db.session.execute(update(User).where(User.id == quiet.id).values(wants_reminders=False))
        db.session.commit()
    for user in (done, quiet):
        pass_by_services(app, user.id, catalog(app).modules)
        client = app.test_client()
        login(client, user.email)
        assert client.get("/certificate").status_code == 200
    pass_by_services(app, behind.id, catalog(app).modules[:1])

    # Eleven months and a half on: refreshers long due, the certificate expiring, the due date near.
    travel(add_months(T0, 12) - timedelta(days=12))
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminder(s)." in result.output
    assert {m["To"] for m in mailbox.messages} == {"dora@clinic.example", "ben@clinic.example"}  # one each
    plain, _ = parts(mailbox.last("dora@clinic.example"))
    assert "A refresher is due" in plain and "certificate expires on 15 January 2027" in plain
    assert "due on" not in plain  # her course is complete: no due-date line
    ben, _ = parts(mailbox.last("ben@clinic.example"))
    assert "A refresher is due" in ben and "is due on 14 January 2027" in ben
    assert mailbox.last("ben@clinic.example")["Subject"] == "A two-minute refresher is due"
    with app.app_context():  # the sweep ran first: the long-overdue refreshers lapsed their modules
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "lapse")).first() is not None

    again = run(app)
    assert again.exit_code == 0 and "Sent 0 reminder(s)." in again.output and len(mailbox.messages) == 2

    travel(date_after := datetime(2027, 1, 25, 9, 0))
    assert "Sent 2 reminder(s)." in run(app).output  # a new week of refreshers; Ben is now overdue
    ben, _ = parts(mailbox.last("ben@clinic.example"))
    assert "was due on 14 January 2027" in ben and date_after > datetime(2027, 1, 14)
    assert not mailbox.to("quinn@clinic.example")


def test_a_batch_claim_skips_the_digests_another_run_claimed(app, make_user):
    from course.learning import reminders

    users = [make_user() for _ in range(3)]
    now = datetime(2026, 3, 1, 7, 0)
    with app.app_context():
        people = [db.session.get(User, u.id) for u in users]
        digests = reminders.digests(reminders.Due(p, "inactive", "2026-02-01") for p in people)
        assert reminders.claim(digests[1], now)  # another run got to this one first
        claimed = reminders.claim_batch(digests, now)
        assert [d.user.id for d in claimed] == [users[0].id, users[2].id]
        assert reminders.claim_batch(digests, now) == []  # everything recorded: nothing to send twice
