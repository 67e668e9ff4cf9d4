"""Issue 11, item 4: log-ins go on while the Redis that holds the rate limits is down.

A redis-server of the test's own, on a free port: the app counts failed log-ins there; the server is
stopped and log-ins still answer (302 and 401, then 429 as the limit still applies, counted in memory)
with a warning logged; the server is started again and the app uses it again."""

from __future__ import annotations

import logging
import time

from ..support.helpers import PASSWORD, login, logout


def _login_from(client, email: str, password: str, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return login(client, email, password)


def test_log_in_survives_redis_down_and_uses_it_again(app, app_factory, make_user, redis_server, caplog):
    user = make_user()
    shared = app_factory(RATELIMIT_STORAGE_URI=redis_server.url, LOGIN_RATE_LIMIT="3 per minute")
    client = shared.test_client()
    caplog.set_level(logging.INFO, logger="flask-limiter")

    assert _login_from(client, user.email, "wrong password", "10.1.0.1").status_code == 401
    assert any(b"10.1.0.1" in key for key in redis_server.stored_keys()), "the failed log-in is counted in Redis"

    redis_server.stop()
    assert _login_from(client, user.email, PASSWORD, "10.1.0.2").status_code == 302
    assert logout(client).status_code == 302
    statuses = [_login_from(client, user.email, "wrong password", "10.1.0.2").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429], "the limit still applies, counted in memory"
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)

    redis_server.start()  # empty: nothing persisted
    deadline = time.monotonic() + 60  # Flask-Limiter re-checks the storage with a backoff of 1, 2, 4... s
    n = 0
    while not redis_server.stored_keys() and time.monotonic() < deadline:
        n += 1
        assert _login_from(client, f"nobody{n}@example.com", "wrong password", f"10.2.0.{n}").status_code == 401
        time.sleep(0.25)
    assert redis_server.stored_keys(), "the limiter went back to Redis"
    assert any("recovered" in r.getMessage() for r in caplog.records)
