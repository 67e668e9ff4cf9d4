"""The instructor's pictures, read back from the SVG and checked against positions worked out from the data:
the cohort at a glance, the score distribution and question map, and scores over attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from course.extensions import db
from course.identity.models import User
from course.instructor import reports

from ..support.helpers import text
from ..support.journey import answer_all, let_wait_pass, start_quiz, submit
from ..support.svg import elements, num
from ..support.world import build_world, client_for

STACK_LEFT, STACK_PLOT = 44, 400 - 44 - 16  # charts.stacked defaults
HIST_LEFT, HIST_RIGHT, HIST_TOP, HIST_BOTTOM = 48, 400 - 16, 16, 240 - 44  # charts.histogram defaults
SC_LEFT, SC_RIGHT, SC_TOP, SC_BOTTOM = 52, 420 - 20, 16, 320 - 48  # charts.scatter defaults
LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM = 40, 220 - 12, 10, 140 - 30  # charts.line defaults


def segments(html: str, kind: str) -> list[dict]:
    return elements(html, "cohort-svg", "rect", f"segment-{kind}")


def test_the_cohort_at_a_glance_counts_each_module(app, make_user):
    world = build_world(app, make_user)
    with app.app_context():  # Uma joined long ago and has done nothing since: inactive, so needs help
        db.session.get(User, world.u.id).created_at -= timedelta(days=20)
        db.session.commit()
    admin = client_for(app, world.admin)
    html = text(admin.get("/instructor/"))
    stats = html[html.index('class="stats"') : html.index("</ul>", html.index('class="stats"'))]
    # counted with the matrix page (its default view) or on their own (a search narrows the rows, not them)
    searched = text(admin.get("/instructor/?q=tess"))
    assert stats in searched
    assert "<strong>2</strong> trainees" in stats and "<strong>1</strong> inactive" in stats
    assert re.search(r"<strong>1</strong>\s*<a [^>]*>needs help</a>", stats)
    passed, going, none = segments(html, "passed"), segments(html, "progress"), segments(html, "none")
    # module 1: Tess passed, Uma has not started; module 2: Tess failed once (in progress)
    assert [s["data-count"] for s in passed] == ["1"]
    assert [s["data-count"] for s in going] == ["1"]
    half = STACK_PLOT / 2
    assert (num(passed[0], "x"), num(passed[0], "width")) == (STACK_LEFT, half)
    assert (num(going[0], "x"), num(going[0], "width")) == (STACK_LEFT, half)
    untouched = len(app.extensions["catalog"].modules) - 2  # neither trainee has opened the others
    assert [s["data-count"] for s in none] == ["1", "1"] + ["2"] * untouched
    assert num(none[0], "x") == STACK_LEFT + half and num(none[2], "width") == STACK_PLOT
    assert "Show as table" in html and '<th scope="row">1. ' in html


def test_a_single_trainee_fills_the_bar_and_no_trainee_draws_no_chart(app, make_user):
    world = build_world(app, make_user)
    html = text(client_for(app, world.a).get("/instructor/"))
    assert "<strong>1</strong> trainee<" in html
    passed = segments(html, "passed")
    assert len(passed) == 1 and num(passed[0], "width") == STACK_PLOT
    empty = text(client_for(app, world.b).get("/instructor/"))
    assert "No trainees yet" in empty and not elements(empty, "cohort-svg")


def test_score_distribution_puts_each_attempt_in_its_band_and_draws_the_pass_mark(app, make_user):
    world = build_world(app, make_user)
    admin = client_for(app, world.admin)
    html = text(admin.get(f"/instructor/statistics?module={world.first.slug}"))
    bars = elements(html, "score-distribution-svg", "rect", "bar")
    assert len(bars) == 1 and bars[0]["data-count"] == "1"  # Tess's one attempt, 100%: the last band
    assert num(bars[0], "height") == HIST_BOTTOM - HIST_TOP and num(bars[0], "y") == HIST_TOP
    band = (HIST_RIGHT - HIST_LEFT) / 10
    assert num(bars[0], "x") == pytest.approx(HIST_LEFT + 9 * band + 1)
    mark = elements(html, "score-distribution-svg", "line", "pass-mark")[0]
    assert num(mark, "x1") == pytest.approx(HIST_LEFT + world.first.quiz.pass_mark / 100 * (HIST_RIGHT - HIST_LEFT))
    assert "Too few attempts" in html and not elements(html, "question-map-svg")

    failed = text(admin.get(f"/instructor/statistics?module={world.second.slug}"))
    bars = elements(failed, "score-distribution-svg", "rect", "bar")
    assert len(bars) == 1 and num(bars[0], "x") == HIST_LEFT + 1  # 0%: the first band

    nothing = text(admin.get(f"/instructor/statistics?module={app.extensions['catalog'].modules[5].slug}"))
    assert "No attempts yet" in nothing and not elements(nothing, "score-distribution-svg")


def test_the_question_map_places_each_question_and_marks_the_flagged_ones(app, make_user, runner):
    result = runner.invoke(args=["demo", "seed", "--trainees", "30", "--cohorts", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    admin = make_user("admin")
    module = app.extensions["catalog"].modules[0]
    html = text(client_for(app, admin).get(f"/instructor/statistics?module={module.slug}"))
    with app.app_context():
        report = reports.quiz_report(db.session.get(User, admin.id), module)
    assert report.all.enough_data
    circles = {c["data-label"]: c for c in elements(html, "question-map-svg", "circle", "point")}
    triangles = {t["data-label"]: t for t in elements(html, "question-map-svg", "path", "flagged")}
    placed = 0
    for n, item in enumerate(report.all.items, start=1):
        label = f"Q{n}"
        if item.discrimination is None:
            assert label not in circles and label not in triangles
            continue
        placed += 1
        x = SC_LEFT + item.facility / 100 * (SC_RIGHT - SC_LEFT)
        y = SC_BOTTOM - (item.discrimination + 100) / 200 * (SC_BOTTOM - SC_TOP)
        if item.flags:
            assert label in triangles and label not in circles
            apex = [float(v) for v in re.match(r"M([-\d.]+),([-\d.]+) ", triangles[label]["d"]).groups()]
            assert apex == pytest.approx([x, y - 7], abs=0.01)  # a triangle pointing up, centred on the point
        else:
            assert (num(circles[label], "cx"), num(circles[label], "cy")) == pytest.approx((x, y), abs=0.01)
    assert placed == len(circles) + len(triangles) > 0
    # a label per point where there is room for it (charts.place_labels), never more, the flagged ones first
    labels = elements(html, "question-map-svg", "text", "point-label")
    assert 0 < len(labels) <= placed
    # A flagged point may lose its label to a neighbour (place_labels never overlaps two); the rule itself is
    # tested on the pure geometry (web/test_charts.py, test_scatter_labels_never_overlap_and_flagged_ones_are_kept).
    flagged = [lab for lab in labels if "flagged" in lab["class"]]
    assert len(flagged) <= len(triangles) and bool(flagged) == bool(triangles)  # the first one always fits


def test_scores_over_attempts_only_where_there_are_two_points_or_more(app, make_user):
    world = build_world(app, make_user)
    admin = client_for(app, world.admin)
    html = text(admin.get(f"/instructor/trainees/{world.t.id}"))
    # one attempt in each of two modules: a dot is not a trend, so no chart (the scores are in the table)
    assert not elements(html, "main", "svg", "chart-svg") and "No module attempted twice yet" in html
    tess = client_for(app, world.t)
    let_wait_pass(app, world.failed)
    retake = start_quiz(tess, world.second.slug)
    answer_all(tess, app, retake, right=True)
    submit(tess, retake)
    html = text(admin.get(f"/instructor/trainees/{world.t.id}"))
    second = elements(html, f"scores-{world.second.slug}-svg", "circle", "point")
    assert [(num(p, "cx"), num(p, "cy")) for p in second] == [
        (LINE_LEFT + 10, LINE_BOTTOM),
        (LINE_RIGHT - 10, LINE_TOP),
    ]
    mark = elements(html, f"scores-{world.second.slug}-svg", "line", "pass-mark")[0]
    assert num(mark, "y1") == pytest.approx(LINE_BOTTOM - world.second.quiz.pass_mark / 100 * (LINE_BOTTOM - LINE_TOP))
    assert len(elements(html, "main", "svg", "chart-svg")) == 1
    # the trainee's cohort, last activity and a way to write to them
    assert "Clinic X" in html and f'href="mailto:{world.t.email}"' in html and "Last active" in html
