"""The course content inside the app, and the `flask content` commands (check, export, import).

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
from ..content.exchange import EXPORTS, IMPORTS, BankImportError, export_bank, import_bank
from ..content.exchange.bank import MAX_BYTES
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


@content_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(list(EXPORTS)), required=True, help="The bank format.")
@click.option("--module", "slug", help="Only this module's bank (its slug).")
@click.option(
    "--to", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("question-banks"),
    show_default=True, help="Folder to write the files in (made if missing).",
)  # fmt: skip
def export(fmt: str, slug: str | None, folder: Path) -> None:
    """Write each module's question bank as GIFT, Moodle XML or Aiken, one file per bank."""
    report = check_content(*content_dirs(), _page_url)
    if report.catalog is None:
        print_report(report)
        raise SystemExit(1)
    modules = [m for m in report.catalog.modules if slug in (None, m.slug)]
    if not modules:
        raise click.UsageError(f"no module '{slug}' (modules: {', '.join(m.slug for m in report.catalog.modules)})")
    folder.mkdir(parents=True, exist_ok=True)
    for module in modules:
        for name, text in export_bank(module, fmt).items():
            (folder / name).write_text(text, encoding="utf-8")
            click.echo(folder / name)


@content_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--module", "slug", required=True, help="The module the bank is for (its slug).")
@click.option("--format", "fmt", type=click.Choice(list(IMPORTS)), help="Default: guessed from the file.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (never over a file).")
def import_(file: Path, slug: str, fmt: str | None, output: Path | None) -> None:
    """Turn a GIFT or Moodle XML bank into a quiz file (YAML) for a module; every problem by line."""
    if file.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_BYTES // 1024 // 1024} MiB; split the bank")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: not UTF-8 text (byte {exc.start})") from None
    try:
        imported = import_bank(text, slug, fmt)
    except BankImportError as exc:
        for line, message in exc.problems:
            click.echo(f"{file}:{line}: {message}", err=True)
        raise SystemExit(1) from None
    for line, message in imported.warnings:
        click.echo(f"{file}:{line}: warning: {message}", err=True)
    if output is None:
        click.echo(imported.yaml, nl=False)
    elif output.exists():
        raise click.ClickException(f"{output} exists; choose another --output")
    else:
        output.write_text(imported.yaml, encoding="utf-8")
        click.echo(f"{output}: {imported.count} questions", err=True)
