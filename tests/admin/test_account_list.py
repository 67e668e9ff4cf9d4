"""The admin's account list (issue 24, A4): per person the role, the last log-in in the viewer's time zone
(or "never"), their cohorts, and a trainee's progress or certificate; filters by role and cohort; and a
bounded number of SQL statements whatever the page holds."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import update

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.learning.models import Certificate

from ..support.helpers import login, text
from ..support.journey import catalog
from ..support.world import build_world, client_for


def row_of(html: str, email: str) -> str:
    """The table row of one account, tags removed and spaces squeezed."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*?{re.escape(email)}.*?</tr>", html, re.S)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def certify(app, user_id: int, valid_until: datetime | None, revoked: bool = False) -> None:
    with app.app_context():
        now = datetime(2026, 12, 1, 9, 0)
        db.session.add(
            Certificate(
                user_id=user_id,
                current_of=user_id,
                code=f"TEST-{user_id:04d}",
                holder_name="Holder",
                issued_at=now,
                completed_at=now,
                valid_until=valid_until,
                scores=[],
                revoked_at=now if revoked else None,
            )
        )
        db.session.commit()


def test_the_list_shows_last_log_in_cohorts_and_progress(app, make_user, travel):
    travel(datetime(2026, 12, 7, 10, 0))
    world = build_world(app, make_user)  # T is in "Clinic X" (A follows it), passed module 1; U logged in never
    certified = make_user(email="cert@clinic.example", name="Cora Certified")
    certify(app, certified.id, valid_until=datetime(2027, 12, 1, 9, 0))
    lapsed = make_user(email="lapsed@clinic.example", name="Lee Lapsed")
    certify(app, lapsed.id, valid_until=datetime(2026, 12, 2, 9, 0))
    with app.app_context():
        db.session.execute(update(User).where(User.id == world.admin.id).values(time_zone="Europe/Berlin"))
        db.session.commit()
    travel(datetime(2026, 12, 7, 13, 0))  # three hours after T's log-in
    admin = client_for(app, world.admin)
    html = text(admin.get("/admin/"))
    for heading in ("Last log-in", "Cohorts", "Progress", "Role"):
        assert f'<th scope="col">{heading}</th>' in html
    modules = len(catalog(app).modules)
    tess = row_of(html, world.t.email)
    assert "trainee" in tess and "3 hours ago" in tess and "Clinic X" in tess
    assert f"1 of {modules} modules passed" in tess, tess
    # The exact time is the <time> element's title, in the viewer's zone (Berlin: UTC+1 in December).
    assert 'title="07 Dec 2026, 11:00 CET"' in html and 'datetime="2026-12-07T10:00:00Z"' in html
    assert "never" in row_of(html, world.u.email) and "–" in row_of(html, world.u.email)
    assert "Certified, until" in row_of(html, certified.email)
    assert "Certificate expired; 0 of" in row_of(html, lapsed.email)
    teacher = row_of(html, world.a.email)
    assert "instructor" in teacher and "Clinic X (instructor)" in teacher and "modules passed" not in teacher


def test_a_log_in_is_recorded_and_shown(app, make_user, travel):
    travel(datetime(2026, 12, 7, 8, 0))
    admin, nurse = make_user("admin"), make_user(email="nurse@clinic.example")
    assert "never" in row_of(text(client_for(app, admin).get("/admin/")), nurse.email)
    login(app.test_client(), nurse.email)
    travel(datetime(2026, 12, 9, 8, 0))
    client = client_for(app, admin)
    assert "2 days ago" in row_of(text(client.get("/admin/")), nurse.email)
    assert re.search(
        r"<dt>Last log-in</dt><dd><time[^>]*>2 days ago</time>", text(client.get(f"/admin/users/{nurse.id}"))
    )
    with app.app_context():
        assert db.session.get(User, nurse.id).last_login_at == datetime(2026, 12, 7, 8, 0)


def test_filter_by_role_and_by_cohort(app, make_user):
    world = build_world(app, make_user)
    with app.app_context():
        other = cohorts.create_cohort("Night shift", db.session.get(User, world.b.id))
        cohorts.join(world.u.id, other.join_code)
        night, clinic = other.id, world.cohort_id
    admin = client_for(app, world.admin)
    page = text(admin.get(f"/admin/?cohort={clinic}"))
    assert "2 accounts." in page and world.t.email in page and world.a.email in page and world.u.email not in page
    page = text(admin.get(f"/admin/?cohort={night}&role=trainee"))
    assert "1 account." in page and world.u.email in page and world.b.email not in page
    assert f'<option value="{night}" selected>Night shift</option>' in page
    page = text(admin.get(f"/admin/?cohort={night}&role=instructor"))
    assert "1 account." in page and world.b.email in page
    assert "No accounts match." in text(admin.get("/admin/?cohort=99999"))
    assert admin.get("/admin/?cohort=abc").status_code == 200  # a cohort that is not a number: no filter
    # The pager keeps the filters.
    for n in range(55):
        make_user(email=f"t{n:02}@clinic.example")
    page = text(admin.get("/admin/?role=trainee"))
    assert "/admin/?page=2&amp;role=trainee" in page or "/admin/?role=trainee&amp;page=2" in page


def test_the_list_costs_a_fixed_number_of_statements(app, make_user, query_counter, travel):
    travel(datetime(2026, 12, 7, 10, 0))
    world = build_world(app, make_user)
    budgets = {}
    for size in (5, 50):
        while True:
            with app.app_context():
                count = db.session.query(User).count()
            if count >= size:
                break
            person = make_user()
            login(app.test_client(), person.email)
        client = client_for(app, world.admin)
        for url in ("/admin/", "/admin/?role=trainee&status=active", f"/admin/?cohort={world.cohort_id}&q=t"):
            query_counter.count, query_counter.statements, query_counter.active = 0, [], True
            assert client.get(url).status_code == 200
            query_counter.active = False
            budgets[(size, url)] = query_counter.count
            assert query_counter.count <= 8, (url, query_counter.count, query_counter.statements)
    assert budgets[(5, "/admin/")] == budgets[(50, "/admin/")]  # a full page costs what a short one does
