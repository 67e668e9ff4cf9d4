"""Retake rules: which attempts count, the module's score, and whether a new attempt may start now.
PURE: works on plain values, so every rule is tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from ..content.model import Quiz
from .grading import module_score


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
    blocked_reason: str | None = None
    history: tuple = field(default=())

    @property
    def can_start(self) -> bool:
        return self.blocked_reason is None


def quiz_status(
    quiz: Quiz,
    attempts: Sequence[AttemptLike],
    now: datetime,
    lessons_done: bool = True,
    allowance: Allowance = Allowance(),
) -> QuizStatus:
    attempts = sorted(attempts, key=lambda a: a.number)
    submitted = [a for a in attempts if a.status == "submitted"]
    counted = [a for a in submitted if not a.practice and a.number > allowance.reset_after]
    open_attempt = next((a for a in attempts if a.status == "open"), None)
    score = module_score([a.percent or 0.0 for a in counted], quiz.grading)
    passed = score is not None and score >= quiz.pass_mark
    allowed = None if quiz.max_attempts is None else quiz.max_attempts + allowance.extra_attempts
    blocked, next_open = None, None
    if not lessons_done:
        blocked = "Finish every lesson page of this module first."
    elif passed or open_attempt is not None:
        pass  # practice after a pass is always allowed; an open attempt is resumed
    elif allowed is not None and len(counted) >= allowed:
        blocked = f"You have used all {allowed} attempts. Ask your instructor for another."
    elif counted and not counted[-1].passed and counted[-1].number > allowance.wait_waived_after:
        opens = counted[-1].submitted_at + timedelta(minutes=quiz.retake_wait_minutes)
        if opens > now:
            next_open = opens
            blocked = f"Your next attempt opens at {opens:%H:%M} UTC."
    return QuizStatus(
        counted=tuple(counted),
        open_attempt=open_attempt,
        score=score,
        passed=passed,
        attempts_used=len(counted),
        attempts_allowed=allowed,
        next_open_at=next_open,
        blocked_reason=blocked,
        history=tuple(submitted),
    )
