from __future__ import annotations

import pytest

from course.extensions import limiter

from .support import RedisServer


@pytest.fixture
def redis_server():
    """A redis-server of the test's own on a free port (never the shared one), stopped afterwards."""
    if not RedisServer.available():
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    limiter._storage_dead = False  # the limiter is one object for the whole test session
