"""The dashboard's pictures are drawn from the trainee's own numbers: bar widths checked against the data."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.content.model import THEMES
from course.extensions import db
from course.quizzes.models import AttemptItem, QuizAttempt

from ..support.helpers import login, post, text
from ..support.journey import answer_all, catalog, pass_module, read_module, start_quiz, submit
from ..support.svg import elements, num

BAR_PLOT = 360 - 100 - 56  # charts.hbars: width - left - right


def expected_mastery(app, user_id: int) -> dict[str, tuple[float, int]]:
    """(percent, answers) per theme answered, worked out here from the raw answers, not by the code under test."""
    with app.app_context():
        rows = db.session.execute(
            select(AttemptItem.theme, AttemptItem.score)
            .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.status == "submitted")
        ).all()
    marks: dict[str, list[float]] = {}
    for theme, score in rows:
        marks.setdefault(theme, []).append(score or 0)
    return {theme: (100 * sum(m) / len(m), len(m)) for theme, m in marks.items()}


def table_rows(html: str, table_id: str) -> list[tuple[str, ...]]:
    section = html[html.index(f'id="{table_id}-caption"') :]
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    return [tuple(re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)) for row in body.split("</tr>") if "<t" in row]


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
    least = app.config["MASTERY_MIN_ANSWERS"]
    drawn = [t for t in THEMES if t in mastery and mastery[t][1] >= least]
    assert drawn, "the journey answers enough on at least one theme"
    bars = elements(html, "mastery-svg", "rect", "bar")
    assert [float(b["data-value"]) for b in bars] == pytest.approx([mastery[t][0] for t in drawn])
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


def test_each_theme_shows_its_answers_and_no_bar_rests_on_too_few(app, make_user):
    """Walkthrough T9: "Legal 100%" from one question looked authoritative. Each theme shows how many answers
    its share rests on, in the drawing and in its table; below MASTERY_MIN_ANSWERS it says "too few answers
    yet" and draws no bar. Checked against the raw answers, with the minimum moved both ways."""
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    modules = catalog(app).modules
    pass_module(client, app, modules[0])
    mastery = expected_mastery(app, user.id)
    counts = sorted({answers for _, answers in mastery.values()})
    assert len(counts) >= 2, mastery  # themes with different numbers of answers, so a minimum falls between

    for least in (counts[0] + 1, counts[-1] + 1, 1):
        app.config["MASTERY_MIN_ANSWERS"] = least
        html = text(client.get("/dashboard"))
        rows = {row[0].lower(): row[1:] for row in table_rows(html, "mastery-table")}
        assert set(rows) == set(THEMES)
        for theme in THEMES:
            percent, answers = mastery.get(theme, (None, 0))
            count = f"{answers} answer{'' if answers == 1 else 's'}"
            if percent is None:
                assert rows[theme] == ("no answers yet", count)
            elif answers < least:
                assert rows[theme] == ("too few answers yet", count)
            else:
                assert rows[theme] == (f"{percent:.0f}%", count)
        bars = {float(b["data-value"]) for b in elements(html, "mastery-svg", "rect", "bar")}
        expected = {round(p, 6) for p, n in mastery.values() if n >= least}
        assert {round(b, 6) for b in bars} == expected
        drawn_counts = re.findall(r'<text class="count"[^>]*>([^<]*)</text>', html)  # under each label
        assert drawn_counts == [rows[theme][1] for theme in THEMES]
        assert f"A theme gets a bar once it has {least} answers" in html
