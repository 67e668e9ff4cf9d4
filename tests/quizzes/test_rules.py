"""Retake rules as pure functions: counting attempts, waits, limits, practice after a pass."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from course.content.model import Quiz
from course.quizzes.rules import Allowance, quiz_status

NOW = datetime(2026, 11, 26, 14, 0)
QUIZ = Quiz("m", "Quiz", 80, 5, 3, 10, "highest", (), "v1")


@dataclass
class A:
    number: int
    percent: float | None
    status: str = "submitted"
    practice: bool = False
    minutes_ago: int = 60

    @property
    def passed(self):
        return None if self.percent is None else self.percent >= 80

    @property
    def submitted_at(self):
        return NOW - timedelta(minutes=self.minutes_ago) if self.status == "submitted" else None


def test_first_attempt_is_open_to_start_when_lessons_are_done():
    assert quiz_status(QUIZ, [], NOW).can_start
    locked = quiz_status(QUIZ, [], NOW, lessons_done=False)
    assert not locked.can_start and "Finish every lesson page" in locked.blocked_reason


def test_retake_wait_after_a_failed_attempt():
    status = quiz_status(QUIZ, [A(1, 40.0, minutes_ago=3)], NOW)
    assert not status.can_start and status.next_open_at == NOW + timedelta(minutes=7)
    assert "13:0" not in status.blocked_reason and "14:07 UTC" in status.blocked_reason
    assert quiz_status(QUIZ, [A(1, 40.0, minutes_ago=11)], NOW).can_start


def test_max_attempts_and_an_extra_one_granted():
    failed = [A(1, 10.0), A(2, 20.0), A(3, 30.0)]
    status = quiz_status(QUIZ, failed, NOW)
    assert not status.can_start and "used all 3 attempts" in status.blocked_reason
    assert quiz_status(QUIZ, failed, NOW, allowance=Allowance(extra_attempts=1)).can_start


def test_waived_wait_and_reset():
    recent = [A(1, 40.0, minutes_ago=1)]
    assert quiz_status(QUIZ, recent, NOW, allowance=Allowance(wait_waived_after=1)).can_start
    reset = quiz_status(QUIZ, [A(1, 10.0), A(2, 20.0), A(3, 30.0)], NOW, allowance=Allowance(reset_after=3))
    assert reset.can_start and reset.attempts_used == 0 and reset.score is None and len(reset.history) == 3


def test_grading_methods_decide_the_module_score_and_pass():
    attempts = [A(1, 90.0), A(2, 50.0)]
    assert quiz_status(QUIZ, attempts, NOW).passed
    assert not quiz_status(replace(QUIZ, grading="latest"), attempts, NOW).passed
    assert quiz_status(replace(QUIZ, grading="average"), attempts, NOW).score == 70.0


def test_practice_attempts_after_a_pass_neither_count_nor_wait():
    attempts = [A(1, 85.0), A(2, 20.0, practice=True, minutes_ago=1)]
    status = quiz_status(QUIZ, attempts, NOW)
    assert status.passed and status.score == 85.0 and status.attempts_used == 1 and status.can_start
    assert len(status.history) == 2


def test_an_open_attempt_is_resumed_not_blocked():
    status = quiz_status(QUIZ, [A(1, 10.0), A(2, 20.0), A(3, 30.0), A(4, None, status="open")], NOW)
    assert status.can_start and status.open_attempt.number == 4
