"""The certificate as a one-page PDF (fpdf2, with DejaVu so any Latin, Greek or Cyrillic name prints)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from .models import Certificate

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"


def render(certificate: Certificate, verify_url: str, course_title: str) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(f"Certificate {certificate.code}")
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
    pdf.cell(0, 9, f"on {certificate.issued_at:%d %B %Y}.", align="C", new_x="LMARGIN", new_y="NEXT")
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
    pdf.set_y(172)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, f"Verification code: {certificate.code}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 6, f"Check it at {verify_url}", align="C")
    return bytes(pdf.output())
