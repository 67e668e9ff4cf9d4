"""The course content inside the app, and the `flask content check` command.

The factory refuses to build an app on invalid content: it raises `ContentError` with every problem, so
a broken quiz file never reaches learners. The check command is a Flask CLI plugin (see pyproject.toml),
found without building the app, so it still reports when the content is broken.

Loading is memoised on the content folders' state (every file's path, size and modification time): a test
suite or a process that builds many apps over the same files parses and renders them once.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from ..config import content_dirs
from ..content import Catalog, ContentError, check_content
from ..content.coursefile import COURSE_FILE
from ..content.loader import Report

_MEMO_SIZE = 4
_memo: dict[tuple, Report] = {}


def _page_url(slug: str, anchor: str | None) -> str:
    # Mirrors the learning blueprint's routes; tests follow every cross-link to check they answer 200.
    return f"/modules/{slug}/pages/{anchor}" if anchor else f"/modules/{slug}"


def _state(*folders: Path, extra: Path | None = None) -> tuple:
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    files += [extra] if extra is not None and extra.is_file() else []
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def load(lessons_dir: Path, quizzes_dir: Path) -> Report:
    """The checked content, parsed again only when a file under either folder, or the course file next to
    them (course.yaml), has changed."""
    course_file = lessons_dir.resolve().parent / COURSE_FILE
    key = (lessons_dir.resolve(), quizzes_dir.resolve(), _state(lessons_dir, quizzes_dir, extra=course_file))
    if key not in _memo:
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[key] = check_content(lessons_dir, quizzes_dir, _page_url)
    return _memo[key]


def print_report(report: Report) -> None:
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"{len(report.errors)} errors, {len(report.warnings)} warnings", err=True)


def init_app(app: Flask) -> None:
    report = load(app.config["LESSONS_DIR"], app.config["QUIZZES_DIR"])
    if report.catalog is None:
        raise ContentError(report.errors, "The course content has errors; the app will not start until they are fixed")
    app.extensions["catalog"] = report.catalog
    app.extensions["content_warnings"] = report.warnings


def get_catalog() -> Catalog:
    return current_app.extensions["catalog"]


@click.group("content")
def content_cli() -> None:
    """Course content: lessons/ and quizzes/."""


@content_cli.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(strict: bool) -> None:
    """Validate lessons/ and quizzes/ and print every problem as path:line: message."""
    report = check_content(*content_dirs(), _page_url)
    print_report(report)
    if report.errors or (strict and report.warnings):
        raise SystemExit(1)
