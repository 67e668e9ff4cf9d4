"""Question statistics as a training lead reads them: plain words first with the answers behind them, the
figures one click away, and a page per question with how often each answer was chosen."""

from __future__ import annotations

import re

from ..support.helpers import text
from ..support.world import client_for


def test_plain_words_first_then_each_question_s_answers(app, make_user, runner):
    seeded = runner.invoke(args=["demo", "seed", "--trainees", "30", "--cohorts", "1", "--seed", "3"])
    assert seeded.exit_code == 0, seeded.output
    admin = client_for(app, make_user("admin"))
    module = app.extensions["catalog"].modules[0]
    html = text(admin.get(f"/instructor/statistics?module={module.slug}"))
    start = html.index("what to look at")
    words = html[start : html.index("</ul>", start)]  # the verdicts, before any chart or figure
    assert "answers" in words and "Cronbach" not in words and "iscrimination" not in words
    assert re.search(r"\d+ answers?</p>", words)  # the sample size behind every verdict
    assert "<summary>The psychometric figures" in html  # one click away

    link = re.search(rf'href="(/instructor/statistics/{module.slug}/questions/([^"?]+)[^"]*)"', words)
    page = text(admin.get(link[1].replace("&amp;", "&")))
    question = next(q for q in module.quiz.questions if q.id == link[2])
    answers = int(re.search(r"(\d+) answers? from submitted attempts", page)[1])
    assert answers > 0 and "Share of answers" in page
    # every option of a choice question is listed, the right ones marked
    if question.type in ("single", "true_false"):
        shown = re.findall(r'<th scope="row">([^<]+)</th>', page)
        assert sum(int(n) for n in re.findall(r"<td>(\d+)</td>", page)) == answers
        assert shown and "right" in page
    assert admin.get(f"/instructor/statistics/{module.slug}/questions/no-such-question").status_code == 404
