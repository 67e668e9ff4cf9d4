"""Chart geometry for the server-drawn SVG charts. PURE: standard library only.

Each function turns plain numbers into positions (bar rectangles, points, ticks, the pass-mark line) in an
SVG user space; `templates/_charts.html` only draws what these return, with CSS classes for colour. So every
position can be checked by hand in a test, and a page needs no JavaScript to show a chart.

Conventions: percentages run 0-100; values outside an axis are clamped to it; positions are rounded to two
decimals so the markup is stable; y grows downwards, as in SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def _r(value: float) -> float:
    return round(value, 2)


@dataclass(frozen=True)
class Tick:
    value: float
    pos: float
    label: str


@dataclass(frozen=True)
class Axis:
    """A linear scale from data values [lo, hi] to positions [start, end] (end may be below start)."""

    lo: float
    hi: float
    start: float
    end: float

    def pos(self, value: float) -> float:
        value = min(self.hi, max(self.lo, value))
        return _r(self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start))

    def ticks(self, step: float, suffix: str = "") -> tuple[Tick, ...]:
        count = round((self.hi - self.lo) / step)
        values = [self.lo + i * step for i in range(count + 1)]
        return tuple(Tick(v, self.pos(v), f"{v:g}{suffix}") for v in values)


def nice_step(largest: float, most: int = 5) -> int:
    """The smallest step of 1, 2 or 5 times a power of ten that covers `largest` in at most `most` steps."""
    if largest <= 0:
        return 1
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if largest / step <= most:
                return step
        power *= 10


def count_axis(largest: int, start: float, end: float) -> tuple[Axis, int]:
    """An axis for counts from 0 to a whole number of steps at or above `largest` (at least 1)."""
    step = nice_step(max(1, largest))
    top = step * max(1, math.ceil(largest / step))
    return Axis(0, top, start, end), step


# --- horizontal bars, one per labelled value (theme mastery) ------------------------------------------


@dataclass(frozen=True)
class HBar:
    label: str
    value: float | None  # None: no bar (no data for this row, or fewer answers than the chart's minimum)
    y: float
    height: float
    width: float
    text: str  # the value in words, drawn at the end of the bar
    text_x: float
    count: int | None = None  # how many answers the value rests on, where the chart was given counts


@dataclass(frozen=True)
class HBarChart:
    width: float
    height: float
    left: float  # x where bars start
    plot_width: float
    bars: tuple[HBar, ...]
    ticks: tuple[Tick, ...]
    axis_y: float  # y of the tick labels

    @property
    def counted(self) -> bool:
        return any(b.count is not None for b in self.bars)

    @property
    def table(self) -> tuple[tuple[str, ...], ...]:
        """(label, value in words) per bar, worded as the drawing words them, and the number of answers
        where the chart has counts: the rows of the table that repeats the chart's numbers."""
        if self.counted:
            return tuple((b.label.capitalize(), b.text, answers(b.count or 0)) for b in self.bars)
        return tuple((b.label.capitalize(), b.text) for b in self.bars)

    @property
    def description(self) -> str:
        """The chart in one sentence: "Legal: 100% · 1 answer; Risks: no answers yet"."""
        words = [f"{b.label.capitalize()}: {b.text}" + (f" · {answers(b.count)}" if b.count else "") for b in self.bars]
        return "; ".join(words) + "."


def answers(count: int) -> str:
    return f"{count} answer{'' if count == 1 else 's'}"


def hbars(
    rows: Sequence[tuple[str, float | None]],
    width: float = 360,
    left: float = 100,
    right: float = 56,
    row: float = 34,
    bar: float = 20,
    top: float = 8,
    counts: Sequence[int] | None = None,
    min_count: int = 0,
) -> HBarChart:
    """Percentages as bars from `left`; a row without a value gets a label saying so, and no bar. With
    `counts` (the answers behind each row's value), a row resting on fewer than `min_count` answers gets
    "too few answers yet" and no bar either: a bar would look more certain than the answers are."""
    plot_width = width - left - right
    axis = Axis(0, 100, left, left + plot_width)
    bars = []
    for i, (label, value) in enumerate(rows):
        count = counts[i] if counts is not None else None
        if value is not None and count is not None and count < min_count:
            value, text = None, "too few answers yet"
        else:
            text = f"{value:.0f}%" if value is not None else "no answers yet"
        y = top + i * row + (row - bar) / 2
        w = axis.pos(value) - left if value is not None else 0.0
        bars.append(HBar(label, value, _r(y), bar, _r(w), text, _r(left + w + 6), count))
    height = top + len(rows) * row + 24
    return HBarChart(width, _r(height), left, plot_width, tuple(bars), axis.ticks(25, "%"), _r(height - 6))


# --- a histogram of percentages with the pass mark -----------------------------------------------------


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return f"{self.lo:g}–{self.hi:g}%"


@dataclass(frozen=True)
class Plot:
    """The drawing area inside the axes."""

    width: float
    height: float
    left: float
    top: float
    right: float  # x of the right edge of the plot area
    bottom: float  # y of the bottom edge (the x axis)


@dataclass(frozen=True)
class Histogram:
    plot: Plot
    bins: tuple[Bin, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    mark: float | None  # x of the pass mark
    mark_value: float | None
    total: int


def _plot(width: float, height: float, left: float, top: float, right: float, bottom: float) -> Plot:
    return Plot(width, height, left, top, width - right, height - bottom)


def histogram(
    values: Sequence[float],
    bins: int = 10,
    mark: float | None = None,
    width: float = 400,
    height: float = 240,
) -> Histogram:
    """Counts of percentages in `bins` equal bins over 0-100; 100 falls in the last bin."""
    plot = _plot(width, height, 48, 16, 16, 44)
    size = 100 / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, max(0, int(value // size)))] += 1
    x = Axis(0, 100, plot.left, plot.right)
    y, step = count_axis(max(counts), plot.bottom, plot.top)
    drawn = []
    for i, count in enumerate(counts):
        x0, x1 = x.pos(i * size), x.pos((i + 1) * size)
        top_y = y.pos(count)
        drawn.append(Bin(_r(i * size), _r((i + 1) * size), count, x0, top_y, _r(x1 - x0), _r(plot.bottom - top_y)))
    return Histogram(
        plot,
        tuple(drawn),
        x.ticks(20, "%"),
        y.ticks(step),
        x.pos(mark) if mark is not None else None,
        mark,
        len(values),
    )


# --- a scatter of facility against discrimination -----------------------------------------------------


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    flagged: bool
    cx: float = 0.0
    cy: float = 0.0


@dataclass(frozen=True)
class Guide:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class Label:
    """A point's label where it overlaps no other label and no point (it is left out when no place is free:
    the chart's table names every point)."""

    text: str
    x: float
    y: float
    anchor: str  # "start" or "end"
    flagged: bool


@dataclass(frozen=True)
class Scatter:
    plot: Plot
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    guides: tuple[Guide, ...]
    y_zero: float
    labels: tuple[Label, ...] = ()


LABEL_CHAR_WIDTH = 7.5  # px per character at the 12-px label size, a generous estimate for digits and capitals
LABEL_HEIGHT = 12
POINT_RADIUS = 6


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: Sequence[Point], plot: Plot) -> tuple[Label, ...]:
    """Each label tries four places around its point (right or left, above or below) and takes the first
    that stays in the plot and touches no label already placed and no other point; flagged points go first,
    and may cover another point's mark if they must, so theirs are the ones kept when the chart is crowded."""
    marks = [(p.cx - POINT_RADIUS, p.cy - POINT_RADIUS, p.cx + POINT_RADIUS, p.cy + POINT_RADIUS) for p in points]
    taken: list[tuple[float, float, float, float]] = []
    labels = []
    for point in sorted(points, key=lambda p: not p.flagged):
        width = LABEL_CHAR_WIDTH * len(point.label)
        for dx, baseline, anchor in ((8, -6, "start"), (-8, -6, "end"), (8, 16, "start"), (-8, 16, "end")):
            x, y = point.cx + dx, point.cy + baseline
            left = x if anchor == "start" else x - width
            box = (left, y - LABEL_HEIGHT, left + width, y + 2)
            inside = plot.left <= box[0] and box[2] <= plot.right and plot.top <= box[1] and box[3] <= plot.bottom
            avoid = taken if point.flagged else taken + marks
            if inside and not any(_overlaps(box, other) for other in avoid):
                taken.append(box)
                labels.append(Label(point.label, _r(x), _r(y), anchor, point.flagged))
                break
    return tuple(labels)


def scatter(
    points: Sequence[Point],
    x_guides: Sequence[float] = (),
    y_guides: Sequence[float] = (),
    y_range: tuple[float, float] = (-100, 100),
    width: float = 420,
    height: float = 320,
) -> Scatter:
    """Points on a 0-100 x axis and a `y_range` y axis, with dashed guide lines at the given values."""
    plot = _plot(width, height, 52, 16, 20, 48)
    x = Axis(0, 100, plot.left, plot.right)
    y = Axis(y_range[0], y_range[1], plot.bottom, plot.top)
    placed = tuple(Point(p.label, p.x, p.y, p.flagged, x.pos(p.x), y.pos(p.y)) for p in points)
    guides = [Guide(x.pos(g), plot.top, x.pos(g), plot.bottom, f"{g:g}") for g in x_guides]
    guides += [Guide(plot.left, y.pos(g), plot.right, y.pos(g), f"{g:g}") for g in y_guides]
    step = nice_step(y_range[1] - y_range[0], 8)
    return Scatter(plot, placed, x.ticks(20), y.ticks(step), tuple(guides), y.pos(0), place_labels(placed, plot))


# --- scores over attempts (one small chart per module) -----------------------------------------------


@dataclass(frozen=True)
class Line:
    plot: Plot
    points: tuple[tuple[float, float, float], ...]  # (x, y, score) per attempt, in order
    x_labels: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    mark: float | None  # y of the pass mark

    @property
    def path(self) -> str:
        return " ".join(f"{x:g},{y:g}" for x, y, _ in self.points)


def line(scores: Sequence[float], mark: float | None = None, width: float = 220, height: float = 140) -> Line:
    """Attempt 1..n evenly across, scores 0-100 up; a single attempt sits in the middle."""
    plot = _plot(width, height, 40, 10, 12, 30)
    y = Axis(0, 100, plot.bottom, plot.top)
    n = len(scores)
    x = Axis(1, n, plot.left + 10, plot.right - 10) if n > 1 else None
    middle = _r((plot.left + plot.right) / 2)
    points = tuple((x.pos(i + 1) if x else middle, y.pos(s), s) for i, s in enumerate(scores))
    labels = tuple(Tick(i + 1, px, str(i + 1)) for i, (px, _, _) in enumerate(points))
    return Line(plot, points, labels, y.ticks(50, "%"), y.pos(mark) if mark is not None else None)


# --- stacked horizontal bars of counts (the cohort at a glance) ---------------------------------------


@dataclass(frozen=True)
class Segment:
    kind: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class StackRow:
    label: str
    y: float
    height: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Stacked:
    width: float
    height: float
    left: float
    plot_width: float
    rows: tuple[StackRow, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    total: int


def stacked(
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    total: int,
    width: float = 400,
    left: float = 44,
    right: float = 16,
    row: float = 24,
    bar: float = 18,
    top: float = 6,
) -> Stacked:
    """Each row's (kind, count) parts laid end to end on a 0..total axis; empty parts are left out."""
    plot_width = width - left - right
    axis = Axis(0, max(1, total), left, left + plot_width)
    drawn = []
    for i, (label, parts) in enumerate(rows):
        start, segments = 0, []
        for kind, count in parts:
            if count:
                x0, x1 = axis.pos(start), axis.pos(start + count)
                segments.append(Segment(kind, count, x0, _r(x1 - x0)))
            start += count
        drawn.append(StackRow(label, _r(top + i * row + (row - bar) / 2), bar, tuple(segments)))
    height = top + len(rows) * row + 26
    step = nice_step(max(1, total), 5)
    ticks = tuple(Tick(v, axis.pos(v), str(v)) for v in range(0, max(1, total) + 1, step))
    return Stacked(width, _r(height), left, plot_width, tuple(drawn), ticks, _r(height - 8), total)
