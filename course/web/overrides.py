"""Every place the app reaches into Flask's or Flask-Limiter's internals, in one module.

Each override was measured (benchmarks/README.md) and each has a test in tests/web/test_overrides.py that
pins the framework behaviour it relies on, so an upgrade that changes one fails there, loudly:

1. `LeanFlask.ensure_sync`: Flask asks it of every hook and view on every request (about twenty times a
   page) and each answer inspects the function's code; a function's answer never changes.
2. `gate_the_limiter`: Flask-Limiter works out every request's limits before the view runs. With no
   default, application, blueprint or meta limits, a view without its own @limiter.limit has none to find,
   so its requests skip that work (its own request filter is asked only after most of it is done).
3. `hit`: counting on when the limiter's shared storage (Redis) is down. `web/limits.py` counts with the
   limiter's strategy directly, outside Flask-Limiter's own request check, so Flask-Limiter's in-memory
   fallback (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) never engages by itself: a Redis outage made every
   log-in a 500. `hit` engages it: on a storage error it logs a warning, marks the storage dead and counts
   in the limiter's in-memory fallback; every RETRY_SECONDS it pings the storage and goes back to it when
   it answers (logged too). Per process, so with N workers an address gets up to N times its limit while
   Redis is down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter.util import get_qualified_name
from limits import RateLimitItem

from ..extensions import limiter


class LeanFlask(Flask):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        """Override 1: answered once per function."""
        try:
            return self._sync[func]
        except KeyError:
            self._sync[func] = made = super().ensure_sync(func)
            return made


def _declares_no_limit() -> bool:
    """True when the request's view can have no limit: no default, application, blueprint or meta limits,
    and no @limiter.limit on the view."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits or limiter._meta_limits:
        return False
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    return (
        view is not None
        and get_qualified_name(view) not in limiter._marked_for_limiting
        and not manager.has_hints(endpoint)
    )


def _check_declared_limits() -> None:
    """Flask-Limiter's before-request hook, run only where a limit may apply."""
    if not _declares_no_limit():
        limiter._check_request_limit()


def gate_the_limiter(app: Flask) -> None:
    """Override 2: swap Flask-Limiter's before-request hook for one that first asks `_declares_no_limit`."""
    hooks = app.before_request_funcs[None]
    if limiter._check_request_limit in hooks:  # limiter.init_app registers it unless limits are off
        hooks[hooks.index(limiter._check_request_limit)] = _check_declared_limits


# Override 3: the in-memory fallback for counting outside Flask-Limiter's request check.
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
