"""The content is data: a course author adds a module by adding two files, and no test needs editing.

The test copies the course, adds a module made from the last one (new slug, title and question ids), checks
it, then runs the tests that read the course's modules (home, dashboard, certificate, matrix and its CSV)
against that copy in a separate pytest."""

from __future__ import annotations

import os
import subprocess
import sys

from course.content import check_content

from ..support.content import ROOT, add_a_copy_of_the_last_module, copy_of_the_course

COUNTING_TESTS = ["tests/learning", "tests/instructor"]


def test_a_thirteenth_module_is_two_files_and_passes_the_tests_unchanged(tmp_path):
    lessons, quizzes = copy_of_the_course(tmp_path)
    before = len(check_content(lessons, quizzes).catalog.modules)
    number = add_a_copy_of_the_last_module(lessons, quizzes, "new-module", "A module added later")

    report = check_content(lessons, quizzes)
    assert [str(p) for p in report.errors] == []
    modules = report.catalog.modules
    assert len(modules) == before + 1 and modules[-1].slug == "new-module" and modules[-1].number == number

    env = {**os.environ, "LESSONS_DIR": str(lessons), "QUIZZES_DIR": str(quizzes)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser", *COUNTING_TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout.splitlines()[-1]
