"""The certificate as a one-page PDF (fpdf2, with DejaVu so any Latin, Greek or Cyrillic name prints).

Accessibility: the PDF declares its language and title (shown in the viewer's title bar) and its
verification address is a real link. It is not a tagged PDF: fpdf2 2.8 builds a structure tree only for
images, links and outline entries, not for text, so a screen reader gets the text in reading order but
no headings or table. The PDF says so and points to the HTML certificate, which is the accessible
version (see ACCESSIBILITY.md)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from .models import Certificate

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
ACCESSIBLE_VERSION = (
    "This PDF is not tagged for screen readers; the accessible version of this certificate is its web page:",
    "log in to the course, open My progress, then Get your certificate.",
)


def validity(certificate: Certificate) -> str:
    """The certificate's validity in words, the same on the PDF and the page."""
    if certificate.valid_until is None:
        return "This certificate does not expire."
    return f"Valid until {certificate.valid_until:%d %B %Y}."


def render(certificate: Certificate, verify_url: str, course_title: str) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate of completion: {certificate.holder_name} ({certificate.code})")
    pdf.set_subject(f"Completion of the course “{course_title}”")
    pdf.set_lang("en")
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    pdf.add_font("DejaVu", fname=str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", style="B", fname=str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_draw_color(40, 70, 110)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_y(24)
    pdf.set_font("DejaVu", "B", 26)
    pdf.cell(0, 14, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(0, 9, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 13, certificate.holder_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(0, 9, f"completed the course “{course_title}”", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 9, f"on {certificate.completed_at:%d %B %Y}.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, validity(certificate), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9.5)
    half = (len(certificate.scores) + 1) // 2
    columns = (certificate.scores[:half], certificate.scores[half:])
    top = pdf.get_y()
    for column, x in zip(columns, (30, 152), strict=True):
        pdf.set_xy(x, top)
        for entry in column:
            pdf.set_x(x)
            pdf.cell(100, 6, entry["title"][:58])
            pdf.cell(15, 6, f"{entry['score']:.0f}%", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(162)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, f"Verification code: {certificate.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    # "Anyone can check it at" and the address, centred together; only the address is the link.
    lead = "Anyone can check it at "
    lead_width, url_width = pdf.get_string_width(lead), pdf.get_string_width(verify_url)
    pdf.set_x((pdf.w - lead_width - url_width) / 2)
    pdf.cell(lead_width, 6, lead)
    pdf.set_text_color(31, 78, 140)
    pdf.cell(url_width, 6, verify_url, link=verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for line in ACCESSIBLE_VERSION:
        pdf.cell(0, 5, line, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
