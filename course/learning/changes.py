"""What changed in the course since a trainee passed: the notice on their dashboard.

A pass is compared with the course file's change log (course.yaml) by the course version recorded on the
attempt. A module counts at the newest version under which the trainee passed it, so passing it again
after a change (a practice attempt included) clears that module's notice. Attempts from before versions
were recorded (NULL) count as the oldest release in the log; a version no longer in the log is unknown,
and nothing is claimed for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..content.model import Course

Pass = tuple[str, str | None]  # (module slug, course version of a passed attempt)


@dataclass(frozen=True)
class ChangeNotice:
    """One change a trainee passed before, with where to reread it."""

    text: str
    version: str
    date: date
    material: bool
    module: str  # the module to reread
    anchor: str | None  # its page, when the change names one


def newest_pass_ranks(passes: Iterable[Pass], course: Course) -> dict[str, int]:
    """Module slug -> position in the log (0 = newest release) of the newest version it was passed under."""
    ranks = {release.version: i for i, release in enumerate(course.releases)}
    oldest = course.releases[-1].version
    newest: dict[str, int] = {}
    for slug, version in passes:
        rank = ranks.get(version or oldest)
        if rank is not None:
            newest[slug] = min(rank, newest.get(slug, rank))
    return newest


def changes_since_passed(passes: Iterable[Pass], course: Course) -> list[ChangeNotice]:
    """The changes, newest release first, that touch a module the trainee passed under an older version.

    Pure: the passes come from the attempts the dashboard reads anyway, so the notice costs no query."""
    if not course.releases:
        return []
    passed = newest_pass_ranks(passes, course)
    notices: list[ChangeNotice] = []
    seen: set[tuple[str, str]] = set()
    for rank, release in enumerate(course.releases):
        for change in release.changes:
            behind = [slug for slug in change.modules if passed.get(slug, rank) > rank]
            if not behind or (release.version, change.text) in seen:
                continue
            seen.add((release.version, change.text))
            slug, _, anchor = change.lesson.partition("#") if change.lesson else (behind[0], "", "")
            notice = ChangeNotice(change.text, release.version, release.date, change.material, slug, anchor or None)
            notices.append(notice)
    return notices
