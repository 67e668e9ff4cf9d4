"""One notion of "now": naive UTC, the same on SQLite (which has no time zones) and PostgreSQL.

Every service reads the time from here, so a test can travel: `travel_to(moment)` sets the clock for the
whole app (passes, refreshers, lapses, renewals and their pages) until `travel_to(None)` gives the wall
clock back. Nothing in production calls it.
"""

from datetime import UTC, datetime

_set_to: datetime | None = None


def utcnow() -> datetime:
    return _set_to if _set_to is not None else datetime.now(UTC).replace(tzinfo=None)


def travel_to(moment: datetime | None) -> None:
    """Tests only: stop the clock at `moment` (naive UTC), or None to follow the wall clock again."""
    global _set_to
    _set_to = moment
