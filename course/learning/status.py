"""Where a trainee stands in a module, and what to do next. PURE: standard library and the quiz rules.

One vocabulary for the dashboard, the quiz pages and the instructor's matrix, so a module cannot be
"passed" on one page and "lessons done" on another, and no template decides the next step itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..quizzes.rules import QuizStatus


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
