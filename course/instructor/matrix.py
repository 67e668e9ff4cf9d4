"""The progress matrix: trainees x modules, read from `ModuleSummary` in a fixed number of queries.

One aggregate query picks the page of trainees (filtered, searched, sorted) and counts all matches, one
reads their module cells, one their cohorts. The CSV walks the same query in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, case, func, or_, select

from ..content.model import Catalog
from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import User
from ..learning.models import ModuleSummary
from ..learning.status import ModuleStatus, module_status
from ..web.inputs import LIKE_ESCAPE, escape_like
from .access import visible_cohort_ids, visible_trainee_ids
from .outdated import passed_before_material_change

PAGE_SIZE = 50
INACTIVE_DAYS = 14
FAILS_FOR_HELP = 3
SORTS = ("progress", "activity", "name")
SIGNALS = ("needs-help", "nearly-done", "passed-before-change")


@dataclass(frozen=True)
class MatrixQuery:
    cohort_id: int | None = None
    search: str = ""
    sort: str = "progress"
    signal: str = ""
    page: int = 1


@dataclass(frozen=True)
class Cell:
    status: ModuleStatus
    score: float | None


@dataclass
class Row:
    id: int
    name: str
    email: str
    pages_done: int
    modules_passed: int
    last_activity: datetime | None
    needs_help: bool
    nearly_done: bool
    cells: list[Cell] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MatrixPage:
    rows: list[Row]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def cell_status(summary: ModuleSummary | None) -> ModuleStatus:
    if summary is None:
        return ModuleStatus.NOT_STARTED
    return module_status(summary.passed, summary.lessons_done, bool(summary.pages_done or summary.attempts))


def _aggregate(viewer: User, query: MatrixQuery, catalog: Catalog, now: datetime) -> Select:
    modules = len(catalog.modules)
    visible = visible_trainee_ids(viewer, query.cohort_id)
    totals = (
        select(
            ModuleSummary.user_id,
            func.sum(ModuleSummary.pages_done).label("pages_done"),
            func.sum(case((ModuleSummary.passed, 1), else_=0)).label("passed"),
            func.max(ModuleSummary.last_activity_at).label("last_activity"),
            func.max(case((ModuleSummary.passed, 0), else_=ModuleSummary.failed_attempts)).label("worst_fails"),
        )
        .where(ModuleSummary.user_id.in_(visible))
        .group_by(ModuleSummary.user_id)
        .subquery()
    )
    passed = func.coalesce(totals.c.passed, 0)
    active = func.coalesce(totals.c.last_activity, User.created_at)
    needs_help = or_(
        func.coalesce(totals.c.worst_fails, 0) >= FAILS_FOR_HELP,
        (active < now - timedelta(days=INACTIVE_DAYS)) & (passed < modules),
    )
    nearly_done = passed == modules - 1
    inactive = (active < now - timedelta(days=INACTIVE_DAYS)) & (passed < modules)
    stmt = (
        select(
            User.id,
            User.display_name,
            User.email,
            func.coalesce(totals.c.pages_done, 0).label("pages_done"),
            passed.label("passed"),
            totals.c.last_activity,
            needs_help.label("needs_help"),
            nearly_done.label("nearly_done"),
            inactive.label("inactive"),
        )
        .outerjoin(totals, totals.c.user_id == User.id)
        .where(User.id.in_(visible))
    )
    if query.search:
        pattern = f"%{escape_like(query.search.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(User.display_name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if query.signal == "needs-help":
        stmt = stmt.where(needs_help)
    elif query.signal == "nearly-done":
        stmt = stmt.where(nearly_done)
    elif query.signal == "passed-before-change":
        stmt = stmt.where(User.id.in_(passed_before_material_change(catalog.course)))
    order = {
        "progress": (passed.desc(), func.coalesce(totals.c.pages_done, 0).desc(), User.id),
        "activity": (totals.c.last_activity.desc().nulls_last(), User.id),
        "name": (func.lower(User.display_name), User.id),
    }[query.sort if query.sort in SORTS else "progress"]
    return stmt.order_by(*order)


def _rows(records, catalog: Catalog, viewer: User) -> list[Row]:
    rows = [
        Row(
            r.id,
            r.display_name,
            r.email,
            int(r.pages_done),
            int(r.passed),
            r.last_activity,
            bool(r.needs_help),
            bool(r.nearly_done),
        )
        for r in records
    ]
    if not rows:
        return rows
    ids = [r.id for r in rows]
    summaries = {
        (s.user_id, s.module_slug): s
        for s in db.session.scalars(select(ModuleSummary).where(ModuleSummary.user_id.in_(ids)))
    }
    cohorts: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
        select(CohortMember.user_id, Cohort.name)
        .join(Cohort)
        .where(CohortMember.user_id.in_(ids), CohortMember.cohort_id.in_(visible_cohort_ids(viewer)))
        .order_by(Cohort.name)
    ):
        cohorts.setdefault(user_id, []).append(name)
    for row in rows:
        row.cohorts = cohorts.get(row.id, [])
        for module in catalog.modules:
            summary = summaries.get((row.id, module.slug))
            row.cells.append(Cell(cell_status(summary), summary.score if summary else None))
    return rows


def matrix_page(viewer: User, catalog: Catalog, query: MatrixQuery, now: datetime) -> MatrixPage:
    """The page's rows carry the match count (a window over the whole result), saving a second pass over the
    aggregate. A page past the end (an old link, a shrunken filter) shows the last page instead."""
    stmt = _aggregate(viewer, query, catalog, now)
    counted = stmt.add_columns(func.count().over().label("matches")).limit(PAGE_SIZE)
    page = max(1, query.page)
    records = db.session.execute(counted.offset((page - 1) * PAGE_SIZE)).all()
    if not records and page > 1:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        page = max(1, -(-total // PAGE_SIZE))
        records = db.session.execute(counted.offset((page - 1) * PAGE_SIZE)).all()
    total = records[0].matches if records else 0
    return MatrixPage(_rows(records, catalog, viewer), total, page)


def all_rows(viewer: User, catalog: Catalog, query: MatrixQuery, now: datetime, batch: int = 500) -> Iterator[Row]:
    """Every matching row, in batches, for the CSV download: memory stays flat however many there are."""
    stmt = _aggregate(viewer, query, catalog, now)
    offset = 0
    while True:
        records = db.session.execute(stmt.limit(batch).offset(offset)).all()
        yield from _rows(records, catalog, viewer)
        if len(records) < batch:
            return
        offset += batch


def csv_header(catalog: Catalog) -> list[str]:
    header = [
        "name",
        "email",
        "cohorts",
        "pages_completed",
        "modules_passed",
        "last_activity_utc",
        "needs_help",
        "nearly_done",
    ]
    for module in catalog.modules:
        header += [f"{module.number:02d}_{module.slug}_status", f"{module.number:02d}_{module.slug}_score"]
    return header


def csv_row(row: Row) -> list:
    values = [
        row.name,
        row.email,
        "; ".join(row.cohorts),
        row.pages_done,
        row.modules_passed,
        row.last_activity.isoformat(timespec="seconds") + "Z" if row.last_activity else "",
        int(row.needs_help),
        int(row.nearly_done),
    ]
    for cell in row.cells:
        values += [cell.status, round(cell.score or 0, 1)]
    return values


@dataclass(frozen=True)
class ModuleCounts:
    slug: str
    number: int
    title: str
    passed: int
    in_progress: int  # started (pages read or an attempt), not passed
    not_started: int


@dataclass(frozen=True)
class Glance:
    """The viewer's trainees (in one cohort, or all of them) at a glance, for the chart above the matrix."""

    trainees: int
    needs_help: int
    inactive: int
    modules: list[ModuleCounts]


def glance(viewer: User, catalog: Catalog, cohort_id: int | None, now: datetime) -> Glance:
    """One aggregate query whatever the number of trainees: per module over `module_summary`, with the
    trainee count and the signals from the matrix's own per-trainee aggregate (so "needs help" means the same
    in both) as scalar subqueries over one CTE. Only when no trainee has a summary row yet does a second,
    signals-only query run."""
    visible = visible_trainee_ids(viewer, cohort_id)
    trainees = _aggregate(viewer, MatrixQuery(cohort_id=cohort_id), catalog, now)
    people = trainees.order_by(None).cte("people")
    signals = (
        func.count(),
        func.coalesce(func.sum(case((people.c.needs_help, 1), else_=0)), 0),
        func.coalesce(func.sum(case((people.c.inactive, 1), else_=0)), 0),
    )
    started = (ModuleSummary.pages_done > 0) | (ModuleSummary.attempts > 0)
    rows = db.session.execute(
        select(
            ModuleSummary.module_slug,
            func.sum(case((ModuleSummary.passed, 1), else_=0)),
            func.sum(case((~ModuleSummary.passed & started, 1), else_=0)),
            *(select(signal).select_from(people).scalar_subquery() for signal in signals),
        )
        .where(ModuleSummary.user_id.in_(visible))
        .group_by(ModuleSummary.module_slug)
    ).all()
    if rows:
        total, needs_help, inactive = rows[0][3:]
    else:
        total, needs_help, inactive = db.session.execute(select(*signals).select_from(people)).one()
    total = int(total or 0)
    per_module = {slug: (int(passed or 0), int(going or 0)) for slug, passed, going, *_ in rows}
    modules = []
    for module in catalog.modules:
        passed, going = per_module.get(module.slug, (0, 0))
        modules.append(ModuleCounts(module.slug, module.number, module.title, passed, going, total - passed - going))
    return Glance(total, int(needs_help or 0), int(inactive or 0), modules)
