"""Database tuning. SQLite is the embedded default, so it gets what makes it a good server database:
write-ahead logging (readers never block the writer), a busy timeout instead of instant "database is
locked" errors (below gunicorn's 30-s worker timeout), and foreign keys switched on; its files are kept
readable by their owner only. PostgreSQL gets the app's own limit on every wait (core/stall.py)."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event, make_url, select, update

from ..extensions import db
from . import stall

BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _private_file(url: str) -> None:
    """Create the SQLite file readable by its owner only (SQLite gives -wal and -shm the same mode), and
    tighten one that is already there: a restored backup copied with `cp` was left world-readable."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.is_file() and file.stat().st_mode & 0o077:
            file.chmod(0o600)


def init_app(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            stall.guard(db.engine, app.config["DATABASE_STALL_SECONDS"])
        return
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    _private_file(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_pragmas)


def upsert(model, keys: dict, values: dict) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, in the dialect of the database in use, after the session's
    pending changes (a Core statement does not autoflush them as an ORM one does)."""
    db.session.flush()
    statement = _upsert_statement(db.engine.dialect.name, model, tuple(keys), tuple(values))
    db.session.execute(statement, {**keys, **values})


def _insert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@functools.cache
def _upsert_statement(dialect: str, model, keys: tuple[str, ...], columns: tuple[str, ...]):
    """Built once per shape, as building it costs more CPU than running it (the summary upkeep runs on
    every learner write): the update takes the values from the row that could not be inserted
    (`excluded`), so they stay parameters."""
    statement = _insert(dialect)(model.__table__)  # Core: the ORM's bulk INSERT path would add more than it runs
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={column: statement.excluded[column] for column in columns}
    )


def upsert_from(model, keys: tuple[str, ...], query):
    """INSERT ... SELECT ... ON CONFLICT (keys) DO UPDATE, in the dialect of the database in use: the rows
    `query` computes (its columns labelled as the model's) replace those with the same keys. SQLite reads
    it unambiguously only when the SELECT has a WHERE clause. Returns the statement, for callers to cache."""
    columns = [column.name for column in query.selected_columns]
    statement = _insert(db.engine.dialect.name)(model.__table__).from_select(columns, query)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={c: statement.excluded[c] for c in columns if c not in keys}
    )


def lock_for_update(model, *where) -> None:
    """Take the lock a check-then-write use case needs, held until its commit, so that two requests never
    both pass the check on what the other is about to change:
    - PostgreSQL: ``SELECT ... FOR UPDATE`` of the rows. A second request waits here until the first
      commits; its later statements read what the first one committed.
    - SQLite (one writer at a time; SQLAlchemy renders no FOR UPDATE there): a write to the rows that
      changes nothing, as the transaction's first statement. It takes the database's write lock (waiting
      up to the busy timeout, as ``BEGIN IMMEDIATE`` would), so every read that follows is of the last
      commit. Call it before the use case's first write."""
    if db.engine.dialect.name == "sqlite":
        key = model.__table__.primary_key.columns[0]
        db.session.execute(
            update(model).where(*where).values({key.name: key}), execution_options={"synchronize_session": False}
        )
    else:
        db.session.execute(select(model.__table__.primary_key.columns[0]).where(*where).with_for_update()).all()
