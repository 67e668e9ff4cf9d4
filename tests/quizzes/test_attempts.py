"""Quiz attempts through HTTP: start, save, resume, submit once, review, retake, and bad input."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import func, select

from course.extensions import db
from course.learning import services as learning
from course.quizzes import services as quizzes
from course.quizzes.grading import answer_parts, right_answer
from course.quizzes.models import AttemptItem, QuizAttempt

from ..support.helpers import PASSWORD, login, logout, post, text
from ..support.journey import (
    answer_all,
    attempt_row,
    catalog,
    form_for,
    let_wait_pass,
    read_module,
    snapshots,
    start_quiz,
    submit,
)

ROOT = Path(__file__).resolve().parents[2]


def test_quiz_opens_only_when_every_lesson_page_is_done(trainee_client, app):
    module = catalog(app).module("introduction")
    locked = post(trainee_client, "/modules/introduction/quiz/start")
    assert locked.status_code == 403 and "Finish every lesson page" in text(locked)
    landing = text(trainee_client.get("/modules/introduction/quiz"))
    assert "Finish every lesson page" in landing and module.pages[0].title in landing
    rules = " ".join(re.search(r'<p class="rules">(.*?)</p>', landing, re.S)[1].split())
    assert rules == (
        f"5 questions drawn from a pool of {len(module.quiz.questions)}. 80% to pass; your best attempt counts. "
        "No limit on attempts. "
        "After a failed attempt the next one opens 5 minutes later. "
        "Your answers are saved as you go; you can leave and come back."
    )
    read_module(trainee_client, module)
    assert post(trainee_client, "/modules/introduction/quiz/start").status_code == 303


def test_an_attempt_draws_the_configured_number_and_is_stable_on_reload(trainee_client, app):
    module = catalog(app).module("mechanism")
    read_module(trainee_client, module)
    attempt_id = start_quiz(trainee_client, "mechanism")
    shots = snapshots(app, attempt_id)
    assert len(shots) == module.quiz.questions_per_attempt == 6
    assert len({s["id"] for s in shots}) == 6
    # the page is the same but for its CSRF tokens, which carry a timestamp
    first, again = (
        re.sub(r'name="csrf_token" value="[^"]*"', "", text(trainee_client.get(f"/attempts/{attempt_id}/questions/1")))
        for _ in range(2)
    )
    assert first == again and shots[0]["prompt"].split()[0] in first
    # starting again (a second tab, a double click) resumes the same attempt
    assert start_quiz(trainee_client, "mechanism") == attempt_id


def test_open_attempt_html_contains_nothing_that_marks_the_right_answer(trainee_client, app):
    module = catalog(app).module("risks")
    read_module(trainee_client, module)
    attempt_id = start_quiz(trainee_client, "risks")
    for position, snapshot in enumerate(snapshots(app, attempt_id), start=1):
        html = text(trainee_client.get(f"/attempts/{attempt_id}/questions/{position}"))
        assert "correct" not in html.lower()
        assert snapshot["explanation"][:30] not in html
        for option in snapshot.get("options", ()):
            if option.get("feedback"):
                assert option["feedback"][:30] not in html
        # the served keys are random per attempt, so the form values say nothing either
        values = re.findall(r'name="(?:choice|match-[0-9a-f]+)" value="([^"]*)"', html)
        assert values == [] or all(re.fullmatch(r"[0-9a-f]{10}|true|false", v) for v in values)


def test_answers_survive_logout_and_a_server_restart(app, app_factory, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    module = catalog(app).module("introduction")
    read_module(client, module)
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=True)
    logout(client)

    restarted = app_factory()  # a new app on the same database: as after a restart
    other_device = restarted.test_client()
    login(other_device, user.email)
    assert start_quiz(other_device, "introduction") == attempt_id  # resumed, not restarted
    confirm = text(other_device.get(f"/attempts/{attempt_id}/confirm"))
    assert "You have answered all 5 questions" in confirm
    submit(other_device, attempt_id)
    assert attempt_row(app, attempt_id).percent == 100.0


def test_the_autosave_request_saves_and_answers_204(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    snapshot = snapshots(app, attempt_id)[0]
    url = f"/attempts/{attempt_id}/questions/1"
    saved = post(trainee_client, url, {**form_for(snapshot, right=True), "go": "stay"})
    assert saved.status_code == 204 and saved.get_data() == b""
    with app.app_context():
        item = db.session.scalar(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1)
        )
        assert item.response is not None and item.answered_at is not None
    forged = post(trainee_client, url, {"choice": ["forged"], "go": "stay"})
    assert forged.status_code == 400  # the script shows "Not saved" for any error


def test_confirm_lists_unanswered_and_unanswered_counts_as_wrong(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=True, skip=2)
    confirm = text(trainee_client.get(f"/attempts/{attempt_id}/confirm"))
    assert "You have not answered 2 of 5 questions" in confirm
    assert f"/attempts/{attempt_id}/questions/1" in confirm and f"/attempts/{attempt_id}/questions/2" in confirm
    submit(trainee_client, attempt_id)
    attempt = attempt_row(app, attempt_id)
    assert attempt.percent == 60.0 and attempt.passed is False


def test_result_page_explains_every_question_and_links_to_the_lesson(trainee_client, app):
    """After a pass (a failed attempt withholds the key: see test_review_policy)."""
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=True)
    response = submit(trainee_client, attempt_id)
    assert response.headers["Location"] == f"/attempts/{attempt_id}/passed"  # the completion moment first
    assert f'href="/attempts/{attempt_id}"' in text(trainee_client.get(response.headers["Location"]))
    html = text(trainee_client.get(f"/attempts/{attempt_id}"))
    assert "passed" in html and "80% needed to pass" in html
    for snapshot in snapshots(app, attempt_id):
        slug, anchor = snapshot["lesson"].split("#")
        assert f'href="/modules/{slug}/pages/{anchor}"' in html
        assert str(_escape(snapshot["explanation"])) in html
        # the right answer in words: one line, or one list item per option or matched pair
        parts = [str(_escape(part)) for part in answer_parts(snapshot, right_answer(snapshot))]
        shown = "".join(f"<li>{part}</li>" for part in parts) if len(parts) > 1 else f"<dd>{parts[0]}</dd>"
        assert shown in html, snapshot["id"]
    assert html.count("Your answer") == 5 and html.count("Right answer") == 5


def test_a_failed_result_has_a_retake_plan(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=False)
    submit(trainee_client, attempt_id)
    html = text(trainee_client.get(f"/attempts/{attempt_id}"))
    assert "not passed" in html and html.count("Your answer") == 5
    assert "Your retake plan" in html and "Your next attempt opens at" in html


def _escape(value: str):
    from markupsafe import escape

    return escape(value)


def test_retake_waits_then_draws_fresh_questions_on_the_missed_objectives(trainee_client, app):
    read_module(trainee_client, catalog(app).module("risks"))
    first = start_quiz(trainee_client, "risks")
    answer_all(trainee_client, app, first, right=False)
    submit(trainee_client, first)
    early = post(trainee_client, "/modules/risks/quiz/start")
    assert early.status_code == 429 and "Your next attempt opens at" in text(early)
    let_wait_pass(app, first)
    second = start_quiz(trainee_client, "risks")
    missed = {s["id"] for s in snapshots(app, first)}
    retake = {s["id"] for s in snapshots(app, second)}
    assert not retake & missed  # the pool of 18 has unseen questions for every objective missed
    answer_all(trainee_client, app, second, right=True)
    submit(trainee_client, second)
    landing = text(trainee_client.get("/modules/risks/quiz"))
    assert "passed" in landing and "Take a practice attempt" in landing
    third = start_quiz(trainee_client, "risks")  # practice: no wait after a pass
    assert attempt_row(app, third).practice is True


def test_submitting_twice_grades_once_and_shows_the_same_result(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=True)
    first, second = submit(trainee_client, attempt_id), submit(trainee_client, attempt_id)
    assert first.headers["Location"] == second.headers["Location"] == f"/attempts/{attempt_id}/passed"
    stamp = attempt_row(app, attempt_id).submitted_at
    submit(trainee_client, attempt_id)
    assert attempt_row(app, attempt_id).submitted_at == stamp


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(app, make_user):
    owner, intruder = make_user(), make_user()
    client, other = app.test_client(), app.test_client()
    login(client, owner.email, PASSWORD)
    login(other, intruder.email, PASSWORD)
    read_module(client, catalog(app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    url = f"/attempts/{attempt_id}/questions/1"

    forged = post(client, url, {"choice": "deadbeef00", "go": "next"})
    assert forged.status_code == 400 and "not part of this question" in text(forged)
    assert post(client, f"/attempts/{attempt_id}/questions/99", {"choice": "x"}).status_code == 404
    assert client.get(f"/attempts/{attempt_id}/questions/abc").status_code == 404
    # another trainee's attempt does not exist for them
    assert other.get(url).status_code == 404
    assert post(other, url, form_for(snapshots(app, attempt_id)[0], True)).status_code == 404
    assert post(other, f"/attempts/{attempt_id}/submit").status_code == 404
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    with app.app_context():
        assert all(i.response is None for i in db.session.scalars(select(AttemptItem)))

    # an answer to a submitted attempt
    answer_all(client, app, attempt_id, right=True)
    submit(client, attempt_id)
    late = post(client, url, {"choice": "true", "go": "next"})
    assert late.status_code == 409 and "already been submitted" in text(late)
    assert attempt_row(app, attempt_id).percent == 100.0
    assert count(app, QuizAttempt) == 1


def test_a_question_from_another_attempt_is_refused(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    read_module(trainee_client, catalog(app).module("what-is-ketamine"))
    one = start_quiz(trainee_client, "introduction")
    two = start_quiz(trainee_client, "what-is-ketamine")
    # true/false keys are the same in every attempt; any other question's keys are random per attempt
    foreign = form_for(next(s for s in snapshots(app, two) if s["type"] != "true_false"), True)
    response = post(trainee_client, f"/attempts/{one}/questions/1", {**foreign, "go": "next"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AttemptItem.response).where(AttemptItem.attempt_id == one)) is None


def test_editing_the_quiz_file_never_changes_an_old_attempt(app_factory, make_user, tmp_path):
    quizzes = tmp_path / "quizzes"
    shutil.copytree(ROOT / "quizzes", quizzes)
    app = app_factory(QUIZZES_DIR=quizzes)
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    read_module(client, catalog(app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=True)
    submit(client, attempt_id)
    before = text(client.get(f"/attempts/{attempt_id}"))
    served = snapshots(app, attempt_id)[0]

    quiz_file = quizzes / "01-introduction.yaml"
    quiz_file.write_text(quiz_file.read_text().replace(served["prompt"].split("\n")[0][:20], "EDITED PROMPT "))
    edited = app_factory(QUIZZES_DIR=quizzes)
    assert (
        edited.extensions["catalog"].module("introduction").quiz.version
        != catalog(app).module("introduction").quiz.version
    )
    again = edited.test_client()
    login(again, user.email)
    after = text(again.get(f"/attempts/{attempt_id}"))
    assert "EDITED PROMPT" not in after and after.count("Right answer") == before.count("Right answer")
    assert attempt_row(app, attempt_id).percent == 100.0


def test_a_started_attempt_is_what_reading_it_back_finds(app, make_user):
    """The start writes its rows with Core and attaches the objects without reading them back: they must
    hold what the database holds, with nothing left to flush, and an unanswered response must be SQL NULL
    (a JSON column would store Python's None as the JSON text 'null')."""
    user = make_user()
    module = catalog(app).module("introduction")

    def columns(row) -> dict:
        return {column.key: getattr(row, column.key) for column in row.__table__.columns}

    with app.app_context():
        for page in module.pages:
            learning.complete_page(user.id, module, page.anchor)
        started = quizzes.start_attempt(user.id, module)
        assert not db.session.new and not db.session.dirty
        assert all(item.attempt is started for item in started.items)
        kept = columns(started), [columns(item) for item in started.items]
        attempt_id = started.id
        db.session.remove()
        read = quizzes.get_attempt(user.id, attempt_id)
        assert (columns(read), [columns(item) for item in read.items]) == kept
        null_responses = select(func.count()).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.response.is_(None)
        )
        assert db.session.scalar(null_responses) == len(read.items) == module.quiz.questions_per_attempt
