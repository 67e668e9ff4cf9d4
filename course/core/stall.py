"""A time limit on every PostgreSQL round trip, measured by the app itself.

The server's own limits (`statement_timeout`, `lock_timeout`, set per connection in config.py) end a slow
query or a long lock wait, but they cannot fire when the server itself, or the road to it, is what stalls:
a frozen process, a failover, a black-holed route, a proxy that holds the connection. Then a sync worker
waited until gunicorn killed it (30 s), and nothing was logged (reliability audit 2026-12, F1).

Here every wait on a PostgreSQL connection (query, fetch, commit, rollback, the pool's pre-ping) gives
up after DATABASE_STALL_SECONDS, below gunicorn's worker timeout. psycopg's own `Connection.wait` takes
the timeout; past it the connection is closed (its state is unknown) and an OperationalError raised, which
SQLAlchemy treats as a lost connection (the pool discards it) and the app answers with its 503 page.
`/readyz` asks for a tighter limit with `at_most`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

import psycopg
from sqlalchemy import event

_ceiling: ContextVar[float | None] = ContextVar("database_wait_ceiling", default=None)


class StallGuardedConnection(psycopg.Connection):
    """psycopg's connection with a limit on each wait (`stall_seconds`, set when it is made)."""

    stall_seconds: float = 10.0

    def wait(self, gen, interval: float = 0.1, timeout: float | None = None):
        ceiling = _ceiling.get()
        limit = self.stall_seconds if ceiling is None else min(self.stall_seconds, ceiling)
        if timeout is not None:
            limit = min(limit, timeout)
        started = time.monotonic()
        try:
            return super().wait(gen, interval, limit)
        except psycopg.OperationalError as error:
            if time.monotonic() - started < limit:
                raise  # the server's answer (refused, cancelled, closed): not a stall
            self.close()  # halfway through a round trip: this connection cannot be used again
            raise psycopg.OperationalError(f"the database did not answer within {limit:g} s") from error


@contextlib.contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """A tighter limit for the waits inside this block (a health check must answer quickly)."""
    token = _ceiling.set(seconds)
    try:
        yield
    finally:
        _ceiling.reset(token)


def guard(engine, stall_seconds: float) -> None:
    """Make the engine's PostgreSQL connections StallGuardedConnection (a documented SQLAlchemy hook)."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        connection = StallGuardedConnection.connect(*cargs, **cparams)
        connection.stall_seconds = stall_seconds
        return connection
