"""Issue 10, items 7 and 10: out-of-range numbers, Unicode digits and NUL bytes are refused with 404 or
400 in one place each, never a 500, and nothing is saved (ASVS 5.0 2.2.1, 2.2.2, 1.2.4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.extensions import db
from course.quizzes.models import AttemptItem

from ..support.helpers import login, post, register, text
from ..support.journey import catalog, form_for, read_module, snapshots, start_quiz


@pytest.mark.parametrize(
    "path",
    [
        "/attempts/{big}",
        "/attempts/{big}/questions/1",
        "/attempts/1/questions/{big}",
        "/attempts/{big}/confirm",
        "/instructor/trainees/{big}",
        "/instructor/trainees/1/attempts/{big}",
        "/admin/users/{big}",
        "/admin/users/{big}/data.json",
        "/attempts/0",
        "/attempts/007",
        "/attempts/%D9%A3",  # ARABIC-INDIC DIGIT THREE: a digit to `\d`, not to this site
    ],
)
@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_ids_out_of_range_in_any_url_are_404(app, make_user, path, big):
    client = app.test_client()
    login(client, make_user("admin").email)
    assert client.get(path.format(big=big)).status_code == 404


def test_ids_out_of_range_in_post_urls_are_404(trainee_client):
    for url in (f"/attempts/{2**63}/submit", f"/attempts/{2**31}/questions/1"):
        assert post(trainee_client, url, {"choice": "a"}).status_code == 404


def test_ids_out_of_range_in_staff_post_urls_are_404(app, make_user):
    client = app.test_client()
    login(client, make_user("admin").email)
    for url in (
        f"/admin/users/{2**31}/role",
        f"/admin/users/{2**31}/active",
        f"/admin/users/{2**31}/erase",
        f"/admin/users/{2**31}/reset",
        f"/instructor/cohorts/{2**31}/invitations/1/revoke",
        f"/instructor/cohorts/1/invitations/{2**31}/resend",
    ):
        assert post(client, url, {"role": "trainee"}).status_code == 404, url


@pytest.mark.parametrize("value", ["²", "٣", "1²", "99999999999999999999999", "-1", " 1"])
def test_unicode_digits_and_huge_numbers_in_query_strings(app, make_user, value):
    client = app.test_client()
    login(client, make_user("instructor").email)
    for url in ("/instructor/", "/instructor/matrix.csv", "/instructor/statistics"):
        for name in ("cohort", "page"):
            response = client.get(url, query_string={name: value})
            response.get_data()  # a CSV streams: read it to the end
            response.close()
            assert response.status_code == 200, (url, name, response.status_code)


@pytest.mark.parametrize("value", ["²", "٣", "1²", "9" * 5000, "-1", " 1", "0"])
def test_the_admin_list_reads_its_page_number_like_every_other_page(app, make_user, value):
    """Review 2026-12 L5: `page=²` (and 5,000 digits, beyond Python's int() limit) was a 500."""
    client = app.test_client()
    login(client, make_user("admin").email)
    assert client.get("/admin/", query_string={"page": value}).status_code == 200


@pytest.mark.parametrize("go", ["²", "٣", "9" * 30, "elsewhere", ""])
def test_a_bad_go_value_is_refused_before_the_answer_is_saved(app, trainee_client, go):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer = form_for(snapshots(app, attempt_id)[0], right=True)
    response = post(trainee_client, f"/attempts/{attempt_id}/questions/1", {**answer, "go": go})
    assert response.status_code == 400 and "Unknown destination" in text(response)
    with app.app_context():
        responses = db.session.scalars(select(AttemptItem.response).where(AttemptItem.attempt_id == attempt_id))
        assert all(r is None for r in responses)


def test_a_numbered_go_still_moves_to_that_question(app, trainee_client):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer = form_for(snapshots(app, attempt_id)[0], right=True)
    response = post(trainee_client, f"/attempts/{attempt_id}/questions/1", {**answer, "go": "2"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/questions/2")


def test_nul_bytes_are_refused_with_400(app, make_user):
    client = app.test_client()
    assert client.get("/verify/AB%00CD").status_code == 400
    assert client.get("/verify", query_string={"code": "AB\x00CD"}).status_code == 400
    response = post(client, "/login", {"email": "a\x00@example.com", "password": "x" * 20})
    assert response.status_code == 400 and "NUL" in text(response)
    assert register(client, "nul@example.com", name="Nul\x00Name").status_code == 400
    assert register(client, "nul\x00@example.com").status_code == 400


def test_like_wildcards_in_the_matrix_search_are_literal(app, make_user):
    from course.enrolment import cohorts
    from course.identity.models import User

    instructor = make_user("instructor")
    percent = make_user(name="Ann 100% Sure")
    plain = make_user(name="Bob Plain")
    under = make_user(name="Cy_Under")
    with app.app_context():
        cohort = cohorts.create_cohort("Clinic", db.session.get(User, instructor.id))
        for trainee in (percent, plain, under):
            cohorts.join(trainee.id, cohort.join_code)
    client = app.test_client()
    login(client, instructor.email)
    page = text(client.get("/instructor/", query_string={"q": "%"}))
    assert "Ann 100% Sure" in page and "Bob Plain" not in page and "Cy_Under" not in page
    page = text(client.get("/instructor/", query_string={"q": "_"}))
    assert "Cy_Under" in page and "Bob Plain" not in page and "Ann 100% Sure" not in page
    page = text(client.get("/instructor/", query_string={"q": "\\"}))
    assert "Bob Plain" not in page


def test_like_wildcards_in_the_admin_search_are_literal(app, make_user):
    """Review 2026-12 I3: `q=%` listed every account."""
    admin = make_user("admin")
    make_user(name="Ann 100% Sure")
    make_user(name="Bob Plain")
    client = app.test_client()
    login(client, admin.email)
    page = text(client.get("/admin/", query_string={"q": "%"}))
    assert "Ann 100% Sure" in page and "Bob Plain" not in page
    assert "Bob Plain" not in text(client.get("/admin/", query_string={"q": "_"}))
