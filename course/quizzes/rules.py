"""Retake rules: which attempts count, the module's score, and whether a new attempt may start now.
PURE: works on plain values, so every rule is tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from ..content.model import Quiz, ReviewPolicy
from .grading import module_score


class AttemptStatus(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"


class Blocked(StrEnum):
    """Why a new attempt may not start now: a code for the program, `message` for the trainee."""

    LESSONS = "lessons"
    NO_ATTEMPTS_LEFT = "no-attempts-left"
    WAIT = "wait"


class AttemptLike(Protocol):
    number: int
    status: str
    practice: bool
    percent: float | None
    passed: bool | None
    submitted_at: datetime | None


@dataclass(frozen=True)
class Allowance:
    """Instructor adjustments for one trainee and quiz (see the instructor's audited actions)."""

    extra_attempts: int = 0
    wait_waived_after: int = 0  # the wait after attempt number <= this is waived
    reset_after: int = 0  # attempts numbered <= this no longer count


@dataclass(frozen=True)
class QuizStatus:
    counted: tuple = ()
    open_attempt: AttemptLike | None = None
    score: float | None = None
    passed: bool = False
    attempts_used: int = 0
    attempts_allowed: int | None = None
    next_open_at: datetime | None = None
    blocked: Blocked | None = None
    history: tuple = field(default=())

    @property
    def can_start(self) -> bool:
        return self.blocked is None

    @property
    def blocked_reason(self) -> str | None:
        if self.blocked is Blocked.LESSONS:
            return "Finish every lesson page of this module first."
        if self.blocked is Blocked.NO_ATTEMPTS_LEFT:
            return f"You have used all {self.attempts_allowed} attempts. Ask your instructor for another."
        if self.blocked is Blocked.WAIT:
            return f"Your next attempt opens at {self.next_open_at:%H:%M} UTC."
        return None

    @property
    def start_label(self) -> str:
        """What the button that starts or resumes an attempt says."""
        if self.open_attempt is not None:
            return "Resume your attempt"
        if self.passed:
            return "Take a practice attempt"
        return "Retake the quiz" if self.attempts_used else "Start the quiz"


def counted(attempts: Sequence[AttemptLike], allowance: Allowance) -> list[AttemptLike]:
    """The attempts that count for the module score: submitted, not practice, not before a reset."""
    return [
        a
        for a in sorted(attempts, key=lambda a: a.number)
        if a.status == AttemptStatus.SUBMITTED and not a.practice and a.number > allowance.reset_after
    ]


def quiz_status(
    quiz: Quiz,
    attempts: Sequence[AttemptLike],
    now: datetime,
    lessons_done: bool = True,
    allowance: Allowance = Allowance(),
) -> QuizStatus:
    attempts = sorted(attempts, key=lambda a: a.number)
    submitted = [a for a in attempts if a.status == AttemptStatus.SUBMITTED]
    kept = counted(attempts, allowance)
    open_attempt = next((a for a in attempts if a.status == AttemptStatus.OPEN), None)
    score = module_score([a.percent or 0.0 for a in kept], quiz.grading)
    passed = score is not None and score >= quiz.pass_mark
    allowed = None if quiz.max_attempts is None else quiz.max_attempts + allowance.extra_attempts
    blocked, next_open = None, None
    if not lessons_done:
        blocked = Blocked.LESSONS
    elif passed or open_attempt is not None:
        pass  # practice after a pass is always allowed; an open attempt is resumed
    elif allowed is not None and len(kept) >= allowed:
        blocked = Blocked.NO_ATTEMPTS_LEFT
    elif kept and not kept[-1].passed and kept[-1].number > allowance.wait_waived_after:
        opens = kept[-1].submitted_at + timedelta(minutes=quiz.retake_wait_minutes)
        if opens > now:
            next_open, blocked = opens, Blocked.WAIT
    return QuizStatus(
        counted=tuple(kept),
        open_attempt=open_attempt,
        score=score,
        passed=passed,
        attempts_used=len(kept),
        attempts_allowed=allowed,
        next_open_at=next_open,
        blocked=blocked,
        history=tuple(submitted),
    )


@dataclass(frozen=True)
class Reveal:
    """What a review of a submitted attempt may show besides the score, the trainee's own answers, which
    were right, and the lesson sections to reread."""

    right_answer: bool
    explanation: bool  # also the authors' feedback on the options chosen


FULL_REVIEW = Reveal(right_answer=True, explanation=True)


def reveal(policy: ReviewPolicy, status: QuizStatus) -> Reveal:
    """Apply a quiz's review policy to where the trainee stands now (so a policy change applies to old
    attempts too). `after_pass`: once the module is passed or no attempt is left; `after_last_attempt`:
    once no attempt is left (with unlimited attempts, never); `always`: at once."""
    no_attempt_left = status.attempts_allowed is not None and status.attempts_used >= status.attempts_allowed

    def shown(when: str) -> bool:
        if when == "always":
            return True
        if when == "after_last_attempt":
            return no_attempt_left
        return status.passed or no_attempt_left

    return Reveal(right_answer=shown(policy.right_answer), explanation=shown(policy.explanation))
