"""Database tuning. SQLite is the embedded default, so it gets what makes it a good server database:
write-ahead logging (readers never block the writer), a busy timeout instead of instant "database is
locked" errors, and foreign keys switched on."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event, make_url

from .extensions import db

BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _private_file(url: str) -> None:
    """Create the SQLite file readable by its owner only (SQLite gives -wal and -shm the same mode)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def init_app(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    _private_file(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_pragmas)


def upsert(model, keys: dict, values: dict) -> None:
    """INSERT ... ON CONFLICT (keys) DO UPDATE, in the dialect of the database in use."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(model).values(**keys, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))
