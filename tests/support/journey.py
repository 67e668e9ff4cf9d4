"""Steps of the learner journey, driven through HTTP. The database is read only to know what a trainee
would know by reading (which answer is right), never to take a shortcut around the app."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.extensions import db
from course.quizzes.grading import right_answer
from course.quizzes.models import AttemptItem, QuizAttempt

from .helpers import post


def catalog(app):
    return app.extensions["catalog"]


def read_module(client, module) -> None:
    for page in module.pages:
        assert client.get(f"/modules/{module.slug}/pages/{page.anchor}").status_code == 200
        assert post(client, f"/modules/{module.slug}/pages/{page.anchor}/complete").status_code == 303


def start_quiz(client, slug: str) -> int:
    response = post(client, f"/modules/{slug}/quiz/start")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"])[1])


def snapshots(app, attempt_id: int) -> list[dict]:
    with app.app_context():
        items = db.session.scalars(
            select(AttemptItem).where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position)
        )
        return [item.snapshot for item in items]


def form_for(snapshot: dict, right: bool) -> dict[str, list[str]]:
    """The form a trainee would post to answer this question rightly or wrongly (a wrong answer: every
    matching left gets the next left's right item; otherwise the first wrong option)."""
    answer = right_answer(snapshot)
    if snapshot["type"] == "matching":
        matches = answer["matches"]
        if not right:
            values = list(matches.values())
            matches = dict(zip(matches, values[1:] + values[:1], strict=True))
        return {f"match-{left}": [rk] for left, rk in matches.items()}
    chosen = answer.get("choices") or [answer["choice"]]
    if not right:
        chosen = [o["key"] for o in snapshot["options"] if o["key"] not in chosen][:1]
    return {"choice": chosen}


def answer_all(client, app, attempt_id: int, right: bool = True, skip: int = 0) -> None:
    shots = snapshots(app, attempt_id)
    for position, snapshot in enumerate(shots, start=1):
        if position <= skip:
            continue
        response = post(
            client, f"/attempts/{attempt_id}/questions/{position}", {**form_for(snapshot, right), "go": "next"}
        )
        assert response.status_code == 303, response.get_data(as_text=True)


def submit(client, attempt_id: int):
    return post(client, f"/attempts/{attempt_id}/submit")


def pass_module(client, app, module) -> int:
    read_module(client, module)
    attempt_id = start_quiz(client, module.slug)
    answer_all(client, app, attempt_id, right=True)
    assert submit(client, attempt_id).status_code == 303
    return attempt_id


def attempt_row(app, attempt_id: int) -> QuizAttempt:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def let_wait_pass(app, attempt_id: int, minutes: int = 60) -> None:
    """Simulates the retake wait going by: move the attempt's submission back in time."""
    from datetime import timedelta

    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.submitted_at -= timedelta(minutes=minutes)
        db.session.commit()
