"""The progress matrix: trainees x modules, read from `ModuleSummary` in a fixed number of queries.

One aggregate query picks the page of trainees (filtered, searched, sorted) and counts all matches, one
reads their module cells, one their cohorts. The CSV walks the same query in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, Subquery, case, func, or_, select

from ..content.model import Catalog
from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..identity.models import User
from ..learning.models import ModuleSummary, TraineeTotals
from ..learning.status import ModuleStatus, module_status
from ..recertification.policy import DUE_SOON_DAYS, Deadline, deadline
from ..web.inputs import LIKE_ESCAPE, escape_like
from .access import trainee_filter, visible_cohort_ids
from .outdated import passed_before_material_change

PAGE_SIZE = 50
INACTIVE_DAYS = 14
FAILS_FOR_HELP = 3
SORTS = ("attention", "progress", "activity", "name")
SIGNALS = ("needs-help", "nearly-done", "passed-before-change")
DEADLINES = tuple(d.value for d in Deadline if d is not Deadline.DONE)  # the "complete by" filter's choices


@dataclass(frozen=True)
class MatrixQuery:
    cohort_id: int | None = None
    search: str = ""
    sort: str = "attention"
    signal: str = ""
    page: int = 1
    deadline: str = ""  # on time | due soon | overdue: against the cohort's "complete by" date


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
    idle_days: int | None  # days without activity, when that is why the trainee needs help
    due_on: date | None = None  # the earliest "complete by" date of their cohorts the viewer follows
    deadline: str | None = None  # on time | due soon | overdue | done; None without a date
    cells: list[Cell] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    # Why the trainee needs help, in words: each quiz failed FAILS_FOR_HELP times or more, and inactivity.
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Signals:
    """How many trainees there are, need help, and are inactive: the glance's three numbers."""

    trainees: int
    needs_help: int
    inactive: int


@dataclass(frozen=True)
class MatrixPage:
    rows: list[Row]
    total: int
    page: int
    signals: Signals  # everyone in the cohort filter, whatever the search or signal: the glance's counts

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def cell_status(summary: ModuleSummary | None) -> ModuleStatus:
    if summary is None:
        return ModuleStatus.NOT_STARTED
    return module_status(summary.passed, summary.lessons_done, bool(summary.pages_done or summary.attempts))


def _people(viewer: User, cohort_id: int | None, modules: int, now: datetime, deadlines: bool) -> Subquery:
    """Every trainee the viewer sees (in one cohort, or all), one row each with their totals (`TraineeTotals`,
    kept with every learner write) and signals, and the glance's three counts over all of them as window
    sums: the one pass over everyone a page needs.
    `deadlines`: add each one's standing against the due date, for the "complete by" filter (the page's
    own rows get theirs from their cohorts, in `_rows`: grouping every membership cost 10 ms at 10,000)."""
    totals = TraineeTotals.__table__
    passed = func.coalesce(totals.c.passed, 0)
    active = func.coalesce(totals.c.last_activity_at, User.created_at)
    inactive = (active < now - timedelta(days=INACTIVE_DAYS)) & (passed < modules)
    needs_help = or_(func.coalesce(totals.c.worst_fails, 0) >= FAILS_FOR_HELP, inactive)
    people = (
        select(
            User.id,
            User.display_name,
            User.email,
            func.coalesce(totals.c.pages_done, 0).label("pages_done"),
            passed.label("passed"),
            totals.c.last_activity_at.label("last_activity"),
            needs_help.label("needs_help"),
            (passed == modules - 1).label("nearly_done"),
            inactive.label("inactive"),
            active.label("active_at"),
            func.count().over().label("everyone"),
            func.sum(case((needs_help, 1), else_=0)).over().label("helped"),
            func.sum(case((inactive, 1), else_=0)).over().label("idle"),
        )
        .outerjoin(totals, totals.c.user_id == User.id)
        .where(trainee_filter(User.id, viewer, cohort_id))
    )
    if deadlines:
        dates = (
            select(CohortMember.user_id, func.min(Cohort.due_on).label("due_on"))
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.due_on.is_not(None), _followed(viewer, cohort_id))
            .group_by(CohortMember.user_id)
            .subquery()
        )
        today = now.date()
        standing = case(  # policy.deadline, for the filter
            (dates.c.due_on.is_(None), None),
            (passed >= modules, Deadline.DONE.value),
            (dates.c.due_on < today, Deadline.OVERDUE.value),
            (dates.c.due_on <= today + timedelta(days=DUE_SOON_DAYS), Deadline.DUE_SOON.value),
            else_=Deadline.ON_TIME.value,
        )
        people = people.add_columns(standing.label("deadline")).outerjoin(dates, dates.c.user_id == User.id)
    return people.subquery("people")


def _followed(viewer: User, cohort_id: int | None):
    """The cohorts whose due date counts: those the viewer follows, or the one the page is filtered to."""
    followed = Cohort.id.in_(visible_cohort_ids(viewer))
    return followed & (Cohort.id == cohort_id) if cohort_id is not None else followed


def _aggregate(viewer: User, query: MatrixQuery, catalog: Catalog, now: datetime) -> tuple[Select, Subquery]:
    """The matching trainees in the page's order, over `_people` (returned too, for its counts)."""
    people = _people(viewer, query.cohort_id, len(catalog.modules), now, query.deadline in DEADLINES)
    stmt = select(people)
    if query.search:
        pattern = f"%{escape_like(query.search.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(people.c.display_name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(people.c.email).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if query.signal == "needs-help":
        stmt = stmt.where(people.c.needs_help)
    elif query.signal == "nearly-done":
        stmt = stmt.where(people.c.nearly_done)
    elif query.signal == "passed-before-change":
        stmt = stmt.where(people.c.id.in_(passed_before_material_change(catalog.course)))
    if query.deadline in DEADLINES:
        stmt = stmt.where(people.c.deadline == query.deadline)
    c = people.c
    order = {
        # Needs help first, then one module from the end, then the furthest along.
        "attention": (c.needs_help.desc(), c.nearly_done.desc(), c.passed.desc(), c.pages_done.desc(), c.id),
        "progress": (c.passed.desc(), c.pages_done.desc(), c.id),
        "activity": (c.last_activity.desc().nulls_last(), c.id),
        "name": (func.lower(c.display_name), c.id),
    }[query.sort if query.sort in SORTS else "attention"]
    return stmt.order_by(*order), people


def _rows(records, catalog: Catalog, viewer: User, cohort_id: int | None, now: datetime) -> list[Row]:
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
            (now - r.active_at).days if r.inactive else None,
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
    due: dict[int, date] = {}
    for user_id, cohort, name, due_on in db.session.execute(
        select(CohortMember.user_id, Cohort.id, Cohort.name, Cohort.due_on)
        .join(Cohort)
        .where(CohortMember.user_id.in_(ids), CohortMember.cohort_id.in_(visible_cohort_ids(viewer)))
        .order_by(Cohort.name)
    ):
        cohorts.setdefault(user_id, []).append(name)
        if due_on is not None and cohort_id in (None, cohort):
            due[user_id] = min(due_on, due.get(user_id, due_on))
    for row in rows:
        row.cohorts = cohorts.get(row.id, [])
        row.due_on = due.get(row.id)
        standing = deadline(row.due_on, row.modules_passed >= len(catalog.modules), now.date())
        row.deadline = standing.value if standing else None
        for module in catalog.modules:
            summary = summaries.get((row.id, module.slug))
            row.cells.append(Cell(cell_status(summary), summary.score if summary else None))
            if summary and not summary.passed and summary.failed_attempts >= FAILS_FOR_HELP:
                row.reasons.append(f"Failed the module {module.number} quiz {summary.failed_attempts} times")
        if row.idle_days is not None:
            row.reasons.append(f"No activity for {row.idle_days} days")
    return rows


def _signals(record) -> Signals:
    return Signals(int(record.everyone), int(record.helped or 0), int(record.idle or 0))


def matrix_page(viewer: User, catalog: Catalog, query: MatrixQuery, now: datetime) -> MatrixPage:
    """The page's rows carry the match count and the glance's counts (window functions over the whole
    result), saving further passes over everyone. A page past the end (an old link, a shrunken filter) shows
    the last page instead; only a page with no row at all asks for the counts on their own."""
    stmt, people = _aggregate(viewer, query, catalog, now)
    counted = stmt.add_columns(func.count().over().label("matches")).limit(PAGE_SIZE)
    page = max(1, query.page)
    records = db.session.execute(counted.offset((page - 1) * PAGE_SIZE)).all()
    if not records and page > 1:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        page = max(1, -(-total // PAGE_SIZE))
        records = db.session.execute(counted.offset((page - 1) * PAGE_SIZE)).all()
    if records:
        signals = _signals(records[0])
    else:
        everyone = db.session.execute(select(people.c.everyone, people.c.helped, people.c.idle).limit(1)).first()
        signals = _signals(everyone) if everyone else Signals(0, 0, 0)
    total = records[0].matches if records else 0
    return MatrixPage(_rows(records, catalog, viewer, query.cohort_id, now), total, page, signals)


def all_rows(viewer: User, catalog: Catalog, query: MatrixQuery, now: datetime, batch: int = 500) -> Iterator[Row]:
    """Every matching row, in batches, for the CSV download: memory stays flat however many there are."""
    stmt, _ = _aggregate(viewer, query, catalog, now)
    offset = 0
    while True:
        records = db.session.execute(stmt.limit(batch).offset(offset)).all()
        yield from _rows(records, catalog, viewer, query.cohort_id, now)
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
        values += [cell.status, round(cell.score, 1) if cell.score is not None else ""]  # not started: empty, not 0
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


def glance(viewer: User, catalog: Catalog, cohort_id: int | None, signals: Signals) -> Glance:
    """Per module over `module_summary` in one query (read from its covering index); the trainee count and
    the signals come counted with the matrix page (`MatrixPage.signals`), so "needs help" means the same in
    both and nobody's totals are added up twice."""
    started = (ModuleSummary.pages_done > 0) | (ModuleSummary.attempts > 0)
    rows = db.session.execute(
        select(
            ModuleSummary.module_slug,
            func.sum(case((ModuleSummary.passed, 1), else_=0)),
            func.sum(case((~ModuleSummary.passed & started, 1), else_=0)),
        )
        .where(trainee_filter(ModuleSummary.user_id, viewer, cohort_id))
        .group_by(ModuleSummary.module_slug)
    ).all()
    per_module = {slug: (int(passed or 0), int(going or 0)) for slug, passed, going in rows}
    modules = []
    for module in catalog.modules:
        passed, going = per_module.get(module.slug, (0, 0))
        left = signals.trainees - passed - going
        modules.append(ModuleCounts(module.slug, module.number, module.title, passed, going, left))
    return Glance(signals.trainees, signals.needs_help, signals.inactive, modules)
