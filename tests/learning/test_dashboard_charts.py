"""The dashboard's pictures are drawn from the trainee's own numbers: bar widths checked against the data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.content.model import THEMES
from course.extensions import db
from course.quizzes.models import AttemptItem, QuizAttempt

from ..support.helpers import post, text
from ..support.journey import answer_all, catalog, pass_module, read_module, start_quiz, submit
from ..support.svg import elements, num

BAR_PLOT = 360 - 100 - 56  # charts.hbars: width - left - right


def expected_mastery(app, user_id: int) -> dict[str, float]:
    """Worked out here from the raw answers, not by the code under test."""
    with app.app_context():
        rows = db.session.execute(
            select(AttemptItem.theme, AttemptItem.score)
            .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.status == "submitted")
        ).all()
    marks: dict[str, list[float]] = {}
    for theme, score in rows:
        marks.setdefault(theme, []).append(score or 0)
    return {theme: 100 * sum(m) / len(m) for theme, m in marks.items()}


def test_before_any_attempt_there_is_a_sentence_not_an_empty_chart(trainee_client):
    html = text(trainee_client.get("/dashboard"))
    assert "No attempts yet" in html
    assert not elements(html, "mastery-chart")
    # nothing read: the course's bar is at zero, and modules not started show no empty bars
    bars = elements(html, "main", "progress")
    assert [(bar["id"], bar["value"]) for bar in bars] == [("course-meter", "0")]


def test_theme_bars_and_progress_bars_follow_the_data(trainee_client, app):
    modules = catalog(app).modules
    pass_module(trainee_client, app, modules[0])
    read_module(trainee_client, modules[1])
    failed = start_quiz(trainee_client, modules[1].slug)
    answer_all(trainee_client, app, failed, right=False, skip=0)
    submit(trainee_client, failed)
    post(trainee_client, f"/modules/{modules[2].slug}/pages/{modules[2].pages[0].anchor}/complete")
    html = text(trainee_client.get("/dashboard"))

    mastery = expected_mastery(app, trainee_client.user.id)
    bars = elements(html, "mastery-svg", "rect", "bar")
    assert [float(b["data-value"]) for b in bars] == pytest.approx([mastery[t] for t in THEMES if t in mastery])
    for bar in bars:
        assert num(bar, "width") == pytest.approx(BAR_PLOT * float(bar["data-value"]) / 100, abs=0.01)
    assert "Your marks by theme" in html and "Show as table" in html

    # bars: modules passed of the course, then pages read of each module's pages
    course, *per_module = elements(html, "main", "progress")
    assert (course["value"], course["max"]) == ("1", str(len(modules)))
    assert [(bar["value"], bar["max"]) for bar in per_module[:3]] == [
        (str(len(modules[0].pages)), str(len(modules[0].pages))),
        (str(len(modules[1].pages)), str(len(modules[1].pages))),
        ("1", str(len(modules[2].pages))),
    ]
