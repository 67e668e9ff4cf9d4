"""docs/content-format.md is the authors' contract: its examples use exactly the fields the loader takes,
so the document cannot fall behind the code (or promise a field the loader refuses)."""

from __future__ import annotations

import re

import yaml

from course.content.coursefile import CHANGE_FIELDS, RELEASE_FIELDS, TOP_FIELDS
from course.content.loader import (
    MODULE_FIELDS,
    MODULE_OPTIONAL,
    QUESTION_COMMON,
    QUESTION_OPTIONAL,
    QUIZ_OPTIONAL,
    QUIZ_REQUIRED,
    SOURCE_FIELDS,
    SOURCE_OPTIONAL,
)
from course.content.model import REVIEW_PARTS
from course.content.types import TYPES

from ..support.content import ROOT

DOC = (ROOT / "docs" / "content-format.md").read_text()


def example(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOC, re.S)[1]


def test_the_documented_front_matter_has_every_field_the_loader_takes():
    front = yaml.safe_load(example("markdown").split("---")[1])
    assert set(front) == MODULE_FIELDS | MODULE_OPTIONAL
    assert all(set(source) == SOURCE_FIELDS | SOURCE_OPTIONAL for source in front["sources"])


def test_the_documented_quiz_has_every_field_the_loader_takes():
    quiz = yaml.safe_load(example("yaml"))
    assert set(quiz) == QUIZ_REQUIRED | QUIZ_OPTIONAL
    assert set(quiz["review"]) == set(REVIEW_PARTS)
    shown = {q["type"] for q in quiz["questions"]}
    for question in quiz["questions"]:
        kind = TYPES[question["type"]]
        assert QUESTION_COMMON | QUESTION_OPTIONAL <= set(question) <= QUESTION_COMMON | QUESTION_OPTIONAL | kind.fields
    assert all(f"`{name}`" in DOC for name in TYPES), "every question type is described"
    assert shown <= set(TYPES)


def test_the_documented_course_file_has_every_field_the_loader_takes():
    documented = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", DOC, re.S)[1])
    assert set(documented) == TOP_FIELDS
    assert all(set(release) == RELEASE_FIELDS for release in documented["changes"])
    changes = [change for release in documented["changes"] for change in release["changes"]]
    assert set().union(*map(set, changes)) == CHANGE_FIELDS
    assert documented["version"] == documented["changes"][0]["version"]
