"""Staying current, driven as trainees and the clock drive it: passes, refreshers, lapses, windows and
renewals, months apart on the app's clock (course/clock.py)."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course.audit.models import AuditEvent
from course.extensions import db
from course.recertification.policy import add_months

from ..support.currency import answer_refresher, cards, pass_by_services, periods, start_refresher
from ..support.helpers import login, post, text
from ..support.journey import catalog, pass_module

T0 = datetime(2026, 1, 15, 9, 0)


@pytest.fixture
def app(app_factory):
    """Sessions that outlive the months these tests travel (the session limits have their own tests)."""
    return app_factory(SESSION_IDLE_MINUTES=10**7, SESSION_MAX_DAYS=10**4)


def _trainee(app, make_user, name="Rita Refresher"):
    user = make_user(name=name)
    client = app.test_client()
    login(client, user.email)
    return user, client


def test_refreshers_come_when_due_with_immediate_feedback_and_a_miss_comes_back_sooner(app, make_user, travel):
    travel(T0)
    user, client = _trainee(app, make_user)
    module = catalog(app).modules[0]
    pass_module(client, app, module)
    scheduled = cards(app, user.id)
    assert {objective for _, objective in scheduled} == set(range(1, len(module.objectives) + 1))
    assert all(card.due_at > T0 for card in scheduled.values())
    early = post(client, "/refresher")
    assert early.status_code == 409 and "No refresher is due" in text(early)

    travel(max(card.due_at for card in scheduled.values()) + timedelta(days=1))
    refresher_id = start_refresher(client)
    assert start_refresher(client) == refresher_id  # a second click resumes the same refresher
    _, stranger = _trainee(app, make_user, name="Sid Stranger")  # another trainee's refresher is not found
    assert stranger.get(f"/refreshers/{refresher_id}/1").status_code == 404
    assert post(stranger, f"/refreshers/{refresher_id}/1", {"choice": ["x"]}).status_code == 404
    page = text(client.get(f"/refreshers/{refresher_id}/1"))
    assert "Refresher question 1 of" in page and "Check my answer" in page
    items = answer_refresher(client, app, refresher_id, right=lambda item: item.position != 1)
    assert 3 <= len(items) <= 5 or len(items) == len(module.quiz.questions)
    assert {i.objective for i in items} >= {o for _, o in scheduled}  # every due objective asked

    missed = items[0]
    feedback = html.unescape(text(client.get(f"/refreshers/{refresher_id}/1")))
    assert missed.score < 1 and ("Not quite" in feedback or "Partly right" in feedback), feedback
    assert "comes back sooner" in feedback and missed.snapshot["explanation"] in feedback
    lesson_module, _, anchor = missed.snapshot["lesson"].partition("#")
    assert f'href="/modules/{lesson_module}/pages/{anchor}"' in feedback
    later = cards(app, user.id)
    right_ones = [
        later[(module.slug, i.objective)].due_at for i in items if i.score == 1 and i.objective != missed.objective
    ]
    if right_ones:
        assert later[(module.slug, missed.objective)].due_at < min(right_ones)
    assert later[(module.slug, missed.objective)].due_at > scheduled[(module.slug, missed.objective)].reviewed_at
    assert "That was the last question" in text(client.get(f"/refreshers/{refresher_id}/{len(items)}"))


def _events(app, user_id, action):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == user_id, AuditEvent.action == action)
        ).all()


def _code(page: str) -> str:
    return re.search(r"Verification code: <strong class=\"code\">([A-F0-9-]+)</strong>", page)[1]


def test_a_lapsed_course_is_renewed_by_passes_and_the_old_certificate_verifies_as_superseded(app, make_user, travel):
    travel(T0)
    user, client = _trainee(app, make_user, name="José Álvarez")
    modules = catalog(app).modules
    pass_by_services(app, user.id, modules)
    certificate = text(client.get("/certificate"))
    first_code = _code(certificate)
    expiry = add_months(T0, 12)
    assert f"{T0:%d %B %Y}" in certificate and "Valid until" in certificate and f"{expiry:%d %B %Y}" in certificate
    pdf = PdfReader(io.BytesIO(client.get("/certificate.pdf").data)).pages[0].extract_text()
    assert f"{T0:%d %B %Y}" in pdf and f"Valid until {expiry:%d %B %Y}" in pdf
    public = app.test_client()
    assert "Current." in text(public.get(f"/verify/{first_code}"))

    # Eight months without a refresher: every module lapses (recorded once), still valid until its date.
    travel(add_months(T0, 8))
    assert client.get("/dashboard").status_code == 200
    assert len(_events(app, user.id, "lapse")) == len(modules)
    client.get("/dashboard")
    assert len(_events(app, user.id, "lapse")) == len(modules)
    assert all(p.lapsed_at is not None for p in periods(app, user.id).values())
    assert "Current." in text(public.get(f"/verify/{first_code}"))

    # A pass of each quiz in the window renews the module; the last renewal renews the certificate.
    renewed_at = add_months(T0, 8) + timedelta(days=1)
    travel(renewed_at)
    pass_by_services(app, user.id, modules)
    assert len(_events(app, user.id, "renewal")) == len(modules)
    assert len(_events(app, user.id, "certificate-renewal")) == 1
    renewed = text(client.get("/certificate"))
    second_code = _code(renewed)
    assert second_code != first_code and f"{add_months(renewed_at, 12):%d %B %Y}" in renewed
    old = text(public.get(f"/verify/{first_code}"))
    assert "Superseded." in old and second_code in old and "José Álvarez" in old
    assert "Current." in text(public.get(f"/verify/{second_code}"))

    # Nothing more: past its date the certificate verifies as expired, since that date.
    travel(add_months(renewed_at, 13))
    expired = text(public.get(f"/verify/{second_code}"))
    assert "Expired" in expired and f"since {add_months(renewed_at, 12):%d %B %Y}" in expired


def test_refreshers_kept_up_renew_the_modules_at_expiry_without_a_retake(app, make_user, travel):
    travel(T0)
    user, client = _trainee(app, make_user)
    modules = catalog(app).modules
    pass_by_services(app, user.id, modules)
    first_code = _code(text(client.get("/certificate")))
    now = T0
    while now < add_months(T0, 12) + timedelta(days=2):
        upcoming = min(card.due_at for card in cards(app, user.id).values())
        now = max(upcoming, now) + timedelta(hours=1)
        travel(now)
        answer_refresher(client, app, start_refresher(client))  # every answer right
    client.get("/dashboard")
    assert not _events(app, user.id, "lapse")
    assert len(_events(app, user.id, "renewal")) == len(modules)
    assert all(p.valid_until == add_months(T0, 24) for p in periods(app, user.id).values())
    second = text(client.get("/certificate"))
    assert _code(second) != first_code and "Valid until" in second and f"{add_months(T0, 24):%d %B %Y}" in second


def test_the_window_before_expiry_lets_a_pass_renew_a_current_module_and_not_before(app, make_user, travel):
    travel(T0)
    user, client = _trainee(app, make_user)
    module = catalog(app).modules[0]
    pass_by_services(app, user.id, [module])

    def keep_up_until(moment):
        while (upcoming := min(card.due_at for card in cards(app, user.id).values())) < moment:
            travel(upcoming + timedelta(hours=1))
            answer_refresher(client, app, start_refresher(client))
        travel(moment)

    keep_up_until(add_months(T0, 9))  # current, the window (60 days before expiry) not yet open
    pass_by_services(app, user.id, [module])
    assert periods(app, user.id)[module.slug].certified_at == T0 and not _events(app, user.id, "renewal")

    window = add_months(T0, 12) - timedelta(days=30)
    keep_up_until(window)
    client.get("/dashboard")
    assert not _events(app, user.id, "lapse")
    pass_by_services(app, user.id, [module])
    renewed = periods(app, user.id)[module.slug]
    assert renewed.certified_at == window and renewed.valid_until == add_months(window, 12)
    assert [e.module_slug for e in _events(app, user.id, "renewal")] == [module.slug]


def test_the_dashboard_shows_the_due_date_the_days_left_and_a_due_refresher_as_the_next_step(app, make_user, travel):
    travel(T0)
    lead = make_user("instructor")
    user, client = _trainee(app, make_user)
    with app.app_context():
        from course.enrolment import cohorts
        from course.identity.models import User

        cohort = cohorts.create_cohort("Ward 3", db.session.get(User, lead.id), due_on=(T0 + timedelta(days=30)).date())
        cohorts.join(user.id, cohort.join_code)
    page = html.unescape(text(client.get("/dashboard")))
    assert "Complete by" in page and "30 days left" in page and 'data-deadline="on time"' in page
    pass_by_services(app, user.id, catalog(app).modules)
    assert client.get("/certificate").status_code == 200
    travel(min(card.due_at for card in cards(app, user.id).values()) + timedelta(hours=1))
    page = html.unescape(text(client.get("/dashboard")))
    assert 'data-deadline="done"' in page and "Take the two-minute refresher" in page
    assert f"valid until <strong>{add_months(T0, 12):%d %B %Y}</strong>" in page.replace("Valid", "valid")
    form = page.split('action="/refresher"')[0]
    assert form.count("<form") >= 1  # the Continue is a form posting to /refresher
    travel(add_months(T0, 8))
    page = html.unescape(text(client.get("/dashboard")))
    assert "A pass of the quiz renews these modules" in page and "lapsed: refreshers not kept up" in page
