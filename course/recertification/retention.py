"""Retention, measured: the share of refresher answers right by days since the pass, per objective.

What no LMS anchor shows and a training lead wants to know: what is forgotten first. Answers are counted
in bands of days since the module was passed (or renewed); an objective whose late answers go wrong is
the one to teach again. The same for one trainee on their detail page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select

from ..content.model import Catalog
from ..extensions import db
from .models import RefresherItem

BANDS = ((0, 30, "0–30 days"), (31, 90, "31–90 days"), (91, 180, "91–180 days"), (181, 365, "181–365 days"))
OVER = "over a year"
LABELS = (*(label for _, _, label in BANDS), OVER)


def band_of(days: int) -> int:
    """The index in LABELS of the band `days` since the pass falls in."""
    return next((i for i, (low, high, _) in enumerate(BANDS) if low <= days <= high), len(BANDS))


@dataclass(frozen=True)
class Cell:
    right: int
    answers: int

    @property
    def share(self) -> float | None:
        return round(100 * self.right / self.answers, 1) if self.answers else None

    @property
    def text(self) -> str:
        return f"{self.share:.0f}% of {self.answers}" if self.answers else "–"


@dataclass(frozen=True)
class ObjectiveRetention:
    module_title: str
    number: int
    text: str
    cells: tuple[Cell, ...]  # one per band

    @property
    def total(self) -> Cell:
        return Cell(sum(c.right for c in self.cells), sum(c.answers for c in self.cells))

    @property
    def late(self) -> Cell:
        """Answers more than 90 days after the pass: where forgetting shows."""
        late = self.cells[2:]
        return Cell(sum(c.right for c in late), sum(c.answers for c in late))


@dataclass(frozen=True)
class Retention:
    bands: tuple[Cell, ...]  # every objective together, per band: the forgetting curve
    objectives: tuple[ObjectiveRetention, ...]  # forgotten first: lowest late share (then overall) first

    @property
    def answers(self) -> int:
        return sum(c.answers for c in self.bands)

    @property
    def chart_rows(self) -> list[tuple[str, float | None]]:
        return [(label, cell.share) for label, cell in zip(LABELS, self.bands, strict=True)]


def _counts(user_ids: Select | Iterable[int]) -> Select:
    right = func.sum(case((RefresherItem.score >= 1, 1), else_=0))
    return (
        select(RefresherItem.module_slug, RefresherItem.objective, RefresherItem.days_since_pass, right, func.count())
        .where(RefresherItem.answered_at.is_not(None), RefresherItem.user_id.in_(user_ids))
        .group_by(RefresherItem.module_slug, RefresherItem.objective, RefresherItem.days_since_pass)
    )


def retention(user_ids: Select | Iterable[int], catalog: Catalog) -> Retention:
    """Retention over the refresher answers of `user_ids` (a subquery of the trainees the viewer may see)."""
    tally: dict[tuple[str, int], list[list[int]]] = {}
    bands = [[0, 0] for _ in LABELS]
    for slug, objective, days, right, count in db.session.execute(_counts(user_ids)):
        band = band_of(days or 0)
        cells = tally.setdefault((slug, objective), [[0, 0] for _ in LABELS])
        for target in (cells[band], bands[band]):
            target[0] += right or 0
            target[1] += count
    rows = []
    for (slug, number), cells in tally.items():
        module = catalog.module(slug)
        if module is None or not 1 <= number <= len(module.objectives):
            continue
        rows.append(
            ObjectiveRetention(module.title, number, module.objectives[number - 1], tuple(Cell(*c) for c in cells))
        )
    rows.sort(key=lambda r: (r.late.share if r.late.answers else 101, r.total.share or 0, r.module_title, r.number))
    return Retention(tuple(Cell(*c) for c in bands), tuple(rows))
