"""`flask content check` and the app's refusal to start on invalid content, as a shell user sees them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def flask(
    *args: str, lessons: Path | None = None, quizzes: Path | None = None, tmp: Path
) -> subprocess.CompletedProcess:
    env = {**os.environ, "FLASK_APP": "course", "SECRET_KEY": "cli-test", "DATABASE_URL": f"sqlite:///{tmp / 'cli.db'}"}
    if lessons:
        env["LESSONS_DIR"], env["QUIZZES_DIR"] = str(lessons), str(quizzes)
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_content_check_passes_on_the_real_course(tmp_path):
    result = flask("content", "check", "--strict", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 errors, 0 warnings" in result.stderr


def test_invalid_content_fails_the_check_and_the_app_refuses_to_start(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", course)
    shutil.copy(FIXTURES / "broken" / "unknown-theme.yaml", course / "quizzes" / "01-alpha.yaml")
    shutil.copy(FIXTURES / "broken" / "lesson-unknown-field.md", course / "lessons" / "02-beta.md")
    check = flask("content", "check", lessons=course / "lessons", quizzes=course / "quizzes", tmp=tmp_path)
    assert check.returncode != 0
    assert "quizzes/01-alpha.yaml:11: unknown theme 'pharmacology'" in check.stderr
    assert "lessons/02-beta.md:6: unknown field 'author'" in check.stderr
    serve = flask("routes", lessons=course / "lessons", quizzes=course / "quizzes", tmp=tmp_path)
    assert serve.returncode != 0 and "will not start" in serve.stderr
    assert "unknown theme 'pharmacology'" in serve.stderr


def test_warnings_fail_only_in_strict_mode(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", course)
    shutil.copy(FIXTURES / "broken" / "lint.yaml", course / "quizzes" / "01-alpha.yaml")
    relaxed = flask("content", "check", lessons=course / "lessons", quizzes=course / "quizzes", tmp=tmp_path)
    strict = flask("content", "check", "--strict", lessons=course / "lessons", quizzes=course / "quizzes", tmp=tmp_path)
    assert relaxed.returncode == 0 and "warning: quizzes/01-alpha.yaml" in relaxed.stderr
    assert strict.returncode != 0
