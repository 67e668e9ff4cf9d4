"""Times as a person reads them: in their own time zone (a profile setting; UTC until they choose one), in
one format everywhere, and relative to now ("in 4 minutes"). PURE: standard library only (zoneinfo).

The database keeps naive UTC; only the page converts. An unknown zone name falls back to UTC rather than
failing a page: the profile form validates a name before it is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FORMAT = "%d %b %Y, %H:%M"


@lru_cache(maxsize=256)
def zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone the system knows, sorted, for the profile's list."""
    return tuple(sorted(available_timezones()))


def is_zone(name: str) -> bool:
    return name in zone_names() or name == "UTC"


def local(moment: datetime, zone_name: str | None) -> datetime:
    """A naive-UTC moment from the database, in the person's zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(zone_name))


def zone_label(moment: datetime) -> str:
    """The zone's abbreviation where it has a real one ("CET", "EST"), else its UTC offset ("UTC+3")."""
    name = moment.tzname() or "UTC"
    if name[0] in "+-":
        sign, digits = name[0], name[1:]
        hours, minutes = int(digits[:2]), digits[2:]
        return f"UTC{sign}{hours}{':' + minutes if minutes and minutes != '00' else ''}"
    return name


def when_text(moment: datetime, zone_name: str | None) -> str:
    """'06 Dec 2026, 23:29 CET': the one way the pages write a moment."""
    shown = local(moment, zone_name)
    return f"{shown.strftime(FORMAT)} {zone_label(shown)}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def relative(moment: datetime, now: datetime) -> str:
    """'in 4 minutes', '2 hours ago', 'now': the distance rounded to the unit a person would say."""
    seconds = (moment - now).total_seconds()
    distance = abs(seconds)
    if distance < 45:
        return "now"
    if distance < 90 * 60:
        phrase = _count(max(1, round(distance / 60)), "minute")
    elif distance < 36 * 3600:
        phrase = _count(round(distance / 3600), "hour")
    else:
        phrase = _count(round(distance / 86400), "day")
    return f"in {phrase}" if seconds > 0 else f"{phrase} ago"
