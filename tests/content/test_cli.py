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


def test_content_export_writes_one_file_per_bank_and_import_reads_it_back(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", course)
    dirs = {"lessons": course / "lessons", "quizzes": course / "quizzes"}
    out = tmp_path / "banks"
    for fmt in ("gift", "moodle-xml", "aiken"):
        result = flask("content", "export", "--format", fmt, "--to", str(out), **dirs, tmp=tmp_path)
        assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "01-alpha.aiken-notes.txt", "01-alpha.aiken.txt", "01-alpha.gift.txt", "01-alpha.moodle.xml",
    ]  # fmt: skip
    original = (course / "quizzes" / "01-alpha.yaml").read_text()
    for name in ("01-alpha.gift.txt", "01-alpha.moodle.xml"):
        target = tmp_path / f"{name}.yaml"
        result = flask("content", "import", str(out / name), "--module", "alpha", "--output", str(target), tmp=tmp_path)
        assert result.returncode == 0, result.stderr
        (course / "quizzes" / "01-alpha.yaml").write_text(target.read_text())
        check = flask("content", "check", **dirs, tmp=tmp_path)
        assert check.returncode == 0, check.stderr
        (course / "quizzes" / "01-alpha.yaml").write_text(original)
    again = flask("content", "import", str(out / "01-alpha.gift.txt"), "--module", "alpha", "--output", str(target),
                  tmp=tmp_path)  # fmt: skip
    assert again.returncode != 0 and "exists" in again.stderr


def test_content_import_prints_each_problem_as_file_line_message(tmp_path):
    bank = tmp_path / "bank.gift"
    bank.write_text("::a::Fine? {=yes ~no}\n\n::b::Write an essay {}\n")
    result = flask("content", "import", str(bank), "--module", "alpha", tmp=tmp_path)
    assert result.returncode == 1
    assert f"{bank}:3: an essay question has no equivalent here" in result.stderr
    bank.write_bytes(b"\xff\xfe::a::x {T}")
    result = flask("content", "import", str(bank), "--module", "alpha", tmp=tmp_path)
    assert result.returncode == 1 and "not UTF-8 text" in result.stderr


def test_content_export_names_the_modules_when_the_slug_is_unknown(tmp_path):
    result = flask("content", "export", "--format", "gift", "--module", "nope", "--to", str(tmp_path), tmp=tmp_path)
    assert result.returncode == 2 and "no module 'nope'" in result.stderr
