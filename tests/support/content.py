"""Content folders for tests that need a course other than the real one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def copy_of_the_course(target: Path) -> tuple[Path, Path]:
    """The real lessons, quizzes and course file (version, certification rules), copied under `target`:
    (lessons, quizzes)."""
    lessons, quizzes = target / "lessons", target / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    shutil.copy(ROOT / "course.yaml", target / "course.yaml")
    return lessons, quizzes


def add_a_copy_of_the_last_module(lessons: Path, quizzes: Path, slug: str, title: str) -> int:
    """A new last module, copied from the current last one with its own slug, title and question ids, as
    a course author would add one. Returns its number."""
    last_lesson = sorted(lessons.glob("[0-9][0-9]-*.md"))[-1]
    last_quiz = sorted(quizzes.glob("[0-9][0-9]-*.yaml"))[-1]
    old_slug = re.search(r"^slug: (\S+)$", last_lesson.read_text(), re.M)[1]
    number = int(last_lesson.name[:2]) + 1
    lesson = last_lesson.read_text()
    lesson = re.sub(r"^slug: .*$", f"slug: {slug}", lesson, count=1, flags=re.M)
    lesson = re.sub(r"^title: .*$", f"title: {title}", lesson, count=1, flags=re.M)
    (lessons / f"{number:02d}-{slug}.md").write_text(lesson)
    quiz = last_quiz.read_text()
    quiz = re.sub(r"^module: .*$", f"module: {slug}", quiz, count=1, flags=re.M)
    quiz = re.sub(r"^title: .*$", f"title: {title} check", quiz, count=1, flags=re.M)
    quiz = re.sub(r"^(\s*- id: )(\S+)$", rf"\1{slug}-\2", quiz, flags=re.M)
    quiz = re.sub(rf"^(\s*lesson: ){re.escape(old_slug)}#", rf"\1{slug}#", quiz, flags=re.M)
    (quizzes / f"{number:02d}-{slug}.yaml").write_text(quiz)
    return number
