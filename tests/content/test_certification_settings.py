"""The `certification:` block of course.yaml: the documented example is what the loader reads, and a bad
value is reported at its line (the app refuses to start on it, like any content error)."""

from __future__ import annotations

import re

import pytest

from course.content import check_content, load_catalog
from course.content.certification import BLOCK_FIELDS, RULE_FIELDS
from course.content.model import Certification

from ..support.content import ROOT, copy_of_the_course

DOC = (ROOT / "docs" / "content-format.md").read_text()
EXAMPLE = re.search(r"```course-yaml\n(.*?)```", DOC, re.S)[1]


def _course(tmp_path, block: str):
    lessons, quizzes = copy_of_the_course(tmp_path)
    text = (ROOT / "course.yaml").read_text()
    head = text.split("\ncertification:")[0]
    (tmp_path / "course.yaml").write_text(head + "\n" + block)
    return lessons, quizzes


def test_the_documented_block_is_read_with_every_key(tmp_path):
    keys = set(re.findall(r"^\s+(\w+):", EXAMPLE, re.M))
    assert keys == BLOCK_FIELDS | RULE_FIELDS
    catalog = load_catalog(*_course(tmp_path, EXAMPLE))
    assert catalog.course.certification == Certification(12, 60, 30, 80, 10)


def test_the_real_course_expires_after_a_year():
    catalog = load_catalog(ROOT / "lessons", ROOT / "quizzes")
    assert catalog.course.certification.valid_for_months == 12


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("certification:\n  valid_for_months: 0\n", "'valid_for_months' must be a whole number from 1 to 120"),
        ("certification:\n  window_days: lots\n", "'window_days' must be a whole number"),
        ("certification:\n  current_while:\n    right_percent: 180\n", "'right_percent' must be a whole number"),
        ("certification:\n  expires: soon\n", "unknown field 'expires'"),
        ("certification:\n  current_while:\n    overdue_days:\n", "'overdue_days' must be a whole number"),
    ],
)
def test_a_bad_value_is_reported_at_its_line(tmp_path, block, message):
    report = check_content(*_course(tmp_path, block))
    found = [p for p in report.errors if p.path.endswith("course.yaml")]
    assert any(message in p.message for p in found), [p.message for p in report.errors]
    assert all(p.line > 1 for p in found)


def test_none_means_a_pass_never_expires(tmp_path):
    catalog = load_catalog(*_course(tmp_path, "certification:\n  valid_for_months: none\n"))
    assert catalog.course.certification.valid_for_months is None
