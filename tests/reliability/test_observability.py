"""Issue 11, item 2: every failure leaves a trace. Unhandled errors are logged with their traceback and
the request id; each request writes one structured access line; the request id travels in a header and
is shown on the error page."""

from __future__ import annotations

import json
import logging

import pytest

from course.core import observability
from course.quizzes import services as quiz_services

from ..support.helpers import login, text

# The production error handling, and the settings production insists on.
PRODUCTION_LIKE = {
    "PRODUCTION": True,
    "PROPAGATE_EXCEPTIONS": False,
    "SECRET_KEY": "k" * 32,
    "TRUSTED_HOSTS": ["localhost"],
    "BASE_URL": "https://localhost",
}


@pytest.fixture
def production_app(app, app_factory):
    """An app with the production error handling (the catch-all handler, no propagation)."""
    return app_factory(**PRODUCTION_LIKE)


def _records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_an_unhandled_error_is_logged_with_traceback_and_request_id(production_app, make_user, monkeypatch, caplog):
    user = make_user()
    client = production_app.test_client()
    assert login(client, user.email).status_code == 302

    def redis_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(quiz_services, "overview", redis_down)
    caplog.set_level(logging.INFO, logger="course")
    response = client.get("/modules/introduction/quiz", headers={"X-Request-ID": "trace-abc.123"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "trace-abc.123"
    page = text(response)
    assert "Something went wrong" in page and "trace-abc.123" in page

    [error] = [r for r in _records(caplog, "course") if r.levelno == logging.ERROR]
    assert error.request_id == "trace-abc.123" and error.user_id == user.id
    assert error.exc_info and error.exc_info[0] is ConnectionError
    assert "Connection refused" in error.getMessage() and "/modules/<slug>/quiz" in error.getMessage()
    line = json.loads(observability.JsonFormatter().format(error))
    assert "Traceback (most recent call last)" in line["exc"] and line["request_id"] == "trace-abc.123"

    [access] = [r for r in _records(caplog, "course.access") if r.status == 500]
    assert (access.method, access.path, access.user_id, access.request_id) == (
        "GET",
        "/modules/<slug>/quiz",
        user.id,
        "trace-abc.123",
    )
    assert access.duration_ms >= 0


def test_every_request_writes_one_json_access_line(client, caplog):
    caplog.set_level(logging.INFO, logger="course.access")
    response = client.get("/")
    assert response.status_code == 200
    [record] = _records(caplog, "course.access")
    line = json.loads(observability.JsonFormatter().format(record))
    assert line["method"] == "GET" and line["path"] == "/" and line["status"] == 200
    assert line["user_id"] is None and isinstance(line["duration_ms"], float)
    assert line["request_id"] == response.headers["X-Request-ID"] and len(line["request_id"]) == 32
    assert line["level"] == "INFO" and line["logger"] == "course.access" and line["ts"].endswith("+00:00")


@pytest.mark.parametrize("incoming", ["", "has space", "<script>", "x" * 65, "a;b"])
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] != incoming
    assert len(response.headers["X-Request-ID"]) == 32


def test_the_access_line_names_the_route_not_the_raw_path(trainee_client, caplog):
    caplog.set_level(logging.INFO, logger="course.access")
    trainee_client.get("/join/SECRETCODE")
    [record] = _records(caplog, "course.access")
    assert record.path == "/join/<code>" and "SECRETCODE" not in record.getMessage()
    assert record.user_id == trainee_client.user.id
