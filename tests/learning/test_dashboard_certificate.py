"""The dashboard's numbers and next steps, and the certificate from the last pass to public verification."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

from markupsafe import escape

from course.clock import utcnow
from course.extensions import db
from course.identity.models import User
from course.learning import certificate_pdf

from ..support.helpers import login, text
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


def test_the_pdf_certificate_has_a_language_a_title_a_link_and_points_to_the_accessible_version():
    """Read from the PDF's bytes: the catalog's /Lang, the info /Title (shown in the title bar), a link
    annotation on the verification address; the text pointing to the HTML certificate is in a content
    stream (compressed), so it is checked on the module's constant."""
    certificate = SimpleNamespace(
        code="ABCD-1234-EF56",
        holder_name="Łucja Ñúñez",
        issued_at=datetime(2026, 11, 30, 9, 15),
        completed_at=datetime(2026, 11, 29, 17, 5),
        valid_until=None,
        scores=[{"title": f"Module {n}", "score": 100.0} for n in range(1, 13)],
    )
    url = "https://course.example/verify/ABCD-1234-EF56"
    pdf = certificate_pdf.render(certificate, url, "Ketamine: uses, mechanism, risks and legal status")
    assert b"/Lang (en)" in pdf
    assert b"/DisplayDocTitle true" in pdf
    title = re.search(rb"/Title <feff([0-9a-f]+)>", pdf)[1]
    expected = "Certificate of completion: Łucja Ñúñez (ABCD-1234-EF56)"
    assert bytes.fromhex(title.decode()).decode("utf-16-be") == expected
    assert b"/Subtype /Link" in pdf and b"/URI (" + url.encode() + b")" in pdf
    assert "accessible version" in " ".join(certificate_pdf.ACCESSIBLE_VERSION)


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
