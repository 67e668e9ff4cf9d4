"""The review policy and the retakes it protects, through HTTP as a trainee and an instructor use them:
a failed attempt does not hand over the key, a pass shows everything, the instructor always sees it all,
and a retake never repeats a question whose answer the trainee was shown while the pool has others."""

from __future__ import annotations

import shutil
from pathlib import Path

from markupsafe import escape
from sqlalchemy import select

from course.extensions import db
from course.quizzes.grading import answer_parts, right_answer
from course.quizzes.models import AttemptItem

from ..support.helpers import login, text
from ..support.journey import answer_all, catalog, let_wait_pass, read_module, snapshots, start_quiz, submit

ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_attempt_shows_the_score_and_what_to_reread_but_not_the_key(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=False)
    submit(trainee_client, attempt_id)
    html = text(trainee_client.get(f"/attempts/{attempt_id}"))
    assert "not passed" in html and "Your answer" in html and html.count("Wrong") >= 5
    assert "Right answer" not in html and "<dt>Why</dt>" not in html and "Feedback" not in html
    items = {item.split("</h3>")[0]: item for item in html.split('<li class="review-item')[1:]}
    for snapshot in snapshots(app, attempt_id):
        slug, anchor = snapshot["lesson"].split("#")
        assert f'href="/modules/{slug}/pages/{anchor}"' in html  # the retake plan and the per-question link
        assert str(escape(snapshot["explanation"])) not in html, snapshot["id"]
        if snapshot["type"] == "single":  # the right option's text is nowhere in the question's review
            item = next(text for heading, text in items.items() if str(escape(snapshot["prompt"])) in heading)
            assert all(str(escape(p)) not in item for p in answer_parts(snapshot, right_answer(snapshot)))
    assert "appear once you pass the module" in html


def test_after_a_pass_the_full_review_appears_for_every_attempt(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    failed = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, failed, right=False)
    submit(trainee_client, failed)
    let_wait_pass(app, failed)
    passed = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, passed, right=True)
    submit(trainee_client, passed)
    for attempt_id in (passed, failed):  # the policy applies when shown: the old failure opens up too
        html = text(trainee_client.get(f"/attempts/{attempt_id}"))
        assert html.count("Right answer") == 5 and html.count("<dt>Why</dt>") == 5
        for snapshot in snapshots(app, attempt_id):
            assert str(escape(snapshot["explanation"])) in html


def test_the_instructor_always_sees_the_full_review(app, make_user, trainee_client):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    answer_all(trainee_client, app, attempt_id, right=False)
    submit(trainee_client, attempt_id)
    instructor = make_user(role="admin")
    staff = app.test_client()
    login(staff, instructor.email)
    html = text(staff.get(f"/instructor/trainees/{trainee_client.user.id}/attempts/{attempt_id}"))
    assert html.count("Right answer") == 5
    for snapshot in snapshots(app, attempt_id):
        parts = answer_parts(snapshot, right_answer(snapshot))
        assert all(str(escape(p)) in html for p in parts), snapshot["id"]


def test_a_retake_retests_missed_objectives_with_questions_not_seen_before(trainee_client, app):
    module = catalog(app).module("risks")
    read_module(trainee_client, module)
    first = start_quiz(trainee_client, "risks")
    answer_all(trainee_client, app, first, right=False)
    submit(trainee_client, first)
    trainee_client.get(f"/attempts/{first}")  # the review, as a trainee reads it before retaking
    let_wait_pass(app, first)
    second = start_quiz(trainee_client, "risks")
    objective = {q.id: q.objective for q in module.quiz.questions}
    before = {s["id"] for s in snapshots(app, first)}
    after = {s["id"] for s in snapshots(app, second)}
    pool: dict[int, set[str]] = {}
    for question in module.quiz.questions:
        pool.setdefault(question.objective, set()).add(question.id)
    for repeated in before & after:  # only where its objective had no unseen question left
        assert pool[objective[repeated]] <= before | after, repeated
    assert len(before & after) < len(after)  # the retake is not the same attempt again
    assert {objective[q] for q in before} <= {objective[q] for q in after}


def _course_with_open_reviews(tmp_path: Path) -> tuple[Path, Path]:
    """The real course, with the introduction quiz set to show every answer at once."""
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    path = quizzes / "01-introduction.yaml"
    source = path.read_text()
    path.write_text(
        source.replace("\nquestions:\n", "\nreview:\n  right_answer: always\n  explanation: always\nquestions:\n", 1)
    )
    return lessons, quizzes


def test_questions_whose_answers_were_shown_are_not_drawn_again_until_the_pool_runs_out(
    app_factory, make_user, tmp_path
):
    lessons, quizzes = _course_with_open_reviews(tmp_path)
    app = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    module = catalog(app).module("introduction")
    assert module.quiz.review.right_answer == "always"
    read_module(client, module)
    objective = {q.id: q.objective for q in module.quiz.questions}
    on_objective = {o: {q for q in objective if objective[q] == o} for o in objective.values()}
    shown: set[str] = set()
    for _ in range(8):  # 15 questions, 5 an attempt: every answer is shown within a few attempts
        attempt_id = start_quiz(client, "introduction")
        with app.app_context():
            items = db.session.execute(
                select(AttemptItem.question_id, AttemptItem.pool_exhausted).where(AttemptItem.attempt_id == attempt_id)
            ).all()
        drawn = {q for q, _ in items}
        for question, pool_exhausted in items:
            # a revealed question only when no other question on its objective was left to draw
            if question in shown:
                assert on_objective[objective[question]] <= shown | drawn, question
            assert pool_exhausted == (question in shown)
        answer_all(client, app, attempt_id, right=False)
        submit(client, attempt_id)
        assert "Right answer" in text(client.get(f"/attempts/{attempt_id}"))
        shown |= drawn
        let_wait_pass(app, attempt_id)
        if shown == set(objective):
            break
    assert shown == set(objective)
    exhausted = start_quiz(client, "introduction")  # every answer has been shown: it must repeat
    with app.app_context():
        flags = db.session.scalars(select(AttemptItem.pool_exhausted).where(AttemptItem.attempt_id == exhausted))
        assert all(flags)
    staff = app.test_client()
    login(staff, make_user(role="admin").email)
    stats = text(staff.get("/instructor/statistics?module=introduction"))
    assert "Pool exhausted" in stats
    for number, objective in enumerate(module.objectives, start=1):
        if any(q.objective == number for q in module.quiz.questions):
            assert f"{number}. {escape(objective)}" in stats


def test_a_review_never_opened_reveals_nothing(app_factory, make_user, tmp_path):
    """Revealed means shown: a trainee who retakes without reading the open review meets those questions
    like any other seen question."""
    lessons, quizzes = _course_with_open_reviews(tmp_path)
    app = app_factory(LESSONS_DIR=lessons, QUIZZES_DIR=quizzes)
    client = app.test_client()
    login(client, make_user().email)
    read_module(client, catalog(app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=False)
    submit(client, attempt_id)
    with app.app_context():
        from course.quizzes.models import QuizAttempt

        assert db.session.get(QuizAttempt, attempt_id).revealed_at is None
    client.get(f"/attempts/{attempt_id}")
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).revealed_at is not None


def test_a_true_false_verdict_counts_as_its_answer_shown(trainee_client, app):
    """Review 2026-12 L4 (ASVS 5.0 2.3.2): a failed attempt's review says "Wrong" beside "True", which is
    the key. So a true/false question counts as revealed from its attempt's submission on (the result
    page, where the submission lands, shows its verdict), and a retake draws it again only when its
    objective has nothing else left (and says so: pool exhausted)."""
    module = catalog(app).module("introduction")
    read_module(trainee_client, module)
    kind = {q.id: q.type for q in module.quiz.questions}
    objective = {q.id: q.objective for q in module.quiz.questions}
    assert "true_false" in kind.values()
    verdict_shown: set[str] = set()
    for _ in range(6):
        attempt_id = start_quiz(trainee_client, "introduction")
        with app.app_context():
            items = db.session.execute(
                select(AttemptItem.question_id, AttemptItem.pool_exhausted).where(AttemptItem.attempt_id == attempt_id)
            ).all()
        drawn = {q for q, _ in items}
        for question, pool_exhausted in items:
            if question in verdict_shown:  # only once nothing unrevealed is left on its objective
                others = {q for q in objective if objective[q] == objective[question]} - verdict_shown
                assert pool_exhausted and others <= drawn, question
        answer_all(trainee_client, app, attempt_id, right=False)
        submit(trainee_client, attempt_id)
        page = text(trainee_client.get(f"/attempts/{attempt_id}"))
        assert "Right answer" not in page and "Wrong" in page  # a failed review: verdicts, no key
        verdict_shown |= {q for q, _ in items if kind[q] == "true_false"}
        let_wait_pass(app, attempt_id)
