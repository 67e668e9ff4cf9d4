"""`flask backup PATH`: an online, consistent copy of the SQLite database.

It uses SQLite's backup API (Python's `sqlite3.Connection.backup`), which copies a consistent snapshot
while the app keeps serving and writing (WAL mode), then checks the copy with `PRAGMA integrity_check`.
PostgreSQL is backed up with `pg_dump` instead (README, "Operating it").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import Blueprint

from ..extensions import db

bp = Blueprint("backup_cli", __name__, cli_group=None)


def backup_sqlite(database: Path, target: Path) -> str:
    """Copy `database` to the new file `target`, readable by its owner only (made before SQLite opens it,
    which also refuses a file that appeared since the caller looked); return the integrity check ('ok')."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # it holds every password hash
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        return copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()


@bp.cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Copy the SQLite database to PATH (a new file) while the app runs."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("`flask backup` copies SQLite databases; back PostgreSQL up with pg_dump.")
    database = Path(url.database or "")
    if not database.is_file():
        raise click.ClickException(f"There is no SQLite database at {database}.")
    if path.exists():
        raise click.ClickException(f"{path} already exists; name a new file.")
    try:
        check = backup_sqlite(database, path)
    except FileExistsError as error:
        raise click.ClickException(f"{path} already exists; name a new file.") from error
    if check != "ok":
        raise click.ClickException(f"The copy at {path} fails its integrity check: {check}")
    click.echo(f"Backed up {database} to {path} ({path.stat().st_size} bytes, integrity check ok).")
