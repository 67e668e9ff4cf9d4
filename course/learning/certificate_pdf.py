"""The certificate as a one-page PDF (fpdf2, with DejaVu so any Latin, Greek or Cyrillic name prints).

What it states: the issuing organisation and its logo, where the installation names them (`CERTIFICATE_*`
settings); the holder, the course and the day it was completed; the course's hours (`hours:` in
course.yaml); its validity; the module scores; a signatory, where one is named; and the verification code
and address. Nothing is invented where a setting is unset: the line is left out.

Accessibility: the PDF declares its language, title, subject and author (the title shows in the viewer's
title bar) and its verification address is a real link. It is not a tagged PDF: fpdf2 2.8 builds a
structure tree only for images, links and outline entries, not for text, so a screen reader gets the text
in reading order but no headings or table. The certificate's web page is the accessible version; the button
that downloads the PDF says so, and ACCESSIBILITY.md too. The printed certificate itself carries no notice."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from ..content.model import Hours
from .models import Certificate

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
INK, BRAND, MUTED = (20, 24, 31), (31, 78, 140), (85, 90, 100)
LOGO_HEIGHT = 18  # mm, at the top left inside the border


@dataclass(frozen=True)
class Issuer:
    """Who issues the certificate: installation settings, each optional (README, "Settings")."""

    organisation: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None
    logo: Path | None = None  # a PNG or SVG file, checked at start-up

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Issuer:
        return cls(
            config.get("CERTIFICATE_ISSUER"),
            config.get("CERTIFICATE_SIGNATORY_NAME"),
            config.get("CERTIFICATE_SIGNATORY_TITLE"),
            config.get("CERTIFICATE_LOGO"),
        )


def validity(certificate: Certificate) -> str:
    """The certificate's validity in words, the same on the PDF and the page."""
    if certificate.valid_until is None:
        return "This certificate does not expire."
    return f"Valid until {certificate.valid_until:%d %B %Y}."


def _line(pdf: FPDF, height: float, text: str, size: float, style: str = "", colour=INK) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)
    pdf.cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _logo(pdf: FPDF, path: Path) -> None:
    """The logo at the top left, its height fixed and its width following; a file that fails to draw is
    left out (and logged), never a broken image."""
    try:
        pdf.image(str(path), x=20, y=18, h=LOGO_HEIGHT)
    except Exception:  # any failure of a decorative image leaves it out
        log.warning("certificate logo %s could not be drawn; the certificate is printed without it", path)


def _scores(pdf: FPDF, scores: list[dict], top: float) -> float:
    """The module scores in two columns; returns the y below them."""
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_text_color(*INK)
    half = (len(scores) + 1) // 2
    for column, x in zip((scores[:half], scores[half:]), (34, 156), strict=True):
        pdf.set_xy(x, top)
        for entry in column:
            pdf.set_x(x)
            pdf.cell(92, 6.5, entry["title"][:54])
            pdf.cell(15, 6.5, f"{entry['score']:.0f}%", align="R", new_x="LMARGIN", new_y="NEXT")
    return top + 6.5 * half


def _signatory(pdf: FPDF, issuer: Issuer, x: float, y: float, width: float) -> None:
    """A line to sign on, the signatory's name and title under it."""
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.3)
    pdf.line(x, y, x + width, y)
    pdf.set_xy(x, y + 1.5)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(width, 6, issuer.signatory_name or "", align="C", new_x="LEFT", new_y="NEXT")
    if issuer.signatory_title:
        pdf.set_font("DejaVu", "", 9.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 5, issuer.signatory_title, align="C", new_x="LEFT", new_y="NEXT")
    if issuer.organisation:
        pdf.set_font("DejaVu", "", 9.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width, 5, issuer.organisation, align="C", new_x="LEFT", new_y="NEXT")


def _verification(pdf: FPDF, code: str, url: str, x: float, y: float, width: float) -> None:
    """The code, and the address where anyone can check it (only the address is the link)."""
    pdf.set_xy(x, y)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_text_color(*INK)
    pdf.cell(width, 7, f"Verification code: {code}", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(width, 5, "Anyone can check it at", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(*BRAND)
    url_width = pdf.get_string_width(url)
    pdf.set_x(x + (width - url_width) / 2)
    pdf.cell(url_width, 5, url, link=url, new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(*INK)


def render(
    certificate: Certificate,
    verify_url: str,
    course_title: str,
    issuer: Issuer | None = None,
    hours: Hours | None = None,
) -> bytes:
    issuer = issuer or Issuer()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate of completion: {certificate.holder_name} ({certificate.code})")
    pdf.set_subject(f"Completion of the course “{course_title}”")
    if issuer.organisation:
        pdf.set_author(issuer.organisation)
    pdf.set_lang("en")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_font("DejaVu", fname=str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)
    if issuer.logo is not None:
        _logo(pdf, issuer.logo)

    # The statement, centred in the upper part of the page.
    pdf.set_y(22)
    if issuer.organisation:
        _line(pdf, 8, issuer.organisation, 13, "B", BRAND)
    else:
        pdf.ln(4)
    pdf.ln(2)
    _line(pdf, 14, "Certificate of completion", 26, "B")
    pdf.ln(2)
    _line(pdf, 8, "This certifies that", 13)
    _line(pdf, 13, certificate.holder_name, 22, "B")
    _line(pdf, 8, f"completed the course “{course_title}”", 13)
    _line(pdf, 8, f"on {certificate.completed_at:%d %B %Y}.", 13)
    if hours is not None:
        _line(pdf, 7, hours.words + ".", 11.5)
    _line(pdf, 7, validity(certificate), 11.5, "B")

    # The scores in the middle; the signatory and the verification side by side along the foot.
    _scores(pdf, certificate.scores, pdf.get_y() + 8)
    foot = 168
    if issuer.signatory_name:
        _signatory(pdf, issuer, 34, foot, 100)
        _verification(pdf, certificate.code, verify_url, 156, foot - 4, 107)
    else:
        _verification(pdf, certificate.code, verify_url, 34, foot - 4, 229)
    return bytes(pdf.output())
