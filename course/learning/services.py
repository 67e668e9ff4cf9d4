"""Progress through the lessons, the dashboard, and the certificate."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..clock import utcnow
from ..content.model import Catalog, Module
from ..core import signals
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..quizzes.mastery import OwnMastery, own_mastery
from ..quizzes.rules import Allowance, QuizStatus, quiz_status
from ..quizzes.services import allowances_of, get_attempt, standings_of
from ..recertification import standing
from ..recertification.policy import CertificateState, certificate_state
from ..recertification.schedule import DEFAULT_FSRS, SchedulerSettings
from . import summary
from .changes import ChangeNotice, Pass, changes_since_passed
from .models import Certificate, LessonProgress
from .status import CourseStep, ModuleStatus, NextStep, continue_step, module_status, next_step

VIEW_RECORD_INTERVAL = timedelta(minutes=1)  # how stale "last viewed" may get before a page view writes
NO_ALLOWANCE = Allowance()


# A lesson page's read and the dashboard's, built once, of plain columns (Core): loading them as ORM
# objects cost more than the queries.
_progress = LessonProgress.__table__.c
_MODULE_PROGRESS = select(_progress.page_anchor, _progress.last_viewed_at, _progress.completed_at).where(
    _progress.user_id == bindparam("user_id"), _progress.module_slug == bindparam("slug")
)
_PAGES_OPENED = select(_progress.module_slug, _progress.page_anchor, _progress.completed_at).where(
    _progress.user_id == bindparam("user_id")
)


def _progress_rows(user_id: int, module_slug: str) -> list[Row]:
    return db.session.execute(_MODULE_PROGRESS, {"user_id": user_id, "slug": module_slug}).all()


def completed_pages(user_id: int, module_slug: str) -> set[str]:
    return {r.page_anchor for r in _progress_rows(user_id, module_slug) if r.completed_at}


def _touch(user_id: int, module: Module, anchor: str, now: datetime, complete: bool) -> None:
    if module.page(anchor) is None:
        raise NotFound("There is no such lesson page.")
    row = db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.user_id == user_id,
            LessonProgress.module_slug == module.slug,
            LessonProgress.page_anchor == anchor,
        )
    )
    if row is None:
        row = LessonProgress(
            user_id=user_id, module_slug=module.slug, page_anchor=anchor, started_at=now, last_viewed_at=now
        )
        db.session.add(row)
    row.last_viewed_at = now
    if complete and row.completed_at is None:
        row.completed_at = now
        db.session.flush()
        summary.record_pages(user_id, module, now)
    else:
        summary.touch(user_id, module.slug, now)
    try:
        db.session.commit()
    except IntegrityError:  # the same page opened twice at once: the other request recorded it
        db.session.rollback()
        if complete:
            _touch(user_id, module, anchor, now, complete)


def open_page(user_id: int, module: Module, anchor: str, now: datetime | None = None) -> set[str]:
    """Record a visit and return the module's completed pages, from one query when nothing needs writing:
    the first visit inserts the row, later ones move "last viewed" (and the summary's last activity) only
    when it is over VIEW_RECORD_INTERVAL old, so reading a page again writes nothing."""
    now = now or utcnow()
    rows = _progress_rows(user_id, module.slug)
    row = next((r for r in rows if r.page_anchor == anchor), None)
    if row is None or now - row.last_viewed_at >= VIEW_RECORD_INTERVAL:
        _touch(user_id, module, anchor, now, complete=False)
    return {r.page_anchor for r in rows if r.completed_at}


def complete_page(user_id: int, module: Module, anchor: str, now: datetime | None = None) -> None:
    _touch(user_id, module, anchor, now or utcnow(), complete=True)


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    pages_done: int
    status: ModuleStatus
    quiz: QuizStatus
    next_page: str | None  # anchor of the first page not yet completed

    @property
    def slug(self) -> str:
        return self.module.slug

    refresher_due: bool = False  # a passed module with objectives due for a refresher (issue 23)

    @property
    def lessons_done(self) -> bool:
        return self.pages_done == len(self.module.pages)

    @property
    def next_step(self) -> NextStep:
        return next_step(self.status, self.quiz)


@dataclass(frozen=True)
class CourseProgress:
    modules: tuple[ModuleProgress, ...]
    passes: tuple[Pass, ...] = ()  # (module, course version) of every passed attempt, for the change notice

    @property
    def pages_done(self) -> int:
        return sum(m.pages_done for m in self.modules)

    @property
    def pages_total(self) -> int:
        return sum(len(m.module.pages) for m in self.modules)

    @property
    def modules_passed(self) -> int:
        return sum(m.status is ModuleStatus.PASSED for m in self.modules)

    @property
    def complete(self) -> bool:
        return self.modules_passed == len(self.modules)

    @property
    def started(self) -> bool:
        return any(m.status is not ModuleStatus.NOT_STARTED for m in self.modules)

    def continue_step(self, email_confirmed: bool = True) -> CourseStep:
        return continue_step(self.modules, email_confirmed)

    def with_refreshers_due(self, slugs: frozenset[str]) -> CourseProgress:
        """The same progress, the modules in `slugs` marked as due a refresher (for the Continue rule)."""
        return replace(self, modules=tuple(replace(m, refresher_due=m.module.slug in slugs) for m in self.modules))


def course_progress(user_id: int, catalog: Catalog, now: datetime | None = None) -> CourseProgress:
    """Everything the dashboard shows, from three queries whatever the number of attempts. The rows are
    grouped by module in one pass, so the work grows with the rows plus the modules, not their product."""
    now = now or utcnow()
    db.session.flush()  # pending changes first: the reads below are Core statements, which do not autoflush
    rows = db.session.execute(_PAGES_OPENED, {"user_id": user_id}).all()
    read: dict[str, set[str]] = {}  # module slug -> its completed pages, for every module opened
    for row in rows:
        done = read.setdefault(row.module_slug, set())
        if row.completed_at:
            done.add(row.page_anchor)
    tried: dict[str, list] = {}
    passes: set[Pass] = set()
    for attempt in standings_of(user_id):
        tried.setdefault(attempt.module_slug, []).append(attempt)
        if attempt.passed:
            passes.add((attempt.module_slug, attempt.course_version))
    allowances = allowances_of(user_id)
    modules = []
    for module in catalog.modules:
        done = read.get(module.slug, set())
        mine = tried.get(module.slug, [])
        unread = [p.anchor for p in module.pages if p.anchor not in done]
        status = quiz_status(module.quiz, mine, now, not unread, allowances.get(module.slug, NO_ALLOWANCE))
        state = module_status(status.passed, not unread, module.slug in read or bool(mine))
        pages_done = len(module.pages) - len(unread)
        modules.append(ModuleProgress(module, pages_done, state, status, unread[0] if unread else None))
    return CourseProgress(tuple(modules), tuple(sorted(passes, key=str)))


@dataclass(frozen=True)
class Dashboard:
    progress: CourseProgress
    mastery: OwnMastery  # percent of marks earned per theme (None: nothing answered), and the answers behind it
    step: CourseStep  # the one Continue
    standing: standing.Standing  # staying current: due date, refreshers, renewals, the certificate
    changes: list[ChangeNotice]  # what changed in modules passed under an older course version


def dashboard(user_id: int, catalog: Catalog, email_confirmed: bool = True, now: datetime | None = None) -> Dashboard:
    """The trainee's own page: the next step, progress per module, their own share of marks per theme, and
    where they stand in staying current (which records a lapse or renewal that time brought, the one
    write), and what changed since they passed (from the attempts the progress already read).
    `email_confirmed`: whether the certificate could be issued to this account now."""
    now = now or utcnow()
    progress = course_progress(user_id, catalog, now)
    current = standing.standing_of(user_id, catalog, now, progress.complete)
    progress = progress.with_refreshers_due(current.due_modules)
    changes = changes_since_passed(progress.passes, catalog.course)
    # A certificate already issued opens whatever the email's state now (certificate_for returns it): the
    # Continue leads to it rather than to confirming an address changed since.
    can_open = email_confirmed or current.certificate is not None
    return Dashboard(progress, own_mastery(user_id), progress.continue_step(can_open), current, changes)


@dataclass(frozen=True)
class Completion:
    module: Module  # the module just passed
    attempt_id: int
    progress: CourseProgress
    step: CourseStep


def completion(user_id: int, attempt_id: int, catalog: Catalog, email_confirmed: bool = True) -> Completion:
    """What the page after a passing attempt shows. Only the trainee's own passed attempt has one (another's
    is "not found", as everywhere); a failed one has its review instead."""
    attempt = get_attempt(user_id, attempt_id)
    module = catalog.module(attempt.module_slug)
    if module is None or not attempt.passed or attempt.practice:
        raise NotFound("This attempt has no completion page: its review is on the quiz page.")
    progress = course_progress(user_id, catalog)
    can_open = email_confirmed or standing.current_certificate(user_id) is not None
    return Completion(module, attempt.id, progress, progress.continue_step(can_open))


class EmailNotVerified(Forbidden):
    pass


def _first_passes(user_id: int) -> dict[str, datetime]:
    """When each module was first passed (for periods that predate them: see standing.backfill)."""
    return {
        row.module_slug: row.submitted_at for row in sorted(standings_of(user_id), key=lambda r: r.number) if row.passed
    }


def certificate_for(
    user_id: int,
    display_name: str,
    catalog: Catalog,
    email_verified: bool = True,
    now: datetime | None = None,
    fsrs: SchedulerSettings = DEFAULT_FSRS,
) -> Certificate:
    """The trainee's certificate in force, issued on first request once every module is passed (and, where
    the setting asks for it, the email is confirmed). It is dated the day the last module was passed and
    valid until the earliest expiry of its modules; renewals issue the next one (standing.py)."""
    existing = standing.current_certificate(user_id)
    if existing is not None:
        return existing
    now = now or utcnow()
    progress = course_progress(user_id, catalog, now)
    if not progress.complete:
        raise Forbidden(
            f"The certificate opens when all {len(progress.modules)} modules are passed; "
            f"you have passed {progress.modules_passed}."
        )
    if not email_verified:
        raise EmailNotVerified(
            "You passed every module. The certificate is issued to a confirmed email address: open the link we "
            "sent you, or ask for a new one."
        )
    standing.backfill(user_id, catalog, _first_passes(user_id), fsrs)
    completed_at, valid_until = standing.certificate_dates(user_id, catalog)
    certificate = Certificate(
        user_id=user_id,
        current_of=user_id,
        code=standing.new_code(),
        holder_name=display_name,
        issued_at=now,
        completed_at=completed_at,
        valid_until=valid_until,
        scores=[{"module": m.module.slug, "title": m.module.title, "score": m.quiz.score} for m in progress.modules],
        course_version=catalog.course.version or None,
    )
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return standing.current_certificate(user_id)
    return certificate


def normalise_code(typed: str) -> str:
    """A code as issued (XXXX-XXXX-XXXX) from however it was typed: in lower case, with spaces, without dashes
    or with other separators. Anything that is not twelve letters and digits is left as typed (uppercased)."""
    compact = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(compact) == 12:
        return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return typed.strip().upper()


@dataclass(frozen=True)
class Verified:
    """A certificate as the public verify page states it today."""

    certificate: Certificate
    state: CertificateState
    since: datetime | None  # expired, revoked or superseded since then
    successor: Certificate | None  # the renewed certificate that superseded it


def verify(code: str, now: datetime | None = None) -> Verified:
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == normalise_code(code)))
    if certificate is None:
        raise NotFound("No certificate has this code. Check it letter by letter.")
    state, since = certificate_state(
        certificate.revoked_at, certificate.superseded_at, certificate.valid_until, now or utcnow()
    )
    successor = db.session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id else None
    return Verified(certificate, state, since, successor)


@signals.display_name_changing.connect
def _rename_on_certificate(user, old: str, new: str, now: datetime) -> None:
    """A certificate carries its holder's name: it follows a change (its issue date stays), on the record."""
    certificate = standing.current_certificate(user.id)
    if certificate is not None:
        audit.record(user.id, user.id, "name-change", f"From “{old}” to “{new}”", now)
        certificate.holder_name = new
