"""The dashboard's numbers and next steps, and the certificate from the last pass to public verification."""

from __future__ import annotations

import io
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from markupsafe import escape
from pypdf import PdfReader

from course.clock import utcnow
from course.content.model import Hours
from course.extensions import db
from course.identity import services as accounts
from course.identity.models import User
from course.learning import certificate_pdf

from ..support.helpers import PASSWORD, login, text
from ..support.journey import answer_all, catalog, pass_module, read_module, start_quiz, submit


def card_of(html: str, module) -> str:
    start = html.index(f"{module.number}. {escape(module.title)}</a></h3>")
    return html[start : html.index("</li>", start)]


def next_step_of(html: str) -> str:
    start = html.index('id="next-step-heading"')
    return html[start : html.index("</section>", start)]


def test_dashboard_shows_two_numbers_and_the_next_step_per_module(trainee_client, app):
    modules = catalog(app).modules
    first = text(trainee_client.get("/dashboard"))
    total_pages = sum(len(m.pages) for m in modules)
    assert f"0 of {total_pages} pages read" in first
    assert f"0 of {len(modules)} modules passed" in first
    assert "Not started" in card_of(first, modules[0]) and ">Start<" in card_of(first, modules[0])
    assert "80% to pass" in first and "best attempt counts" in first

    trainee_client.get(f"/modules/{modules[0].slug}/pages/{modules[0].pages[0].anchor}")
    card = card_of(text(trainee_client.get("/dashboard")), modules[0])
    assert "In progress" in card and ">Continue<" in card

    read_module(trainee_client, modules[0])
    card = card_of(text(trainee_client.get("/dashboard")), modules[0])
    assert "Lessons done" in card and "Take the quiz" in card

    attempt_id = start_quiz(trainee_client, modules[0].slug)
    answer_all(trainee_client, app, attempt_id, right=False)
    submit(trainee_client, attempt_id)
    card = card_of(text(trainee_client.get("/dashboard")), modules[0])
    assert "Retake" in card and "next attempt opens" in card and "0%" in card

    pass_module(trainee_client, app, modules[1])
    html = text(trainee_client.get("/dashboard"))
    card = card_of(html, modules[1])
    assert "Passed" in card and "100%" in card and "Review" in card
    done = sum(len(m.pages) for m in modules[:2])
    assert f"{done} of {total_pages} pages read" in html
    assert f"1 of {len(modules)} modules passed" in html


def test_certificate_is_refused_until_every_module_is_passed(trainee_client, app):
    response = trainee_client.get("/certificate")
    assert response.status_code == 403 and "you have passed 0" in text(response)
    assert trainee_client.get("/certificate.pdf").status_code == 403


def test_certificate_after_every_module_and_public_verification(app, make_user):
    user = make_user(name="Łucja Ñúñez")
    client = app.test_client()
    login(client, user.email)
    modules = catalog(app).modules
    for module in modules:
        pass_module(client, app, module)
    dashboard = text(client.get("/dashboard"))
    n = len(modules)
    assert f"{n} of {n} modules passed" in dashboard and "Get your certificate" in next_step_of(dashboard)

    page = text(client.get("/certificate"))
    code = re.search(r"Verification code: <strong class=\"code\">([A-F0-9-]+)</strong>", page)[1]
    assert "Łucja Ñúñez" in page and page.count("100%") == n
    assert text(client.get("/certificate")).count(code) >= 1  # issued once, same code again

    pdf = client.get("/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert f"certificate-{code}.pdf" in pdf.headers["Content-Disposition"]

    public = app.test_client()
    verified = text(public.get(f"/verify/{code.lower()}"))
    assert "Current." in verified and "Łucja Ñúñez" in verified
    assert "100%" not in verified and user.email not in verified  # only name, date and validity
    assert public.get("/verify?code=" + code).status_code == 302
    # typed with spaces, without dashes, in lower case: the same certificate (issue 24, T8)
    for typed in (code.replace("-", " "), code.replace("-", ""), code.replace("-", "").lower(), f" {code} "):
        assert "Current." in text(public.get("/verify/" + typed)), typed
    missing = public.get("/verify/NOPE-NOPE-NOPE")
    assert missing.status_code == 404 and "No certificate has this code" in text(missing)


CERTIFICATE = SimpleNamespace(
    code="ABCD-1234-EF56",
    holder_name="Łucja Ñúñez",
    issued_at=datetime(2026, 11, 30, 9, 15),
    completed_at=datetime(2026, 11, 29, 17, 5),
    valid_until=datetime(2027, 11, 29, 17, 5),
    scores=[{"title": f"Module {n}", "score": 100.0} for n in range(1, 13)],
)
VERIFY_URL = "https://course.example/verify/ABCD-1234-EF56"
ISSUER = certificate_pdf.Issuer("Northside Clinic Training", "Dr Amara Mensah", "Head of clinical education")


def lines_with_heights(pdf: bytes) -> list[tuple[str, float]]:
    """Each line of the page's text with its height from the page's foot (pypdf reads it back)."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), tm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def test_the_pdf_certificate_has_a_language_a_title_a_link_and_no_notice_printed_on_it():
    """Read from the PDF: the catalog's /Lang, the info /Title (shown in the title bar), /Author, a link
    annotation on the verification address. The printed certificate carries no note about screen readers
    (issue 24, T13): the button that downloads it says the web page is the accessible version."""
    pdf = certificate_pdf.render(CERTIFICATE, VERIFY_URL, "Ketamine: uses, mechanism, risks and legal status", ISSUER)
    assert b"/Lang (en)" in pdf
    assert b"/DisplayDocTitle true" in pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Certificate of completion: Łucja Ñúñez (ABCD-1234-EF56)"
    assert reader.metadata.author == "Northside Clinic Training"
    assert b"/Subtype /Link" in pdf and b"/URI (" + VERIFY_URL.encode() + b")" in pdf
    words = reader.pages[0].extract_text()
    assert "screen reader" not in words and "not tagged" not in words


def test_the_pdf_names_its_issuer_signatory_and_hours_and_fills_the_page():
    """Issue 24, T13, read back with pypdf: the organisation, the signatory's name and title, the course's
    hours and the validity are printed; the page is used top to bottom (text in its lowest quarter); with no
    issuer settings nothing is invented: no organisation, no signature line, and no author."""
    hours = Hours(3.5, "continuing-education")
    pdf = certificate_pdf.render(CERTIFICATE, VERIFY_URL, "Ketamine course", ISSUER, hours)
    words = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "Northside Clinic Training",
        "Dr Amara Mensah",
        "Head of clinical education",
        "3.5 continuing-education hours.",
        "Valid until 29 November 2027.",
        "Łucja Ñúñez",
        "Verification code: ABCD-1234-EF56",
    ):
        assert expected in words, expected
    page_height = 210 / 25.4 * 72  # A4 landscape, in points
    heights = [y for _, y in lines_with_heights(pdf)]
    assert min(heights) < page_height / 4, "the foot of the page carries the signatory and verification"
    assert max(heights) > page_height * 3 / 4

    plain = certificate_pdf.render(CERTIFICATE, VERIFY_URL, "Ketamine course", certificate_pdf.Issuer(), None)
    reader = PdfReader(io.BytesIO(plain))
    words = reader.pages[0].extract_text()
    assert "Northside" not in words and "Dr Amara" not in words and "hours" not in words
    assert reader.metadata.author is None
    assert "Verification code: ABCD-1234-EF56" in words
    assert min(y for _, y in lines_with_heights(plain)) < page_height / 4


def test_a_configured_logo_is_drawn_and_a_missing_or_wrong_one_stops_the_start(tmp_path, app_factory):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (31, 78, 140)).save(logo)
    with_logo = certificate_pdf.render(
        CERTIFICATE, VERIFY_URL, "Ketamine course", certificate_pdf.Issuer("Northside", logo=logo)
    )
    assert len(PdfReader(io.BytesIO(with_logo)).pages[0].images) == 1
    assert not PdfReader(io.BytesIO(certificate_pdf.render(CERTIFICATE, VERIFY_URL, "K"))).pages[0].images

    not_an_image = tmp_path / "logo.svg"
    not_an_image.write_text("hello")
    for path, message in (
        (tmp_path / "absent.png", "cannot be read"),
        (tmp_path / "logo.gif", "must be a .png or .svg file"),
        (not_an_image, "is not a SVG image"),
    ):
        with pytest.raises(RuntimeError, match=message):
            app_factory(CERTIFICATE_LOGO=path)


def test_the_issuer_settings_reach_the_certificate_page_and_pdf_over_http(app_factory, tmp_path):
    """The installation's issuer settings and the course's hours, through /certificate and /certificate.pdf."""
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><rect width="90" height="30"/></svg>'
    )
    app = app_factory(
        CERTIFICATE_ISSUER="Northside Clinic Training",
        CERTIFICATE_SIGNATORY_NAME="Dr Amara Mensah",
        CERTIFICATE_SIGNATORY_TITLE="Head of clinical education",
        CERTIFICATE_LOGO=logo,
    )
    with app.app_context():
        user = accounts.register("finisher@example.com", "Fay Finisher", PASSWORD)
        user.email_verified_at = utcnow()
        db.session.commit()
    client = app.test_client()
    login(client, "finisher@example.com")
    for module in catalog(app).modules:
        pass_module(client, app, module)
    hours = catalog(app).course.hours
    page = text(client.get("/certificate"))
    assert "Northside Clinic Training" in page and "Dr Amara Mensah" in page and "Head of clinical education" in page
    assert f"{hours.words}." in page
    pdf = client.get("/certificate.pdf")
    assert pdf.status_code == 200
    words = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for expected in ("Northside Clinic Training", "Dr Amara Mensah", "Head of clinical education", hours.words):
        assert expected in words, expected


def test_an_unconfirmed_finisher_is_led_to_confirm_the_email_never_into_the_refused_certificate(app, make_user):
    """Issue 24, T7: after the last pass, with the email unconfirmed, neither the completion page nor the
    dashboard links the certificate (a 403); both say to confirm the email and offer the link again. Once
    confirmed, the Continue is the certificate, and it opens."""
    user = make_user(verified=False)
    client = app.test_client()
    login(client, user.email)
    modules = catalog(app).modules
    for module in modules:
        last = pass_module(client, app, module)
    for page in (text(client.get(f"/attempts/{last}/passed")), text(client.get("/dashboard"))):
        step = next_step_of(page)
        assert "Confirm your email to get your certificate" in step
        assert "Send the confirmation link again" in step
        assert 'href="/certificate' not in page and "Get your certificate" not in page
    assert client.get("/certificate").status_code == 403  # the rule itself stands

    with app.app_context():
        db.session.get(User, user.id).email_verified_at = utcnow()
        db.session.commit()
    step = next_step_of(text(client.get("/dashboard")))
    assert "Get your certificate" in step and "Confirm your email" not in step
    assert client.get("/certificate").status_code == 200

    # A certificate already issued opens whatever the email's state now (an address changed since):
    # the Continue leads to it, not to confirming the new address.
    with app.app_context():
        db.session.get(User, user.id).email_verified_at = None
        db.session.commit()
    step = next_step_of(text(client.get("/dashboard")))
    assert "Get your certificate" in step and "Confirm your email" not in step
    assert client.get("/certificate").status_code == 200
