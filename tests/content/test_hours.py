"""The `hours:` block of course.yaml (issue 24, T13): the documented example is what the loader reads, the
real course states its estimate, and a bad value is reported at its line."""

from __future__ import annotations

import re

import pytest

from course.content import check_content, load_catalog
from course.content.model import Hours

from ..support.content import ROOT, copy_of_the_course

DOC = (ROOT / "docs" / "content-format.md").read_text()
EXAMPLE = re.search(r"```course-hours\n(.*?)```", DOC, re.S)[1]


def _course(tmp_path, block: str):
    """The real course.yaml without its hours, then `block`."""
    lessons, quizzes = copy_of_the_course(tmp_path)
    text = (ROOT / "course.yaml").read_text()
    without = re.sub(r"\nhours:\n(  .*\n)+", "\n", text)
    assert "\nhours:" not in without
    (tmp_path / "course.yaml").write_text(without + "\n" + block)
    return lessons, quizzes


def test_the_documented_block_is_read(tmp_path):
    catalog = load_catalog(*_course(tmp_path, EXAMPLE))
    assert catalog.course.hours == Hours(3.5, "estimated")
    assert catalog.course.hours.words == "Estimated study time: 3.5 hours"


def test_the_real_course_states_its_estimated_hours():
    hours = load_catalog(ROOT / "lessons", ROOT / "quizzes").course.hours
    assert hours is not None and hours.kind == "estimated" and hours.amount > 0


def test_continuing_education_hours_and_no_block(tmp_path):
    catalog = load_catalog(*_course(tmp_path, "hours:\n  amount: 1\n  kind: continuing-education\n"))
    assert catalog.course.hours.words == "1 continuing-education hour"
    assert load_catalog(*_course(tmp_path / "none", "")).course.hours is None


@pytest.mark.parametrize(
    ("block", "message", "line_in_block"),
    [
        ("hours:\n  amount: 0\n", "'amount' in 'hours' must be a number above 0, at most 1000", 2),
        ("hours:\n  amount: three\n", "'amount' in 'hours' must be a number above 0", 2),
        ("hours:\n  amount: 3.1\n", "'amount' in 'hours' must be whole or quarter hours", 2),
        ("hours:\n  amount: 3\n  kind: accredited\n", "'kind' in 'hours' must be one of: estimated, continuing", 3),
        ("hours:\n  kind: estimated\n", "missing field 'amount' in 'hours'", 2),  # the block's first line
        ("hours:\n  amount: 3\n  credits: 2\n", "unknown field 'credits' in 'hours'", 3),
        ("hours: 3.5\n", "'hours' must be a block with 'amount'", 1),
    ],
)
def test_a_bad_value_is_reported_at_its_line(tmp_path, block, message, line_in_block):
    lessons, quizzes = _course(tmp_path, block)
    lines = (tmp_path / "course.yaml").read_text().splitlines()
    first = lines.index(block.splitlines()[0]) + 1
    report = check_content(lessons, quizzes)
    found = [p for p in report.errors if p.path.endswith("course.yaml") and message in p.message]
    assert [p.line for p in found] == [first + line_in_block - 1], [(p.line, p.message) for p in report.errors]
