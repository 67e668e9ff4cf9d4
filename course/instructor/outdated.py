"""Trainees who passed a module before a material change to it: the matrix's "passed before a material
change" filter.

A change is material when it changes what a pass certifies (`material: true` in course.yaml). For each
module with such a change, a trainee counts when they passed the module, but never under the release that
made its latest material change or a newer one. Attempts from before versions were recorded (NULL) count
as the oldest release, as on the trainee's dashboard (learning/changes.py).
"""

from __future__ import annotations

from sqlalchemy import Select, case, false, func, or_, select, union

from ..content.model import Course
from ..quizzes.models import QuizAttempt


def older_versions(course: Course) -> dict[str, list[str]]:
    """Module slug -> the versions released before that module's latest material change."""
    found: dict[str, list[str]] = {}
    for rank, release in enumerate(course.releases):
        for change in release.changes:
            if change.material:
                for slug in change.modules:
                    found.setdefault(slug, [r.version for r in course.releases[rank + 1 :]])
    return found


def passed_before_material_change(course: Course) -> Select:
    """The ids of trainees with at least one module passed only under versions older than its latest
    material change: one grouped query per such module, as one UNION."""
    oldest = course.releases[-1].version if course.releases else None
    queries = []
    for slug, older in older_versions(course).items():
        version = QuizAttempt.course_version
        is_older = or_(version.in_(older), version.is_(None)) if oldest in older else version.in_(older)
        queries.append(
            select(QuizAttempt.user_id)
            .where(QuizAttempt.module_slug == slug, QuizAttempt.passed.is_(True))
            .group_by(QuizAttempt.user_id)
            .having(func.min(case((is_older, 1), else_=0)) == 1)
        )
    if not queries:
        return select(QuizAttempt.user_id).where(false())
    return queries[0] if len(queries) == 1 else select(union(*queries).subquery().c[0])
