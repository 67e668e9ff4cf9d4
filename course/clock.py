"""One notion of "now": naive UTC, the same on SQLite (which has no time zones) and PostgreSQL."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
