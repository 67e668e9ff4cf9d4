"""The compliance record, due dates and retention, as a training lead uses them: set a cohort's date, read
who is current, overdue, expiring or expired, download the record, see what is forgotten first."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timedelta

import pytest

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.learning import services as learning
from course.learning.models import Certificate
from course.recertification.policy import add_months

from ..support.currency import answer_refresher, cards, pass_by_services, start_refresher
from ..support.helpers import login, post, text
from ..support.journey import catalog

T0 = datetime(2026, 1, 15, 9, 0)


@pytest.fixture
def app(app_factory):
    return app_factory(SESSION_IDLE_MINUTES=10**7, SESSION_MAX_DAYS=10**4)


def _client(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def test_due_dates_compliance_counts_and_an_excel_safe_record(app, make_user, travel):
    travel(T0)
    lead = make_user("instructor", name="Ines Lead")
    current = make_user(name="José Álvarez")
    expiring = make_user(name="Eve Expiring")
    started = make_user(name="Sam Started")
    idle = make_user(name="=Nina Notstarted")
    with app.app_context():
        cohort = cohorts.create_cohort("Ward 4", db.session.get(User, lead.id))
        cohort_id = cohort.id
        for user in (current, expiring, started, idle):
            cohorts.join(user.id, cohort.join_code)
    lead_client = _client(app, lead)

    page = text(lead_client.get("/instructor/cohorts"))
    assert 'type="date" name="due_on"' in page
    bad = post(lead_client, f"/instructor/cohorts/{cohort_id}/due-date", {"due_on": "31/02/2026"})
    assert bad.status_code == 400 and "calendar date" in text(bad)
    due = date(2027, 1, 31)
    saved = post(lead_client, f"/instructor/cohorts/{cohort_id}/due-date", {"due_on": due.isoformat()})
    assert saved.status_code == 303
    assert "to be completed by 31 January 2027" in text(lead_client.get("/instructor/cohorts"))

    pass_by_services(app, expiring.id, catalog(app).modules)
    travel(T0 + timedelta(days=60))
    pass_by_services(app, current.id, catalog(app).modules)
    pass_by_services(app, started.id, catalog(app).modules[:1])
    for user in (current, expiring):
        assert _client(app, user).get("/certificate").status_code == 200

    # Ten days before the first expiry: one expiring; two months later it expired, the due date passed.
    travel(add_months(T0, 12) - timedelta(days=10))
    counts = _counts(text(lead_client.get("/instructor/compliance")))
    assert counts == {"expired": 0, "overdue": 0, "expiring": 1, "in progress": 1, "not started": 1, "complete": 1}
    travel(datetime(2027, 3, 10, 9, 0))
    counts = _counts(text(lead_client.get("/instructor/compliance")))
    assert counts == {"expired": 1, "overdue": 2, "expiring": 1, "in progress": 0, "not started": 0, "complete": 0}

    response = lead_client.get("/instructor/compliance.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()) and "José Álvarez".encode() in raw  # UTF-8 with its BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "name", "email", "cohort", "status", "completion_date", "certificate_code", "issued", "valid_until",
        "due_date", "last_activity", "course_version",
    ]  # fmt: skip
    by_name = {row["name"]: row for row in rows}
    assert by_name["José Álvarez"]["status"] == "expiring"
    assert by_name["José Álvarez"]["valid_until"].startswith(f"{add_months(T0 + timedelta(days=60), 12):%Y-%m-%d}")
    assert by_name["José Álvarez"]["completion_date"].startswith(f"{T0 + timedelta(days=60):%Y-%m-%d}")
    assert by_name["Eve Expiring"]["status"] == "expired" and by_name["Eve Expiring"]["certificate_code"]
    version = catalog(app).course.version
    assert version and by_name["José Álvarez"]["course_version"] == version  # the version the pass was under
    nina = by_name["'=Nina Notstarted"]  # a formula-like name is written as text
    assert nina["status"] == "overdue" and nina["completion_date"] == "" and nina["last_activity"] == ""
    assert all(row["due_date"] == "2027-01-31" for row in rows)


def _counts(page: str) -> dict[str, int]:
    cells = re.findall(r'<td data-status="([^"]+)">(?:<strong>)?(\d+)', page)
    return {status: int(n) for status, n in cells}


def test_retention_by_days_since_the_pass_for_the_cohort_and_the_trainee(app, make_user, travel):
    travel(T0)
    lead = make_user("instructor")
    trainee = make_user(name="Rhea Retains")
    with app.app_context():
        cohort = cohorts.create_cohort("Ward 5", db.session.get(User, lead.id))
        cohorts.join(trainee.id, cohort.join_code)
    module = catalog(app).modules[0]
    pass_by_services(app, trainee.id, [module])
    client = _client(app, trainee)
    lead_client = _client(app, lead)
    assert "No refresher answers yet" in text(lead_client.get("/instructor/retention"))
    now = max(card.due_at for card in cards(app, trainee.id).values()) + timedelta(days=1)
    travel(now)
    missed_objective = 1
    items = answer_refresher(client, app, start_refresher(client), right=lambda i: i.objective != missed_objective)
    page = html.unescape(text(lead_client.get("/instructor/retention")))
    assert 'id="retention-svg"' in page and "Show as table" in page
    first_row = page.split("What is forgotten first")[1].split("<tbody>")[1].split("</tr>")[0]
    assert f"objective {missed_objective}:" in first_row  # the missed objective comes first
    right = sum(1 for i in items if i.score == 1)
    assert f'<th scope="row">0–30 days</th><td>{round(100 * right / len(items))}%</td>' in page
    detail = html.unescape(text(lead_client.get(f"/instructor/trainees/{trainee.id}")))
    assert "what this trainee forgets first" in detail and 'id="retention-svg"' in detail


def test_the_home_opens_on_compliance_and_the_matrix_filters_by_the_due_date(app, make_user, travel):
    travel(T0)
    lead = make_user("instructor")
    done, late, soon = make_user(name="Dana Done"), make_user(name="Lou Late"), make_user(name="Sue Soon")
    with app.app_context():
        ward = cohorts.create_cohort("Ward 8", db.session.get(User, lead.id), due_on=date(2026, 1, 10))
        clinic = cohorts.create_cohort("Clinic 9", db.session.get(User, lead.id), due_on=date(2026, 1, 25))
        for user in (done, late):
            cohorts.join(user.id, ward.join_code)
        cohorts.join(soon.id, clinic.join_code)
    pass_by_services(app, done.id, catalog(app).modules)
    home = text(_client(app, lead).get("/instructor/"))
    assert home.index("Compliance today") < home.index('id="matrix-heading"')  # compliance first

    def names(url: str) -> set[str]:
        page = text(_client(app, lead).get(url))
        return {n for n in ("Dana Done", "Lou Late", "Sue Soon") if f">{n}</a>" in page}

    assert names("/instructor/?deadline=overdue") == {"Lou Late"}
    assert names("/instructor/?deadline=due+soon") == {"Sue Soon"}
    assert names("/instructor/?deadline=on+time") == set()
    assert names("/instructor/?deadline=bogus") == {"Dana Done", "Lou Late", "Sue Soon"}  # ignored, not a 500
    row = text(_client(app, lead).get("/instructor/?q=dana")).split(">Dana Done</a>")[1].split("</tr>")[0]
    assert "done" in row and "10 Jan 2026" in row


NOW = datetime(2026, 6, 1, 9, 0)
# The compliance rule, case by case at its edges: (certificate end, or "none" for one that never expires,
# "revoked", or None for no certificate; started; the cohort's due date) -> the status on the record.
RULE = {
    "Never Expires": ("none", False, None, "complete"),
    "Ends Later": (NOW + timedelta(days=31), False, None, "complete"),
    "Ends In Thirty": (NOW + timedelta(days=30), False, None, "expiring"),
    "Ends In Ten": (NOW + timedelta(days=10), True, date(2026, 5, 1), "expiring"),
    "Ends Now": (NOW, True, None, "expired"),
    "Ended Long Ago": (NOW - timedelta(days=200), True, date(2026, 5, 1), "expired"),
    "Revoked Started": ("revoked", True, None, "in progress"),
    "Due Yesterday": (None, True, date(2026, 5, 31), "overdue"),
    "Due Today": (None, True, date(2026, 6, 1), "in progress"),
    "Due Today Idle": (None, False, date(2026, 6, 1), "not started"),
    "Never Started": (None, False, None, "not started"),
}


def test_every_edge_of_the_compliance_rule_on_the_page_and_in_the_record(app, make_user, travel):
    travel(NOW - timedelta(days=400))
    lead = make_user("instructor")
    module = catalog(app).modules[0]
    with app.app_context():
        owner = db.session.get(User, lead.id)
        for name, (end, started, due_on, _) in RULE.items():
            trainee = make_user(name=name)
            cohort = cohorts.create_cohort(f"Cohort of {name}", owner, due_on=due_on)
            cohorts.join(trainee.id, cohort.join_code)
            if started:
                learning.complete_page(trainee.id, module, module.pages[0].anchor)
            if end is not None:
                db.session.add(
                    Certificate(
                        user_id=trainee.id,
                        current_of=trainee.id,
                        code=f"CODE-{trainee.id}",
                        holder_name=name,
                        issued_at=NOW - timedelta(days=300),
                        completed_at=NOW - timedelta(days=300),
                        valid_until=end if isinstance(end, datetime) else None,
                        scores=[],
                        revoked_at=NOW - timedelta(days=1) if end == "revoked" else None,
                    )
                )
        db.session.commit()
    travel(NOW)
    client = _client(app, lead)

    rows = list(csv.DictReader(io.StringIO(client.get("/instructor/compliance.csv").get_data().decode("utf-8-sig"))))
    assert {row["name"]: row["status"] for row in rows} == {name: case[3] for name, case in RULE.items()}
    revoked = next(row for row in rows if row["name"] == "Revoked Started")
    assert revoked["certificate_code"] == "" and revoked["valid_until"] == ""
    expected = {status: 0 for status in ("expired", "overdue", "expiring", "in progress", "not started", "complete")}
    for case in RULE.values():
        expected[case[3]] += 1
    page = text(client.get("/instructor/compliance"))
    cohort_rows = re.findall(r'<tr>\s*<th scope="row">.*?</tr>', page, flags=re.S)
    assert len(cohort_rows) >= len(RULE)
    counted = {status: 0 for status in expected}
    for status, number in re.findall(r'<td data-status="([^"]+)">(?:<strong>)?(\d+)', page):
        counted[status] += int(number)
    assert counted == expected
