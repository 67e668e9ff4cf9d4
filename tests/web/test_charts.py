"""The pure chart geometry: every position worked out by hand from the data."""

from __future__ import annotations

import pytest

from course.web import charts


def test_axis_maps_and_clamps():
    axis = charts.Axis(0, 100, 40, 440)
    assert axis.pos(0) == 40 and axis.pos(100) == 440 and axis.pos(25) == 140
    assert axis.pos(-5) == 40 and axis.pos(150) == 440
    upside_down = charts.Axis(0, 10, 200, 0)
    assert upside_down.pos(10) == 0 and upside_down.pos(2.5) == 150
    assert [t.label for t in axis.ticks(25, "%")] == ["0%", "25%", "50%", "75%", "100%"]


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (30, 10), (240, 50)])
def test_nice_step(largest, step):
    assert charts.nice_step(largest) == step


def test_hbars_width_is_the_value_share_of_the_plot():
    chart = charts.hbars([("mechanism", 50.0), ("risks", None), ("legal", 100.0)], width=420, left=100, right=20)
    plot = 300
    assert [b.width for b in chart.bars] == [plot * 0.5, 0, plot]
    assert chart.bars[1].text == "no answers yet" and chart.bars[0].text == "50%"
    assert chart.bars[1].y - chart.bars[0].y == 34
    assert chart.table == (("Mechanism", "50%"), ("Risks", "no answers yet"), ("Legal", "100%"))
    assert chart.description == "Mechanism: 50%; Risks: no answers yet; Legal: 100%."


def test_hbars_with_counts_draw_no_bar_on_too_few_and_say_how_many():
    rows = [("mechanism", 80.0), ("risks", 100.0), ("legal", None)]
    chart = charts.hbars(rows, width=420, left=100, right=20, counts=[10, 1, 0], min_count=5)
    assert [b.value for b in chart.bars] == [80.0, None, None] and [b.width for b in chart.bars] == [240, 0, 0]
    assert [b.count for b in chart.bars] == [10, 1, 0]
    assert chart.table == (
        ("Mechanism", "80%", "10 answers"),
        ("Risks", "too few answers yet", "1 answer"),
        ("Legal", "no answers yet", "0 answers"),
    )
    assert (
        chart.description
        == "Mechanism: 80% · 10 answers; Risks: too few answers yet · 1 answer; Legal: no answers yet."
    )
    assert charts.hbars(rows, counts=[10, 1, 0], min_count=1).bars[1].value == 100.0


def test_histogram_bins_heights_and_pass_mark():
    chart = charts.histogram([0, 5, 10, 79.9, 80, 100, 100], mark=80, width=480, height=260)
    counts = [b.count for b in chart.bins]
    assert counts == [2, 1, 0, 0, 0, 0, 0, 1, 1, 2]
    plot = chart.plot
    top = 2  # the y axis runs to the largest count, a whole step of 1
    for b in chart.bins:
        assert b.height == pytest.approx((plot.bottom - plot.top) * b.count / top, abs=0.01)
        assert b.y + b.height == pytest.approx(plot.bottom)
    assert chart.mark == pytest.approx(plot.left + 0.8 * (plot.right - plot.left))
    assert chart.bins[8].label == "80–90%"


def test_histogram_of_nothing_is_flat():
    chart = charts.histogram([])
    assert all(b.height == 0 for b in chart.bins) and chart.total == 0 and chart.mark is None


def test_scatter_positions():
    points = [charts.Point("Q1", 50, 0, False), charts.Point("Q2", 100, 100, True), charts.Point("Q3", 0, -100, True)]
    chart = charts.scatter(points, x_guides=[30], y_guides=[15])
    p = chart.plot
    q1, q2, q3 = chart.points
    assert (q1.cx, q1.cy) == ((p.left + p.right) / 2, (p.top + p.bottom) / 2)
    assert (q2.cx, q2.cy) == (p.right, p.top) and (q3.cx, q3.cy) == (p.left, p.bottom)
    assert chart.guides[0].x1 == pytest.approx(p.left + 0.3 * (p.right - p.left), abs=0.01)
    assert chart.guides[1].y1 == pytest.approx(p.bottom - 115 / 200 * (p.bottom - p.top), abs=0.01)


def test_line_of_attempts():
    chart = charts.line([40, 100], mark=80)
    p = chart.plot
    (x1, y1, _), (x2, y2, _) = chart.points
    assert (x1, x2) == (p.left + 10, p.right - 10)
    assert y1 == pytest.approx(p.bottom - 0.4 * (p.bottom - p.top)) and y2 == p.top
    assert chart.mark == pytest.approx(p.bottom - 0.8 * (p.bottom - p.top))
    single = charts.line([60])
    assert single.points[0][0] == (p.left + p.right) / 2 and len(single.x_labels) == 1


def test_stacked_rows_add_up_to_the_total():
    rows = [("M1", [("passed", 2), ("progress", 1), ("none", 1)]), ("M2", [("passed", 0), ("none", 4)])]
    chart = charts.stacked(rows, 4)
    plot = chart.plot_width
    first, second = chart.rows
    expected = [("passed", plot / 2), ("progress", plot / 4), ("none", plot / 4)]
    assert [(s.kind, s.width) for s in first.segments] == expected
    assert first.segments[1].x == chart.left + plot / 2
    assert [s.kind for s in second.segments] == ["none"] and second.segments[0].width == plot
    single = charts.stacked([("M1", [("passed", 1)])], 1)
    assert single.rows[0].segments[0].width == single.plot_width


def test_scatter_labels_never_overlap_and_flagged_ones_are_kept():
    crowded = [charts.Point(f"Q{n}", 85 + (n % 3), 30 + (n % 2), flagged=n == 7) for n in range(1, 17)]
    chart = charts.scatter(crowded)
    boxes = []
    for label in chart.labels:
        width = charts.LABEL_CHAR_WIDTH * len(label.text)
        left = label.x if label.anchor == "start" else label.x - width
        boxes.append((left, label.y - charts.LABEL_HEIGHT, left + width, label.y + 2))
    for i, a in enumerate(boxes):
        assert all(not charts._overlaps(a, b) for b in boxes[i + 1 :]), chart.labels
    assert "Q7" in {label.text for label in chart.labels}  # the flagged question keeps its label
    assert len(chart.labels) < len(crowded)  # the rest go to the table rather than pile up
    spread = [charts.Point(f"Q{n}", 10 + 20 * n, -50 + 25 * n, flagged=False) for n in range(4)]
    assert len(charts.scatter(spread).labels) == 4
