"""How current the content says it is (issue 22): review dates, checked sources and the course file.

Every check takes "today" from its caller, so these tests set the clock instead of depending on the date
they happen to run.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from course.content import check_content
from course.content.currency import months_before, review_months

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

COURSE_FILE = """\
version: "2"
changes:
  - version: "2"
    date: 2026-12-07
    changes:
      - text: "Module 1: the first fact, corrected"
        modules: [alpha]
        material: true
        lesson: alpha#first
      - text: "Module 2: clearer wording"
        modules: [beta]
        material: false
  - version: "1"
    date: 2026-11-30
    changes: []
"""


def fixture_course(tmp_path: Path, course_file: str | None = COURSE_FILE) -> Path:
    """The valid fixture course with review dates on its lessons and, unless None, a course file."""
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", root)
    for lesson in (root / "lessons").glob("*.md"):
        text = lesson.read_text().replace("\nminutes: 5\n", "\nminutes: 5\nreviewed: 2026-01-15\n", 1)
        lesson.write_text(
            text.replace(
                "    url: https://example.org/source\n",
                "    url: https://example.org/source\n    checked: 2026-01-15\n",
            )
        )
    if course_file is not None:
        (root / "course.yaml").write_text(course_file)
    return root


def check(root: Path, today: date = date(2026, 12, 7), months: int = 12):
    return check_content(root / "lessons", root / "quizzes", today=today, review_months=months)


def messages(report, containing: str) -> list[str]:
    return [str(p) for p in [*report.errors, *report.warnings] if containing in p.message]


# --- review dates ----------------------------------------------------------------------------------


def test_review_dates_and_checked_sources_are_loaded(tmp_path):
    report = check(fixture_course(tmp_path))
    alpha = report.catalog.module("alpha")
    assert alpha.reviewed == date(2026, 1, 15)
    assert [s.checked for s in alpha.sources] == [date(2026, 1, 15)]
    assert messages(report, "review") == []


def test_a_lesson_reviewed_longer_ago_than_the_setting_is_named(tmp_path):
    root = fixture_course(tmp_path)
    assert messages(check(root, today=date(2027, 1, 15)), "last reviewed") == []  # exactly 12 months: still fine
    overdue = messages(check(root, today=date(2027, 1, 16)), "last reviewed")
    assert overdue == [
        "lessons/01-alpha.md:1: module 'alpha' was last reviewed on 2026-01-15, more than 12 months ago "
        "(CONTENT_REVIEW_MONTHS): check it against its sources and update 'reviewed'",
        "lessons/02-beta.md:1: module 'beta' was last reviewed on 2026-01-15, more than 12 months ago "
        "(CONTENT_REVIEW_MONTHS): check it against its sources and update 'reviewed'",
    ]
    assert len(messages(check(root, today=date(2026, 7, 16), months=6), "more than 6 months ago")) == 2


def test_missing_or_future_dates_are_warnings(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", root)
    (root / "course.yaml").write_text(COURSE_FILE)
    report = check(root)
    assert report.catalog is not None  # a missing date does not stop the course from serving
    assert "lessons/01-alpha.md:1: module 'alpha' has no 'reviewed' date" in messages(report, "reviewed")
    assert "lessons/01-alpha.md:1: source 'A source' has no 'checked' date" in messages(report, "checked")
    future = fixture_course(tmp_path / "future")
    assert len(messages(check(future, today=date(2026, 1, 14)), "review date in the future")) == 2


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "2026-01-15T10:00:00"])
def test_a_review_date_that_is_not_a_date_is_an_error(tmp_path, value):
    root = fixture_course(tmp_path)
    lesson = root / "lessons" / "01-alpha.md"
    lesson.write_text(lesson.read_text().replace("reviewed: 2026-01-15", f"reviewed: {value}"))
    assert messages(check(root), "must be a date") == [
        "lessons/01-alpha.md:6: 'reviewed' in the front matter must be a date written YYYY-MM-DD"
    ]


def test_months_before_clamps_to_the_end_of_a_shorter_month():
    assert months_before(date(2027, 3, 31), 1) == date(2027, 2, 28)
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2027, 1, 15), 12) == date(2026, 1, 15)


@pytest.mark.parametrize(("raw", "months"), [(None, 12), ("6", 6), ("0", 12), ("twelve", 12), ("-3", 12)])
def test_the_review_age_setting_falls_back_to_twelve_months(monkeypatch, raw, months):
    if raw is None:
        monkeypatch.delenv("CONTENT_REVIEW_MONTHS", raising=False)
    else:
        monkeypatch.setenv("CONTENT_REVIEW_MONTHS", raw)
    assert review_months() == months


# --- the course file --------------------------------------------------------------------------------


def test_the_course_file_is_loaded_into_the_catalog(tmp_path):
    course = check(fixture_course(tmp_path)).catalog.course
    assert course.version == "2" and [r.version for r in course.releases] == ["2", "1"]
    (newer,) = course.changes_since("1")
    assert [c.text for c in newer.changes] == ["Module 1: the first fact, corrected", "Module 2: clearer wording"]
    assert newer.changes[0].lesson == "alpha#first" and newer.changes[0].modules == ("alpha",)
    assert course.material_change_since("1") and not course.material_change_since("2")
    assert course.changes_since("2") == () and course.changes_since("0.9") == () and course.changes_since(None) == ()


def test_a_course_without_a_course_file_serves_but_warns(tmp_path):
    report = check(fixture_course(tmp_path, course_file=None))
    assert report.catalog is not None and report.catalog.course.version == ""
    assert messages(report, "course.yaml") == [
        "course.yaml:1: no course.yaml next to lessons/ and quizzes/: the course has no version and no change log"
    ]


BROKEN_COURSE_FILES = [
    (COURSE_FILE.replace('version: "2"\nchanges', 'version: "3"\nchanges', 1),
     "course.yaml:1: 'version' 3 must be the newest release in 'changes'"),
    (COURSE_FILE.replace("modules: [alpha]", "modules: [gamma]"), "a change names unknown module 'gamma'"),
    (COURSE_FILE.replace("lesson: alpha#first", "lesson: alpha#nowhere"),
     "lesson 'alpha#nowhere' of a change does not resolve to a page"),
    (COURSE_FILE.replace("lesson: alpha#first", "lesson: beta#second-page"),
     "lesson 'beta#second-page' is not in one of the change's modules"),
    (COURSE_FILE.replace("material: true", "material: maybe"), "'material' of a change must be true or false"),
    (COURSE_FILE.replace("date: 2026-11-30", "date: 2026-12-31"), "releases in 'changes' must be newest first"),
    (COURSE_FILE.replace('version: "1"\n', 'version: "2"\n'), "release '2' appears more than once"),
    (COURSE_FILE.replace("        material: false\n", ""), "missing field 'material' in a change"),
    (COURSE_FILE + "editor: me\n", "unknown field 'editor' in course.yaml"),
    ("version: [1\n", "YAML syntax error"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), BROKEN_COURSE_FILES)
def test_a_broken_course_file_is_an_error_at_its_line(tmp_path, text, expected):
    report = check(fixture_course(tmp_path, course_file=text))
    assert report.catalog is None
    assert any(expected in str(p) and p.path == "course.yaml" for p in report.errors), report.errors


# --- the real course ----------------------------------------------------------------------------------


def test_the_real_course_is_versioned_and_dated():
    report = check_content(ROOT / "lessons", ROOT / "quizzes", today=date(2026, 12, 7))
    catalog = report.catalog
    assert catalog.course.version == catalog.course.releases[0].version
    assert all(m.reviewed and all(s.checked for s in m.sources) for m in catalog.modules)
    uk = [c for r in catalog.course.releases for c in r.changes if "legal-status" in c.modules and c.material]
    assert uk and uk[0].lesson.startswith("legal-status#")
