"""Issue 11, item 3: the error page still shows when the database is what failed.

A logged-in trainee's next request reaches an app whose database is unreachable (a PostgreSQL port
nothing listens on, or a SQLite "file" that is a folder): loading the user from the cookie raises
OperationalError. The answer must be the full page with the request id, not an empty 500; since the
reliability audit 2026-12 (F6) it is a 503 with Retry-After (the fault passes), logged in one line per
request, with the traceback at most once a minute instead of 9 kB each time."""

from __future__ import annotations

import logging

import pytest

from course.core import observability
from course.identity import services as accounts

from ..support.helpers import PASSWORD, login, text
from .support import unreachable_database_url
from .test_observability import PRODUCTION_LIKE


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_error_page_shows_when_the_database_is_down(app_factory, tmp_path, kind, caplog, monkeypatch):
    up = app_factory(SECRET_KEY=PRODUCTION_LIKE["SECRET_KEY"])  # the same key: the cookie is valid on both
    with up.app_context():
        accounts.register("down@example.com", "Dana Down", PASSWORD)
    client = up.test_client()
    assert login(client, "down@example.com").status_code == 302
    down = app_factory(**PRODUCTION_LIKE, SQLALCHEMY_DATABASE_URI=unreachable_database_url(kind, tmp_path))
    down_client = down.test_client()
    cookie = client.get_cookie(up.config["SESSION_COOKIE_NAME"]).value
    down_client.set_cookie(down.config["SESSION_COOKIE_NAME"], cookie)

    caplog.set_level(logging.INFO, logger="course")
    monkeypatch.setattr(observability, "_last_traceback", {"at": float("-inf")})
    responses = [down_client.get("/dashboard", headers={"X-Request-ID": f"db-down-{kind}-{n}"}) for n in range(3)]

    for n, response in enumerate(responses):
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        page = text(response)
        assert "<h1>Temporarily unavailable</h1>" in page and f"db-down-{kind}-{n}" in page and "</html>" in page
        assert "s3cret-pw" not in page
    errors = [r for r in caplog.records if r.name == "course" and r.levelno == logging.ERROR]
    assert [e.request_id for e in errors] == [f"db-down-{kind}-{n}" for n in range(3)]  # one line each
    assert all(e.getMessage().startswith("Database unavailable on GET /dashboard: ") for e in errors)
    assert [bool(e.exc_info) for e in errors] == [True, False, False]  # one traceback, not one per request
    assert all("s3cret-pw" not in r.getMessage() for r in caplog.records)
