"""How current the content says it is: a lesson whose review is older than the allowed age is named.

Clinical guidance carries a review date because facts move (a label's boxed warning, a country's drug
law). The check needs "today"; the caller passes it, so tests can set the clock and the content package
stays free of the app's clock.
"""

from __future__ import annotations

import os
from datetime import date

from .model import Catalog
from .problems import Problem

DEFAULT_REVIEW_MONTHS = 12


def review_months() -> int:
    """CONTENT_REVIEW_MONTHS from the environment (default 12); a value that is not a whole number >= 1
    falls back to the default rather than silently disabling the check."""
    raw = os.environ.get("CONTENT_REVIEW_MONTHS", "")
    return int(raw) if raw.strip().isdigit() and int(raw) >= 1 else DEFAULT_REVIEW_MONTHS


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to the month's end (31 March - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")


def review_warnings(catalog: Catalog, today: date, months: int) -> list[Problem]:
    """Lessons with no review date or one more than `months` before `today`, sources with no checked date,
    and dates in the future (a typo that would hide the module from this check for years)."""
    oldest = months_before(today, months)
    found = []
    for module in catalog.modules:
        for source in module.sources:
            if source.checked is None:
                found.append(Problem(module.path, 1, f"source '{source.title}' has no 'checked' date"))
            elif source.checked > today:
                found.append(Problem(module.path, 1, f"source '{source.title}' has a checked date in the future"))
        if module.reviewed is None:
            found.append(Problem(module.path, 1, f"module '{module.slug}' has no 'reviewed' date"))
        elif module.reviewed < oldest:
            found.append(
                Problem(
                    module.path,
                    1,
                    f"module '{module.slug}' was last reviewed on {module.reviewed.isoformat()}, more than "
                    f"{months} months ago (CONTENT_REVIEW_MONTHS): check it against its sources and update 'reviewed'",
                )
            )
        elif module.reviewed > today:
            found.append(Problem(module.path, 1, f"module '{module.slug}' has a review date in the future"))
    return found
