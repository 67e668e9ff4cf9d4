"""Loads the course content into the app at start-up, and the `flask content check` command.

The app refuses to start on invalid content: it prints the same `path:line: message` list as the
check command and exits, so a broken quiz file never reaches learners.
"""

from __future__ import annotations

import sys

import click
from flask import Blueprint, Flask, current_app

from .content import Catalog, check_content
from .content.loader import Report

bp = Blueprint("content_cli", __name__, cli_group="content")


def _page_url(slug: str, anchor: str | None) -> str:
    # Mirrors the learning blueprint's routes; tests follow every cross-link to check they answer 200.
    return f"/modules/{slug}/pages/{anchor}" if anchor else f"/modules/{slug}"


def run_check(app: Flask) -> Report:
    return check_content(app.config["LESSONS_DIR"], app.config["QUIZZES_DIR"], _page_url)


def print_report(report: Report) -> None:
    for problem in report.errors:
        click.echo(f"error: {problem}", err=True)
    for problem in report.warnings:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"{len(report.errors)} errors, {len(report.warnings)} warnings", err=True)


def init_app(app: Flask) -> None:
    report = run_check(app)
    if report.catalog is None:
        click.echo("The course content has errors; the app will not start until they are fixed:", err=True)
        print_report(report)
        sys.exit(1)
    app.extensions["catalog"] = report.catalog
    app.extensions["content_warnings"] = report.warnings


def get_catalog() -> Catalog:
    return current_app.extensions["catalog"]


@bp.cli.command("check")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(strict: bool) -> None:
    """Validate lessons/ and quizzes/ and print every problem as path:line: message."""
    report = run_check(current_app)
    print_report(report)
    if report.errors or (strict and report.warnings):
        sys.exit(1)
