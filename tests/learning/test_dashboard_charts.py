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
METER = 160


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
    # nothing read, nothing scored: every meter is an empty track
    assert elements(html, "main", "rect", "meter-fill") == []
    assert len(elements(html, "main", "rect", "meter-track")) == 2 * len(catalog(trainee_client.application).modules)


def test_theme_bars_and_module_meters_follow_the_data(trainee_client, app):
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

    # meters: pages read of the module's pages, and the score against the pass mark
    pages = elements(html, "main", "svg", "meter-pages")
    assert len(pages) == len(modules)
    rects = elements(html, "main", "rect", "meter-fill")
    widths = [num(r, "width") for r in rects]
    # module 1: all pages and 100%; module 2: all pages and 0% (no fill); module 3: one page
    assert widths[:2] == [METER, METER]
    assert widths[2] == METER  # module 2's pages
    assert widths[3] == pytest.approx(METER / len(modules[2].pages), abs=0.01)
    marks = elements(html, "main", "line", "meter-mark")
    assert num(marks[0], "x1") == METER * modules[0].quiz.pass_mark / 100
