"""Staying current in a real browser: the verify page in each state (current, superseded, expired,
revoked), the certificate with its dates (and its PDF, downloaded), a refresher with its feedback, the
compliance and retention pages. axe-core finds no WCAG 2 A/AA violation at 1280 and 320 px, and a
screenshot of each is saved under test-results/screenshots/. The app's clock travels (course/clock.py):
the live server runs in this process, so it sees the same time."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.learning.models import Certificate
from course.recertification.policy import add_months

from ..support.currency import cards, pass_by_services, refresher_items
from ..support.helpers import login
from ..support.journey import form_for
from .conftest import login_in_browser
from .support import assert_accessible

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "narrow": {"width": 320, "height": 740}}
T0 = datetime(2026, 1, 15, 9, 0)


@pytest.fixture
def app(app_factory):
    return app_factory(
        SESSION_IDLE_MINUTES=10**7,
        SESSION_MAX_DAYS=10**4,
        CERTIFICATE_ISSUER="Riverside Community Clinic",
        CERTIFICATE_SIGNATORY_NAME="Dr Amara Okafor",
        CERTIFICATE_SIGNATORY_TITLE="Clinical training lead",
    )


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def codes_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(Certificate.code).where(Certificate.user_id == user_id).order_by(Certificate.id))
        )


@pytest.fixture
def history(app, make_user, travel):
    """Ada: certified at T0, renewed eight months later (her first code superseded); Ben: certified at T0,
    then his certificate revoked; a lead who follows both. The clock stops at T0 + 9 months."""
    travel(T0)
    lead = make_user("instructor", name="Ines Lead")
    ada, ben = make_user(name="Ada Renewer"), make_user(name="Ben Revoked")
    modules = app.extensions["catalog"].modules
    with app.app_context():
        cohort = cohorts.create_cohort(
            "Ward 7", db.session.get(User, lead.id), due_on=(T0 + timedelta(days=400)).date()
        )
        for user in (ada, ben):
            cohorts.join(user.id, cohort.join_code)
    for user in (ada, ben):
        pass_by_services(app, user.id, modules)
        client = app.test_client()
        login(client, user.email)
        assert client.get("/certificate").status_code == 200
    travel(add_months(T0, 8))
    client = app.test_client()
    login(client, ada.email)
    assert client.get("/dashboard").status_code == 200  # records her lapses: renewal is open
    pass_by_services(app, ada.id, modules)
    with app.app_context():
        db.session.execute(
            update(Certificate).where(Certificate.user_id == ben.id).values(revoked_at=add_months(T0, 8))
        )
        db.session.commit()
    travel(add_months(T0, 9))
    return {
        "lead": lead,
        "ada": ada,
        "ben": ben,
        "ada_codes": codes_of(app, ada.id),
        "ben_code": codes_of(app, ben.id)[0],
    }


@pytest.mark.parametrize("size", list(WIDTHS))
def test_verify_page_in_every_state_and_the_certificate(app, history, new_page, travel, size):
    page = new_page(viewport=WIDTHS[size])
    first, renewed = history["ada_codes"]
    states = {"current": renewed, "superseded": first, "revoked": history["ben_code"]}
    for state, code in states.items():
        assert_accessible(page, f"/verify/{code}")
        assert page.locator(f'[data-state="{state}"]').is_visible(), state
        shoot(page, f"verify-{state}-{size}")
    assert page.get_by_role("link", name=renewed).count() == 0  # only a superseded one names its successor
    page.goto(f"/verify/{first}")
    assert page.get_by_role("link", name=renewed).is_visible()

    login_in_browser(page, history["ada"].email)
    assert_accessible(page, "/certificate")
    renewal = add_months(T0, 8)
    text = page.locator("article.certificate").inner_text()
    assert f"{renewal:%d %B %Y}" in text and f"Valid until {add_months(renewal, 12):%d %B %Y}" in text
    shoot(page, f"certificate-valid-until-{size}")
    if size == "desktop":
        with page.expect_download() as download:
            page.get_by_role("link", name="Download as PDF").click()
        data = Path(download.value.path()).read_bytes()
        pdf = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert f"{renewal:%d %B %Y}" in pdf and f"Valid until {add_months(renewal, 12):%d %B %Y}" in pdf
        assert "Riverside Community Clinic" in pdf and "Dr Amara Okafor" in pdf
        pdfium.PdfDocument(data)[0].render(scale=1.5).to_pil().save(SHOTS / "certificate-pdf.png")

    travel(add_months(renewal, 13))
    assert_accessible(page, f"/verify/{renewed}")
    assert page.locator('[data-state="expired"]').is_visible()
    assert f"since {add_months(renewal, 12):%d %B %Y}" in page.locator('[data-state="expired"]').inner_text()
    shoot(page, f"verify-expired-{size}")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_refresher_with_immediate_feedback(app, history, new_page, travel, size):
    ada = history["ada"]
    due = min(card.due_at for card in cards(app, ada.id).values())
    travel(due + timedelta(hours=1))
    page = new_page(viewport=WIDTHS[size])
    login_in_browser(page, ada.email)
    assert_accessible(page, "/dashboard")
    assert page.locator(".standing").is_visible()
    shoot(page, f"dashboard-refresher-due-{size}")
    page.get_by_role("button", name="Take the two-minute refresher").click()
    page.wait_for_url(re.compile(r"/refreshers/\d+/1$"))
    assert_accessible(page)
    shoot(page, f"refresher-question-{size}")
    refresher_id = int(re.search(r"/refreshers/(\d+)/1", page.url)[1])
    item = refresher_items(app, refresher_id)[0]
    for name, values in form_for(item.snapshot, right=False).items():
        if name.startswith("match-"):
            page.select_option(f'select[name="{name}"]', values[0])
        else:
            for value in values:
                page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_url(re.compile(r"/refreshers/\d+/1$"))
    assert_accessible(page)
    assert page.get_by_text("comes back sooner").is_visible()
    assert page.get_by_role("link", name="Read the lesson section").is_visible()
    shoot(page, f"refresher-feedback-{size}")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_dashboard_with_renewals_open_and_an_expired_certificate(app, history, new_page, travel, size):
    travel(add_months(T0, 22))  # Ben's modules lapsed long ago and expired; Ada's lapsed too
    page = new_page(viewport=WIDTHS[size])
    login_in_browser(page, history["ada"].email)
    assert_accessible(page, "/dashboard")
    assert page.get_by_text("A pass of the quiz renews these modules").is_visible()
    shoot(page, f"dashboard-renewal-open-{size}")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_compliance_and_retention_pages(app, history, new_page, size):
    page = new_page(viewport=WIDTHS[size])
    login_in_browser(page, history["lead"].email)
    assert_accessible(page, "/instructor/")
    assert page.get_by_role("heading", name="Compliance today").is_visible()
    shoot(page, f"instructor-home-compliance-{size}")
    assert_accessible(page, "/instructor/?deadline=on+time")
    shoot(page, f"instructor-matrix-deadline-{size}")
    assert_accessible(page, "/instructor/compliance")
    assert page.locator('td[data-status="complete"]').first.inner_text() == "1"
    shoot(page, f"instructor-compliance-{size}")
    assert_accessible(page, "/instructor/retention")
    shoot(page, f"instructor-retention-{size}")
