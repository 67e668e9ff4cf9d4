"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when TEST_DATABASE_URL is
set), a client, a CLI runner, factories for users, and a live server for real concurrent requests."""

from __future__ import annotations

import itertools
import os
import random
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import event

from course import clock, create_app
from course.clock import utcnow
from course.extensions import db, limiter
from course.identity import services as accounts
from course.quizzes import services as quiz_services

from .support.helpers import PASSWORD, login
from .support.lti import LTI_SETTINGS, registered_lms, serving
from .support.mailbox import Mailbox, free_port

PG_URL = os.environ.get("TEST_DATABASE_URL")
# Every quiz draw and shuffle in a test comes from a seed fixed per test, so a failure replays exactly.
# `DRAW_SEED=7 make test-fast` gives every test other draws: a test that fails for some seed depends on
# the draw, and should choose what it needs instead.
DRAW_SEED = os.environ.get("DRAW_SEED", "0")


@pytest.fixture(autouse=True)
def seeded_draws(request, monkeypatch) -> None:
    base = zlib.crc32(f"{DRAW_SEED}:{request.node.nodeid}".encode())
    draws = itertools.count()
    monkeypatch.setattr(quiz_services, "new_rng", lambda: random.Random(base + next(draws)))


@pytest.fixture
def travel() -> Iterator[Callable[[object], None]]:
    """Set the app's one clock (course/clock.py) for this test: `travel(datetime)`; the wall clock comes
    back after the test."""
    yield clock.travel_to
    clock.travel_to(None)


def database_url(tmp_path: Path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'test.db'}"


def _reset_schema() -> None:
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:  # a migration test may leave alembic's table behind
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    db.create_all()


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    apps: list[Flask] = []

    def make(**overrides) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            "SERVER_NAME": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # cheap; tests/accounts checks the production hash
            # Flask-Limiter keeps `enabled` on the shared limiter and defaults the next app's setting to it:
            # say it each time, so a test that switches limits off does not switch them off for the next.
            "RATELIMIT_ENABLED": True,
            "MAIL_OUTBOX_DIR": tmp_path / "outbox",
            "MAIL_SERVER": None,
            **overrides,
        }
        app = create_app(config)
        with app.app_context():
            if not apps:
                _reset_schema()
        limiter.reset()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory) -> Flask:
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app) -> Callable[..., object]:
    """Create an account directly (the registration form has its own tests) and return it."""
    counter = iter(range(1, 10_000))

    def make(role: str = "trainee", email: str | None = None, name: str | None = None, verified: bool = True):
        n = next(counter)
        with app.app_context():
            user = accounts.register(
                email or f"{role}{n}@example.com", name or f"{role.title()} {n}", PASSWORD, role=role
            )
            if verified:  # as if the trainee had opened the link in the confirmation email
                user.email_verified_at = utcnow()
                db.session.commit()
            return SimpleNamespace(id=user.id, email=user.email, display_name=user.display_name, role=user.role)

    return make


@pytest.fixture
def trainee_client(app, make_user):
    """A client logged in as a new trainee; the user is on `client.user`."""
    user = make_user()
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    client.user = user
    return client


@pytest.fixture
def query_counter(app):
    """Counts the SQL statements sent while the `counting` flag is up."""

    class Counter:
        def __init__(self):
            self.count = 0
            self.statements: list[str] = []
            self.active = False

    counter = Counter()

    def before(conn, cursor, statement, *args):
        if counter.active:
            counter.count += 1
            counter.statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    yield counter
    event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app on a real threaded HTTP server on 127.0.0.1 (a free port chosen by the OS)."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    mailbox.controller.start()
    yield mailbox
    mailbox.controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    """The test SMTP server, emptied; use with `mail_app` (or pass MAIL_SERVER/MAIL_PORT to app_factory)."""
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def mail_app(app_factory, mailbox) -> Flask:
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on: a mail server that is down."""
    return free_port()


@pytest.fixture
def tool_app(app_factory, tmp_path) -> Flask:
    """The app as an LTI tool: http platform URLs allowed (loopback), its keys in the test's folder."""
    return app_factory(LTI_KEY_DIR=tmp_path / "lti-keys", **LTI_SETTINGS)


@pytest.fixture
def tool(tool_app) -> Iterator[str]:
    with serving(tool_app) as url:
        yield url


@pytest.fixture
def lms(tool, tool_app):
    """An LMS (lti1p3platform on loopback, tests/lti/platform.py) registered with the tool."""
    with registered_lms(tool_app, tool) as emulator:
        yield emulator
