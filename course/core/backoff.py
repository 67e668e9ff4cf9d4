"""When to try again a delivery that failed: exponential backoff with a ceiling, shared by the outboxes.

1, 2, 4, ... minutes after each failure, never more than six hours apart, so an LRS or an LMS that is down
for a day is tried about a dozen times and everything queued meanwhile goes out once it answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST = timedelta(minutes=1)
CEILING = timedelta(hours=6)


def next_try(failures: int, now: datetime) -> datetime:
    """The time of the next try after `failures` failed ones (1 or more)."""
    return now + min(FIRST * 2 ** min(failures - 1, 20), CEILING)
