"""Issue 10, items 5 and 6: every CSV cell that a spreadsheet would run is neutralised in one writer
(ASVS 5.0 1.2.10, OWASP CSV Injection), and an instructor's reports name only the viewer's own cohorts
(ASVS 5.0 8.2.2)."""

from __future__ import annotations

import csv
import io

import pytest

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User
from course.web.csvsafe import csv_chunks, safe_cell

from ..support.helpers import csv_text
from ..support.world import build_world, client_for


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(csv_text(response))))


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted(value):
    assert safe_cell(value) == "'" + value
    assert next(csv_chunks([[value]])).startswith("'") or next(csv_chunks([[value]])).startswith("\"'")


def test_numbers_and_plain_text_are_untouched():
    assert safe_cell(-3) == -3 and safe_cell(1.5) == 1.5 and safe_cell("Ann") == "Ann" and safe_cell("") == ""


def test_exports_neutralise_formulas_and_show_only_the_viewers_cohorts(app, make_user):
    world = build_world(app, make_user)
    evil = '=HYPERLINK("http://evil.example","Click")'
    with app.app_context():
        trainee = db.session.get(User, world.t.id)
        trainee.display_name = evil
        other = cohorts.create_cohort("-Secret ward of B", db.session.get(User, world.b.id))
        cohorts.join(world.t.id, other.join_code)
    a = client_for(app, world.a)

    answers = _csv(a, "/instructor/exports/answers.csv")
    rows = [row for row in answers[1:] if row[1] == world.t.email]
    assert rows and all(row[0] == "'" + evil for row in rows)
    assert all(row[2] == "Clinic X" for row in rows), {row[2] for row in rows}

    matrix = _csv(a, "/instructor/matrix.csv")
    row = next(row for row in matrix[1:] if row[1] == world.t.email)
    assert row[0] == "'" + evil and row[2] == "Clinic X"
    page = a.get("/instructor/").get_data(as_text=True)
    assert "Secret ward of B" not in page

    b = client_for(app, world.b)  # B follows only the other cohort, and sees only that one
    row = next(row for row in _csv(b, "/instructor/matrix.csv")[1:] if row[1] == world.t.email)
    assert row[2] == "'-Secret ward of B"

    admin = client_for(app, world.admin)  # an admin follows every cohort
    row = next(row for row in _csv(admin, "/instructor/matrix.csv")[1:] if row[1] == world.t.email)
    assert row[2] == "'-Secret ward of B; Clinic X"
