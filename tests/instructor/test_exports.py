"""The answers CSV and the xAPI export, downloaded over HTTP after trainees took quizzes over HTTP.

Expected values come from what the trainees did (which answers they posted, what the database recorded
about their attempts), not from the export code.
"""

from __future__ import annotations

import csv
import io
import json
import re
from types import SimpleNamespace

import pytest

from course.enrolment import cohorts
from course.quizzes.grading import describe_answer, right_answer

from ..support.helpers import csv_text, login, text
from ..support.journey import (
    answer_all,
    attempt_row,
    catalog,
    let_wait_pass,
    pass_module,
    read_module,
    snapshots,
    start_quiz,
    submit,
)

UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
VERB = "http://adlnet.gov/expapi/verbs/"
HEADER = [
    "trainee",
    "email",
    "cohorts",
    "module",
    "quiz_version",
    "course_version",
    "attempt",
    "question_id",
    "theme",
    "answer",
    "correct",
    "score",
    "started_utc",
    "submitted_utc",
]


@pytest.fixture
def course(app, make_user):
    """Instructor A follows cohort "Alpha" (Tess, also in admin's "Charlie"); instructor B follows "Bravo" (Ravi).

    Tess fails the first quiz with its first question unanswered, then passes; Ravi passes at once.
    """
    admin, a, b = make_user("admin"), make_user("instructor"), make_user("instructor")
    tess, ravi = make_user(name="Tess Trainee"), make_user(name="Ravi Trainee")
    with app.app_context():
        alpha, bravo, charlie = (
            cohorts.create_cohort("Alpha", a),
            cohorts.create_cohort("Bravo", b),
            cohorts.create_cohort("Charlie", admin),
        )
        cohorts.join(tess.id, alpha.join_code)
        cohorts.join(tess.id, charlie.join_code)
        cohorts.join(ravi.id, bravo.join_code)
    module = catalog(app).modules[0]
    client = app.test_client()
    login(client, tess.email)
    read_module(client, module)
    failed = start_quiz(client, module.slug)
    answer_all(client, app, failed, right=False, skip=1)
    submit(client, failed)
    let_wait_pass(app, failed)
    passed = start_quiz(client, module.slug)
    answer_all(client, app, passed, right=True)
    submit(client, passed)
    other = app.test_client()
    login(other, ravi.email)
    ravi_passed = pass_module(other, app, module)
    return SimpleNamespace(
        admin=admin, a=a, b=b, tess=tess, ravi=ravi, module=module, attempts=[failed, passed, ravi_passed]
    )


def logged_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def answers(client) -> list[dict]:
    response = client.get("/instructor/exports/answers.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    reader = csv.reader(io.StringIO(csv_text(response)))
    assert next(reader) == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in reader]


def statements(client) -> list[dict]:
    response = client.get("/instructor/exports/xapi.jsonl")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    body = text(response)
    assert body.endswith("\n")
    return [json.loads(line) for line in body.splitlines()]


def verbs(lines: list[dict]) -> list[str]:
    return [s["verb"]["id"].removeprefix(VERB) for s in lines]


def test_answers_csv_has_one_row_per_served_question_with_its_values(app, course):
    rows = answers(logged_in(app, course.admin))
    version = course.module.quiz.version
    count = course.module.quiz.questions_per_attempt
    assert len(rows) == 3 * count
    tess_rows = [r for r in rows if r["email"] == course.tess.email]
    assert [r["attempt"] for r in tess_rows] == ["1"] * count + ["2"] * count
    course_version = catalog(app).course.version
    assert course_version  # the real course is versioned (course.yaml)
    for row in rows:
        assert row["module"] == course.module.slug and row["quiz_version"] == version
        assert row["course_version"] == course_version  # stamped when the attempt started
        assert UTC_Z.match(row["started_utc"]) and UTC_Z.match(row["submitted_utc"])
        assert row["correct"] in ("0", "1") and 0 <= float(row["score"]) <= 1
    assert {r["cohorts"] for r in tess_rows} == {"Alpha; Charlie"}
    assert {r["trainee"] for r in tess_rows} == {"Tess Trainee"}

    failed = snapshots(app, course.attempts[0])
    first = tess_rows[0]
    assert first["question_id"] == failed[0]["id"] and first["theme"] == failed[0]["theme"]
    assert (first["answer"], first["correct"], float(first["score"])) == ("(no answer)", "0", 0.0)
    assert all(r["correct"] == "0" for r in tess_rows[1:count])

    passed = snapshots(app, course.attempts[1])
    for row, snapshot in zip(tess_rows[count:], passed, strict=True):
        assert row["question_id"] == snapshot["id"]
        assert row["answer"] == describe_answer(snapshot, right_answer(snapshot)) != "(no answer)"
        assert (row["correct"], float(row["score"])) == ("1", 1.0)
    attempt = attempt_row(app, course.attempts[1])
    assert tess_rows[count]["started_utc"] == attempt.started_at.isoformat(timespec="seconds") + "Z"
    assert tess_rows[count]["submitted_utc"] == attempt.submitted_at.isoformat(timespec="seconds") + "Z"


def test_numbers_are_written_as_numbers(app, course):
    body = csv_text(logged_in(app, course.admin).get("/instructor/exports/answers.csv"))
    line = next(line for line in body.splitlines()[1:] if "(no answer)" in line)
    assert re.search(r",1,[a-z0-9-]+,[a-z]+,\(no answer\),0,0\.0,\d{4}-\d\d-\d\dT[\d:]+Z,\d{4}-", line), line


def test_an_open_attempt_is_not_exported(app, course):
    client = logged_in(app, course.ravi)
    start_quiz(client, course.module.slug)  # practice after the pass, left open
    rows = answers(logged_in(app, course.admin))
    assert len(rows) == 3 * course.module.quiz.questions_per_attempt


def test_instructors_see_only_their_cohorts_in_both_exports(app, course):
    client = logged_in(app, course.a)
    assert {r["email"] for r in answers(client)} == {course.tess.email}
    assert {s["actor"]["mbox"] for s in statements(client)} == {f"mailto:{course.tess.email}"}
    client = logged_in(app, course.b)
    assert {r["email"] for r in answers(client)} == {course.ravi.email}
    assert {s["actor"]["mbox"] for s in statements(client)} == {f"mailto:{course.ravi.email}"}


@pytest.mark.parametrize("url", ["/instructor/exports/answers.csv", "/instructor/exports/xapi.jsonl"])
def test_trainees_get_403_and_visitors_are_sent_to_log_in(app, course, url):
    assert logged_in(app, course.tess).get(url).status_code == 403
    response = app.test_client().get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_xapi_statements_per_attempt_with_adl_verbs(app, course):
    lines = statements(logged_in(app, course.admin))
    count = course.module.quiz.questions_per_attempt
    tess = [s for s in lines if s["actor"]["mbox"] == f"mailto:{course.tess.email}"]
    assert verbs(tess) == ["attempted"] + ["answered"] * count + ["failed", "attempted"] + ["answered"] * count + [
        "passed"
    ]
    assert verbs(lines).count("attempted") == 3 and verbs(lines).count("answered") == 3 * count
    assert "completed" not in verbs(lines)
    for statement in lines:
        verb = statement["verb"]["id"].removeprefix(VERB)
        assert statement["verb"]["display"] == {"en-US": verb}
        assert statement["actor"]["objectType"] == "Agent" and UTC_Z.match(statement["timestamp"])
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", statement["id"])
    assert tess[0]["actor"]["name"] == "Tess Trainee"

    quiz_id = f"http://localhost/modules/{course.module.slug}/quiz"
    attempt = attempt_row(app, course.attempts[0])
    assert tess[0]["object"]["id"] == quiz_id and tess[0]["object"]["objectType"] == "Activity"
    assert tess[0]["timestamp"] == attempt.started_at.isoformat(timespec="seconds") + "Z"
    unanswered, wrong = tess[1], tess[2]
    shots = snapshots(app, course.attempts[0])
    assert unanswered["object"]["id"] == f"http://localhost/questions/{shots[0]['id']}"
    assert unanswered["object"]["definition"]["name"] == {"en-US": shots[0]["prompt"]}
    assert unanswered["result"] == {"score": {"scaled": 0.0}, "success": False, "response": "(no answer)"}
    assert wrong["result"]["success"] is False and wrong["result"]["response"] != "(no answer)"
    failed = tess[count + 1]
    assert failed["result"]["success"] is False and failed["result"]["score"]["max"] == count
    assert failed["timestamp"] == attempt.submitted_at.isoformat(timespec="seconds") + "Z"

    right = tess[count + 3]
    second = snapshots(app, course.attempts[1])
    assert right["result"]["score"]["scaled"] == 1.0 and right["result"]["success"] is True
    assert right["result"]["response"] == describe_answer(second[0], right_answer(second[0]))
    passed = tess[-1]
    assert passed["object"]["id"] == quiz_id
    assert passed["result"]["success"] is True
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": float(count), "min": 0, "max": float(count)}
    version = catalog(app).course.version
    assert {s["context"]["extensions"]["http://localhost/xapi/course-version"] for s in lines} == {version}


def test_statement_ids_are_unique_and_the_same_in_every_download(app, course):
    client = logged_in(app, course.admin)
    first, second = statements(client), statements(client)
    ids = [s["id"] for s in first]
    assert len(set(ids)) == len(ids)
    assert ids == [s["id"] for s in second]
    assert first == second


def test_completed_once_a_trainee_has_passed_every_module(app, make_user):
    admin, trainee = make_user("admin"), make_user()
    client = logged_in(app, trainee)
    last = None
    for module in catalog(app).modules:
        last = pass_module(client, app, module)
    lines = statements(logged_in(app, admin))
    assert verbs(lines).count("completed") == 1 and verbs(lines)[-1] == "completed"
    assert verbs(lines).count("passed") == len(catalog(app).modules)
    completed = lines[-1]
    assert completed["object"]["id"] == "http://localhost/"
    assert completed["timestamp"] == attempt_row(app, last).submitted_at.isoformat(timespec="seconds") + "Z"


def test_both_exports_are_streamed(app, course):
    client = logged_in(app, course.admin)
    for url in ("/instructor/exports/answers.csv", "/instructor/exports/xapi.jsonl"):
        response = client.get(url)
        assert response.is_streamed
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "Content-Length" not in response.headers
        response.get_data()
        response.close()
