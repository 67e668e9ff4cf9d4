"""Counting on when the limiter's shared storage (Redis) is down.

`throttle` counts with the limiter's strategy directly, outside Flask-Limiter's own request check, so
Flask-Limiter's in-memory fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) never engages by itself: a
Redis outage made every log-in a 500. `hit` engages it: on a storage error it logs a warning, marks the
storage dead and counts in the limiter's in-memory fallback; every RETRY_SECONDS it pings the storage
and goes back to it when it answers (logged too). Per process, so with N workers an address gets up to
N times its limit while Redis is down.
"""

from __future__ import annotations

import logging
import time

from limits import RateLimitItem

from .extensions import limiter

RETRY_SECONDS = 5
log = logging.getLogger("course.ratelimit")
_next_probe = [0.0]


def _strategy():
    if limiter._storage_dead and time.monotonic() >= _next_probe[0]:
        _next_probe[0] = time.monotonic() + RETRY_SECONDS
        if limiter.storage.check():
            limiter._storage_dead = False
            log.warning("Rate limit storage recovered: counting in it again")
    return limiter.limiter


def hit(item: RateLimitItem, scope: str, key: str, cost: int = 1) -> bool:
    """`limiter.limiter.hit`, falling back to memory while the shared storage fails."""
    try:
        return _strategy().hit(item, scope, key, cost=cost)
    except Exception:
        if limiter._storage_dead or not limiter._in_memory_fallback_enabled:
            raise
        log.warning("Rate limit storage unreachable - falling back to in-memory storage", exc_info=True)
        limiter._storage_dead = True
        _next_probe[0] = time.monotonic() + RETRY_SECONDS
        return limiter.limiter.hit(item, scope, key, cost=cost)
