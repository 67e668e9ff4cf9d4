"""Reliability audit 2026-12, F1 and F6: a database that stalls (a frozen server, a failover, a black-holed
route) used to hang every worker until gunicorn killed it, with nothing logged and /readyz silent.

The stall is a TCP proxy of the test's own between the app and PostgreSQL that stops forwarding (the
shared PostgreSQL is never stopped). With the app's limits shortened by settings, a page asked for during
the stall must be the app's own 503 page with its request id, logged in one line with that id, within
the limits; /readyz must answer 503 within its own limit; and everything works again once the proxy
forwards again."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy.engine import make_url

from ..conftest import PG_URL
from ..support.helpers import login, text
from .support import StallingProxy

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="a PostgreSQL stall: set TEST_DATABASE_URL (the proxy goes in front of that server)"
)
STALL_SECONDS, CONNECT_SECONDS, READY_SECONDS = 1.5, 2, 0.5


@pytest.fixture
def proxy():
    url = make_url(PG_URL)
    proxy = StallingProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


def test_a_stalled_database_gets_the_503_page_with_its_request_id_and_one_log_line(
    app_factory, make_user, proxy, caplog
):
    app = app_factory(
        SQLALCHEMY_DATABASE_URI=make_url(PG_URL).set(host="127.0.0.1", port=proxy.port).render_as_string(False),
        DATABASE_STALL_SECONDS=STALL_SECONDS,
        DATABASE_CONNECT_TIMEOUT=CONNECT_SECONDS,
        READY_TIMEOUT_SECONDS=READY_SECONDS,
    )
    user = make_user()
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    assert client.get("/dashboard").status_code == 200

    proxy.stall()
    caplog.set_level(logging.INFO, logger="course")
    started = time.monotonic()
    page = client.get("/dashboard", headers={"X-Request-ID": "stalled-dashboard"})
    took = time.monotonic() - started
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "stalled-dashboard" in text(page) and "<h1>Temporarily unavailable</h1>" in text(page)
    # the pooled connection's check gives up after the stall limit, a new connection after connect_timeout
    assert took < STALL_SECONDS + CONNECT_SECONDS + 2, took
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "course"]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].request_id == "stalled-dashboard" and "Database unavailable" in errors[0].getMessage()

    balancer = app.test_client()  # no cookie: a load balancer's probe
    started = time.monotonic()
    ready = balancer.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["failed"] == ["database"]
    assert time.monotonic() - started < READY_SECONDS + CONNECT_SECONDS + 1

    proxy.resume()
    assert client.get("/dashboard").status_code == 200  # no restart: the pool's next connection works
    assert balancer.get("/readyz").status_code == 200
