"""Where a trainee stands in a module and in the course, and what to do next. PURE: standard library and the
quiz rules.

One vocabulary for the dashboard, the quiz pages and the instructor's matrix, so a module cannot be
"passed" on one page and "lessons done" on another, and no template decides the next step itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ..quizzes.rules import Blocked, QuizStatus


class ModuleStatus(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    LESSONS_DONE = "lessons done"
    PASSED = "passed"


def module_status(passed: bool, lessons_done: bool, started: bool) -> ModuleStatus:
    if passed:
        return ModuleStatus.PASSED
    if lessons_done:
        return ModuleStatus.LESSONS_DONE
    return ModuleStatus.IN_PROGRESS if started else ModuleStatus.NOT_STARTED


@dataclass(frozen=True)
class NextStep:
    """The dashboard's call to action for one module: to its quiz, or to its first unread page."""

    label: str
    to_quiz: bool
    note: str | None = None  # why the quiz cannot start yet, when it cannot


def next_step(status: ModuleStatus, quiz: QuizStatus) -> NextStep:
    if status is ModuleStatus.PASSED:
        return NextStep("Review", to_quiz=True)
    if quiz.open_attempt is not None:
        return NextStep("Resume the quiz", to_quiz=True)
    if status is ModuleStatus.LESSONS_DONE:
        return NextStep("Retake" if quiz.attempts_used else "Take the quiz", to_quiz=True, note=quiz.blocked_reason)
    return NextStep("Start" if status is ModuleStatus.NOT_STARTED else "Continue", to_quiz=False)


class StepKind(StrEnum):
    """The kinds of "what to do next" for the whole course, each a different place and a different label."""

    START_MODULE = "start-module"  # a module not begun: its overview, with its objectives
    READ = "read"  # the next unread page of a module under way
    RESUME_QUIZ = "resume-quiz"  # an attempt is open
    TAKE_QUIZ = "take-quiz"  # every page read, no attempt yet
    RETAKE = "retake"  # a failed attempt, and the wait is over
    REFRESHER = "refresher"  # a passed module due again (issue 23 sets `refresher_due`)
    WAIT = "wait"  # nothing else to do but a retake that opens later
    ASK_INSTRUCTOR = "ask-instructor"  # every attempt used on a module not passed
    CONFIRM_EMAIL = "confirm-email"  # everything passed; the certificate waits for a confirmed email
    CERTIFICATE = "certificate"  # everything passed


class ModuleStanding(Protocol):
    """What `continue_step` reads of each module (the dashboard's ModuleProgress has all of it)."""

    @property
    def slug(self) -> str: ...

    @property
    def status(self) -> ModuleStatus: ...

    @property
    def quiz(self) -> QuizStatus: ...

    @property
    def next_page(self) -> str | None: ...

    @property
    def refresher_due(self) -> bool: ...


@dataclass(frozen=True)
class CourseStep:
    """The one Continue of the dashboard (and of the completion page after a pass)."""

    kind: StepKind
    slug: str | None = None  # the module it leads into, if any
    page: str | None = None  # the lesson page's anchor, for READ
    opens_at: datetime | None = None  # for WAIT: when the retake opens
    waiting: tuple[tuple[str, datetime], ...] = ()  # (module, opens at) of every retake still waiting
    confirm_email: bool = False  # every module passed, and the certificate waits for a confirmed email


def _step_in(module: ModuleStanding) -> CourseStep | None:
    """What to do next inside one module that is not passed, or None if nothing can be done there now."""
    quiz = module.quiz
    if quiz.open_attempt is not None:
        return CourseStep(StepKind.RESUME_QUIZ, module.slug)
    if module.status is ModuleStatus.NOT_STARTED:
        return CourseStep(StepKind.START_MODULE, module.slug)
    if module.next_page is not None:
        return CourseStep(StepKind.READ, module.slug, module.next_page)
    if quiz.can_start:
        return CourseStep(StepKind.RETAKE if quiz.attempts_used else StepKind.TAKE_QUIZ, module.slug)
    return None


def continue_step(modules: Sequence[ModuleStanding], email_confirmed: bool = True) -> CourseStep:
    """The next step (`_next_step`), which says too when the certificate waits for a confirmed email, so a
    page whose step is something else (a refresher due) can still say so."""
    step = _next_step(modules, email_confirmed)
    if not email_confirmed and all(m.status is ModuleStatus.PASSED for m in modules):
        return replace(step, confirm_email=True)
    return step


def _next_step(modules: Sequence[ModuleStanding], email_confirmed: bool) -> CourseStep:
    """The next unfinished step of the course, in this order: an attempt left open; a refresher that is due;
    the first module not passed, in course order, where something can be done now (its overview if not
    begun, else its next unread page, else its quiz or retake); when only retakes that open later are left,
    the soonest of them; when every attempt is used, asking the instructor; when everything is passed, the
    certificate (or confirming the email it is issued to). A module whose retake waits is stepped over, so
    the trainee can read on meanwhile; `waiting` lists those retakes for the page to mention."""
    waiting = tuple(
        (m.slug, m.quiz.next_open_at)
        for m in modules
        if m.quiz.blocked is Blocked.WAIT and m.quiz.next_open_at is not None
    )
    for module in modules:
        if module.quiz.open_attempt is not None:
            return CourseStep(StepKind.RESUME_QUIZ, module.slug, waiting=waiting)
    for module in modules:
        if module.refresher_due:
            return CourseStep(StepKind.REFRESHER, module.slug, waiting=waiting)
    unfinished = [m for m in modules if m.status is not ModuleStatus.PASSED]
    for module in unfinished:
        if (step := _step_in(module)) is not None:
            return CourseStep(step.kind, step.slug, step.page, waiting=waiting)
    if waiting:
        slug, opens_at = min(waiting, key=lambda pair: pair[1])
        return CourseStep(StepKind.WAIT, slug, opens_at=opens_at, waiting=waiting)
    if unfinished:
        return CourseStep(StepKind.ASK_INSTRUCTOR, unfinished[0].slug)
    return CourseStep(StepKind.CERTIFICATE if email_confirmed else StepKind.CONFIRM_EMAIL)
