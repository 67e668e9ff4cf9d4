"""docs/content-format.md is the authors' contract: its examples use exactly the fields the loader takes,
so the document cannot fall behind the code (or promise a field the loader refuses)."""

from __future__ import annotations

import re

import yaml

from course.content.loader import MODULE_FIELDS, QUESTION_COMMON, QUIZ_OPTIONAL, QUIZ_REQUIRED
from course.content.model import REVIEW_PARTS
from course.content.types import TYPES

from ..support.content import ROOT

DOC = (ROOT / "docs" / "content-format.md").read_text()


def example(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOC, re.S)[1]


def test_the_documented_front_matter_has_every_field_the_loader_takes():
    front = yaml.safe_load(example("markdown").split("---")[1])
    assert set(front) == MODULE_FIELDS


def test_the_documented_quiz_has_every_field_the_loader_takes():
    quiz = yaml.safe_load(example("yaml"))
    assert set(quiz) == QUIZ_REQUIRED | QUIZ_OPTIONAL
    assert set(quiz["review"]) == set(REVIEW_PARTS)
    shown = {q["type"] for q in quiz["questions"]}
    for question in quiz["questions"]:
        kind = TYPES[question["type"]]
        assert QUESTION_COMMON <= set(question) <= QUESTION_COMMON | kind.fields, question["id"]
    assert all(f"`{name}`" in DOC for name in TYPES), "every question type is described"
    assert shown <= set(TYPES)
