"""The instructor workspace through HTTP: cohorts, matrix, signals, CSV, detail, actions, statistics."""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

from markupsafe import escape
from sqlalchemy import func, select

from course.audit.models import AuditEvent
from course.extensions import db
from course.identity.models import User
from course.learning.models import ModuleSummary
from course.quizzes import summary

from ..support.helpers import PASSWORD, csv_text, post, text
from ..support.journey import (
    answer_all,
    attempt_row,
    catalog,
    let_wait_pass,
    pass_module,
    read_module,
    start_quiz,
    submit,
)
from ..support.world import build_world, client_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_navigation_leads_staff_and_only_staff_to_the_workspace_and_marks_the_page(app, make_user):
    link = '<a href="/instructor/">Instructor</a>'
    for role in ("instructor", "admin"):
        assert link in text(client_for(app, make_user(role)).get("/dashboard"))
    assert link not in text(client_for(app, make_user()).get("/dashboard"))
    staff = client_for(app, make_user("instructor"))
    for url, current in (("/instructor/", "Progress matrix"), ("/instructor/cohorts", "Cohorts")):
        html = text(staff.get(url))
        assert f'aria-current="page">{current}</a>' in html and html.count('aria-current="page"') == 1


def test_instructor_creates_a_cohort_and_trainees_join_it(app, make_user):
    instructor = make_user("instructor")
    staff = client_for(app, instructor)
    assert post(staff, "/instructor/cohorts", {"name": ""}).status_code == 400
    created = post(staff, "/instructor/cohorts", {"name": "Night shift"})
    assert created.status_code == 303
    page = text(staff.get("/instructor/cohorts"))
    code = re.search(r'<span class="code">([A-Z0-9]{8})</span>', page)[1]
    assert f"/join/{code}" in page

    newcomer = app.test_client()
    assert newcomer.get(f"/join/{code}").headers["Location"] == f"/register?code={code}"
    assert f'value="{code}"' in text(newcomer.get(f"/register?code={code}"))
    bad = post(
        newcomer,
        "/register",
        {
            "email": "n@example.com",
            "display_name": "Nia",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "join_code": "WRONG123",
        },
    )
    assert bad.status_code == 400 and "No cohort has this join code" in text(bad)
    register_form = {
        "email": "n@example.com",
        "display_name": "Nia",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "join_code": code,
    }
    assert post(newcomer, "/register", register_form).status_code == 302
    assert "Night shift" in text(newcomer.get("/account"))

    later = make_user(name="Leo Later")
    trainee = client_for(app, later)
    assert post(trainee, "/account/join", {"join_code": "NOPE"}).status_code == 400
    assert post(trainee, "/account/join", {"join_code": code.lower()}).status_code == 303
    assert post(trainee, "/account/join", {"join_code": code}).status_code == 303  # twice is harmless
    matrix = text(staff.get("/instructor/"))
    assert "Nia" in matrix and "Leo Later" in matrix and "2 trainees" in matrix


def test_instructors_see_only_their_cohorts_and_admins_see_everyone(app, make_user):
    world = build_world(app, make_user)
    mine = text(client_for(app, world.a).get("/instructor/"))
    assert "Tess Trainee" in mine and "Uma Outsider" not in mine
    nobody = text(client_for(app, world.b).get("/instructor/"))
    assert "Tess Trainee" not in nobody and "0 trainees" in nobody
    everyone = text(client_for(app, world.admin).get("/instructor/"))
    assert "Tess Trainee" in everyone and "Uma Outsider" in everyone
    assert client_for(app, world.b).get(f"/instructor/trainees/{world.t.id}").status_code == 404


def test_matrix_cells_search_sort_and_csv_match_the_screen(app, make_user):
    world = build_world(app, make_user)
    admin = client_for(app, world.admin)
    html = text(admin.get("/instructor/"))
    row = html[html.index("Tess Trainee") : html.index("</tr>", html.index("Tess Trainee"))]
    others = len(catalog(app).modules) - 2  # Tess passed one module and read another
    assert "passed, 100%" in row and "lessons done, 0%" in row and row.count(" not started<") == others
    assert row.count("✓") == 1 and row.count("●") == 1 and row.count("○") == others  # symbol, not colour alone
    searched = text(admin.get("/instructor/?q=UMA"))
    assert "Uma Outsider" in searched and "Tess Trainee" not in searched
    by_progress = text(admin.get("/instructor/?sort=progress"))
    assert by_progress.index("Tess Trainee") < by_progress.index("Uma Outsider")
    by_name = text(admin.get("/instructor/?sort=name&cohort=abc&page=-3&signal=bogus"))
    assert by_name.index("Tess Trainee") < by_name.index("Uma Outsider")

    response = admin.get("/instructor/matrix.csv?q=tess")
    assert response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(csv_text(response))))
    header, tess = rows[0], rows[1]
    assert len(rows) == 2 and len(header) == len(tess) == 8 + 2 * len(app.extensions["catalog"].modules)
    record = dict(zip(header, tess, strict=True))
    assert record["name"] == "Tess Trainee" and record["modules_passed"] == "1"
    assert record["01_introduction_status"] == "passed" and record["01_introduction_score"] == "100.0"
    # Not started is an empty score, never a 0 that reads like a real result (walkthrough I3)
    assert record["03_mechanism_status"] == "not started" and record["03_mechanism_score"] == ""
    assert record["last_activity_utc"].endswith("Z") and record["needs_help"] == "0"


def test_needs_help_and_nearly_done_signals(app, make_user):
    world = build_world(app, make_user)
    tess = client_for(app, world.t)
    for _ in range(2):  # two more failures of the same quiz: three in all
        let_wait_pass(app, world.failed)
        attempt_id = start_quiz(tess, world.second.slug)
        answer_all(tess, app, attempt_id, right=False)
        submit(tess, attempt_id)
        world.failed = attempt_id
    admin = client_for(app, world.admin)
    helped = text(admin.get("/instructor/?signal=needs-help"))
    assert "Tess Trainee" in helped and "Needs help" in helped
    assert f"Failed the module {world.second.number} quiz 3 times" in helped  # the reason, in words
    everyone = text(admin.get("/instructor/"))  # needs attention first, by default
    assert everyone.index("Tess Trainee") < everyone.index("Uma Outsider")
    # Uma has done nothing; after 15 days of that she needs help too
    with app.app_context():
        user = db.session.get(User, world.u.id)
        user.created_at = user.created_at - timedelta(days=15)
        db.session.commit()
    assert "Uma Outsider" in text(admin.get("/instructor/?signal=needs-help"))

    with app.app_context():  # one module left
        for module in catalog(app).modules[:-1]:
            summary.save(  # as the learner services write it, totals and all
                world.u.id,
                module.slug,
                {"passed": True, "pages_done": 1, "lessons_done": True, "attempts": 1, "failed_attempts": 0}
                | {"score": 100.0, "last_activity_at": user.created_at + timedelta(days=15)},
            )
        db.session.commit()
    nearly = text(admin.get("/instructor/?signal=nearly-done"))
    assert "Uma Outsider" in nearly and "Tess Trainee" not in nearly


def test_matrix_pages_fifty_rows(app, make_user):
    admin = make_user("admin")
    for n in range(53):
        make_user(name=f"Trainee {n:03d}")
    client = client_for(app, admin)
    first = text(client.get("/instructor/?sort=name"))
    assert first.count('href="/instructor/trainees/') == 50 and "page 1 of 2" in first
    second = text(client.get("/instructor/?sort=name&page=2"))
    assert second.count('href="/instructor/trainees/') == 3 and "Trainee 052" in second
    assert "53 trainees · page 2 of 2" in second
    beyond = text(client.get("/instructor/?sort=name&page=9"))
    assert beyond.count('href="/instructor/trainees/') == 3 and "53 trainees · page 2 of 2" in beyond
    searched = text(client.get("/instructor/?q=trainee 05"))
    assert "3 trainees · page 1 of 1" in searched


def test_the_matrix_reads_well_in_a_screen_reader(app, make_user):
    """Module columns are named by their titles (the M1-M12 labels are for the eye), a row is named by the
    trainee's name alone, and a matrix that fits one page has no empty pager landmark."""
    world = build_world(app, make_user)
    html = text(client_for(app, world.a).get("/instructor/"))
    for module in catalog(app).modules:
        title = escape(module.title)
        label = f'<span aria-hidden="true" title="{title}">M{module.number}</span>'
        name = f'<span class="visually-hidden">Module {module.number}: {title}</span>'
        assert f'<th scope="col" class="cell-col">{label}{name}</th>' in html, module.slug
    matrix = html[html.index('id="matrix-caption"') :]
    row_headers = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', matrix[: matrix.index("</table>")], re.S)
    assert row_headers and all(re.fullmatch(r'<a href="[^"]+">[^<]+</a>', h.strip()) for h in row_headers)
    assert '<td class="meta cohort-col">Clinic X</td>' in html  # the cohort in a cell of its own
    assert 'aria-label="Pages of the matrix"' not in html


def test_trainee_detail_shows_attempts_with_their_review(app, make_user):
    world = build_world(app, make_user)
    staff = client_for(app, world.a)
    html = text(staff.get(f"/instructor/trainees/{world.t.id}"))
    assert "Tess Trainee" in html and "Attempt 1</a>" in html and "min" in html
    assert "Theme mastery" in html
    review = text(staff.get(f"/instructor/trainees/{world.t.id}/attempts/{world.failed}"))
    assert review.count("Right answer") == 5 and review.count("Answered") == 5
    assert staff.get(f"/instructor/trainees/{world.u.id}/attempts/{world.failed}").status_code == 404
    assert staff.get(f"/instructor/trainees/{world.t.id}/attempts/99999").status_code == 404


def test_audited_actions_need_a_reason_and_are_recorded(app, make_user):
    world = build_world(app, make_user)
    staff = client_for(app, world.a)
    url = f"/instructor/trainees/{world.t.id}/actions"
    missing = post(staff, url, {"module": world.second.slug, "action": "waive-wait", "reason": "  "})
    assert missing.status_code == 400
    forged = post(staff, url, {"module": "no-such-module", "action": "waive-wait", "reason": "x"})
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0

    tess = client_for(app, world.t)
    assert post(tess, f"/modules/{world.second.slug}/quiz/start").status_code == 429  # waiting
    done = post(staff, url, {"module": world.second.slug, "action": "waive-wait", "reason": "Shift ends soon"})
    assert done.status_code == 303
    assert post(tess, f"/modules/{world.second.slug}/quiz/start").status_code == 303
    trail = text(staff.get(f"/instructor/trainees/{world.t.id}"))
    assert "Shift ends soon" in trail and "waive-wait" in trail and world.a.display_name in trail


def test_extra_attempt_and_reset_keep_the_history(app_factory, make_user, tmp_path):
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    quiz = quizzes / "01-introduction.yaml"
    quiz.write_text(quiz.read_text().replace("max_attempts: null", "max_attempts: 1"))
    app = app_factory(QUIZZES_DIR=quizzes)
    admin, trainee = make_user("admin"), make_user()
    tess = client_for(app, trainee)
    module = catalog(app).module("introduction")
    read_module(tess, module)
    first = start_quiz(tess, "introduction")
    answer_all(tess, app, first, right=False)
    submit(tess, first)
    let_wait_pass(app, first)
    refused = post(tess, "/modules/introduction/quiz/start")
    assert refused.status_code == 403 and "used all 1 attempts" in text(refused)

    staff = client_for(app, admin)
    url = f"/instructor/trainees/{trainee.id}/actions"
    post(staff, url, {"module": "introduction", "action": "extra-attempt", "reason": "Power cut during the quiz"})
    second = start_quiz(tess, "introduction")
    answer_all(tess, app, second, right=True)
    submit(tess, second)
    assert "passed" in text(tess.get("/modules/introduction/quiz"))

    post(staff, url, {"module": "introduction", "action": "reset", "reason": "New protocol: retrain"})
    landing = text(tess.get("/modules/introduction/quiz"))
    assert "Review attempt 1" in landing and "Review attempt 2" in landing  # history kept
    assert "Start the quiz" in landing  # counted attempts start again
    with app.app_context():
        summary = db.session.scalar(select(ModuleSummary).where(ModuleSummary.user_id == trainee.id))
        assert summary.attempts == 0 and summary.passed is False
    assert attempt_row(app, second).percent == 100.0


def test_item_statistics_need_ten_attempts(app, make_user):
    admin = make_user("admin")
    staff = client_for(app, admin)
    module = catalog(app).module("introduction")
    for n in range(10):
        trainee = client_for(app, make_user())
        read_module(trainee, module)
        attempt_id = start_quiz(trainee, "introduction")
        answer_all(trainee, app, attempt_id, right=n % 3 != 0)
        submit(trainee, attempt_id)
        if n == 8:
            few = text(staff.get("/instructor/statistics?module=introduction"))
            assert "too few attempts" in few
    report = text(staff.get("/instructor/statistics?module=introduction"))
    assert "too few attempts" not in report
    assert re.search(r"First attempts</th><td>10</td>\s*<td>\d+\.\d%", report)
    assert re.search(r"All attempts</th><td>10</td>\s*<td>\d+\.\d%", report)
    mastery = report[report.index("Theme mastery") : report.index("</table>", report.index("Theme mastery"))]
    assert re.search(r"<td>\d+%</td>", mastery)  # the cohort's themes have numbers now


def test_theme_mastery_shares(app, make_user):
    admin, trainee = make_user("admin"), make_user()
    tess = client_for(app, trainee)
    pass_module(tess, app, catalog(app).module("introduction"))
    html = text(client_for(app, admin).get(f"/instructor/trainees/{trainee.id}"))
    table = html[html.index("Theme mastery") : html.index("</table>", html.index("Theme mastery"))]
    assert "100%" in table and "0%" not in table.replace("100%", "")


def test_matrix_and_detail_query_counts_do_not_grow(app, make_user, query_counter):
    world = build_world(app, make_user)
    for _ in range(20):
        make_user()
    client = client_for(app, world.admin)
    # The trainee's page also reads their cohorts (issue 24, I7) and their retention (issue 23), and loads the
    # trainee with the check that the viewer may see them: 8, the benchmark's budget.
    for url, budget in (
        ("/instructor/", 8),
        ("/instructor/?signal=needs-help&q=t&sort=activity", 8),
        ("/instructor/?page=2", 8),  # past the end with 22 trainees: counted, then the last page
        (f"/instructor/trainees/{world.t.id}", 8),
    ):
        query_counter.count, query_counter.active = 0, True
        assert client.get(url).status_code == 200
        query_counter.active = False
        assert query_counter.count <= budget, (url, query_counter.count, query_counter.statements)


def test_join_create_and_action_forms_report_errors_in_the_summary(app, make_user):
    """No browser bubble (novalidate): the server's messages in the error summary, "Error:" in the title."""
    world = build_world(app, make_user)
    staff, tess = client_for(app, world.admin), client_for(app, world.t)
    cases = [
        (tess, "/account", "/account/join", ["Enter the join code your instructor gave you."]),
        (staff, "/instructor/cohorts", "/instructor/cohorts", ["Enter a name for the cohort."]),
        (
            staff,
            f"/instructor/trainees/{world.t.id}",
            f"/instructor/trainees/{world.t.id}/actions",
            ["Choose the module to act on.", "Choose what to do.", "Give a reason"],
        ),
    ]
    for client, page, action, messages in cases:
        form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>', text(client.get(page)))[0]
        assert "novalidate" in form, form
        failed = post(client, action)
        html = text(failed)
        assert failed.status_code == 400 and "<title>Error: " in html, action
        summary = html[html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))]
        assert all(message in summary for message in messages), (action, summary)
    detail = text(staff.get(f"/instructor/trainees/{world.t.id}"))
    assert 'value="">Choose a module</option>' in detail and 'value="">Choose an action</option>' in detail


def test_the_matrix_says_what_each_module_abbreviation_stands_for(app, make_user):
    """Accessibility audit 2026-12 F16: "M1" to "Mn" were explained only by a hover tooltip."""
    staff = client_for(app, make_user("instructor"))
    page = text(staff.get("/instructor/"))
    key = re.search(r'<p class="meta">Module columns: (.*?)</p>', page)[1]
    for module in app.extensions["catalog"].modules:
        assert f"M{module.number} {escape(module.title)}" in key


def test_actions_that_would_change_nothing_are_neither_offered_nor_recorded(app, make_user):
    world = build_world(app, make_user)
    staff = client_for(app, world.admin)
    url = f"/instructor/trainees/{world.t.id}/actions"
    page = text(staff.get(f"/instructor/trainees/{world.t.id}"))
    assert 'value="extra-attempt"' not in page  # every quiz here allows unlimited attempts
    assert "Waive the retake wait" in page  # offered as a choice to make, not in the past tense
    refused = post(staff, url, {"module": world.first.slug, "action": "extra-attempt", "reason": "Why not"})
    assert refused.status_code == 400
    passed = post(staff, url, {"module": world.first.slug, "action": "waive-wait", "reason": "Already passed"})
    assert passed.status_code == 400 and "nothing to waive" in text(passed)
    never = post(staff, url, {"module": catalog(app).modules[5].slug, "action": "reset", "reason": "Nothing there"})
    assert never.status_code == 400 and "nothing to reset" in text(never)
    trail = text(staff.get(f"/instructor/trainees/{world.t.id}"))
    assert "Already passed" not in trail and "Nothing there" not in trail


def test_cohorts_show_members_and_progress_and_can_be_renamed_and_archived(app, make_user):
    world = build_world(app, make_user)
    staff, other = client_for(app, world.a), client_for(app, world.b)
    page = text(staff.get("/instructor/cohorts"))
    card = page[page.index("Clinic X</a></h2>") :]
    assert "1 member · 0 finished · on average 1.0 of" in card  # Tess passed one module
    assert f'value="http://localhost/join/{world.code}" readonly data-copy-source' in card
    url = f"/instructor/cohorts/{world.cohort_id}"
    assert post(other, f"{url}/name", {"name": "Mine now"}).status_code == 404  # not their cohort
    assert post(staff, f"{url}/name", {"name": "  "}).status_code == 400
    assert post(staff, f"{url}/name", {"name": "Clinic X, spring"}).status_code == 303
    assert post(staff, f"{url}/archive").status_code == 303
    page = text(staff.get("/instructor/cohorts"))
    assert "Archived cohorts" in page and "Restore Clinic X, spring" in page
    assert "Clinic X, spring</option>" not in text(staff.get("/instructor/"))  # gone from the filters
    assert "Tess Trainee" in text(staff.get("/instructor/"))  # its members and records stay
    assert post(staff, f"{url}/archive", {"archive": "no"}).status_code == 303
    assert "Clinic X, spring</option>" in text(staff.get("/instructor/"))
