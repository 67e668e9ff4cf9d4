"""The one Continue (learning/status.py `continue_step`), pure: each state of a course leads to one step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from course.learning.status import ModuleStatus, StepKind, continue_step
from course.quizzes.rules import Blocked, QuizStatus

NOW = datetime(2026, 12, 7, 9, 0)
NOTHING_YET = QuizStatus()


@dataclass(frozen=True)
class Standing:
    slug: str
    status: ModuleStatus = ModuleStatus.NOT_STARTED
    quiz: QuizStatus = NOTHING_YET
    next_page: str | None = "p1"
    refresher_due: bool = False


def passed(slug: str) -> Standing:
    return Standing(slug, ModuleStatus.PASSED, QuizStatus(passed=True, attempts_used=1, score=100), None)


def waiting(slug: str, minutes: int) -> Standing:
    quiz = QuizStatus(attempts_used=1, score=40, blocked=Blocked.WAIT, next_open_at=NOW + timedelta(minutes=minutes))
    return Standing(slug, ModuleStatus.LESSONS_DONE, quiz, None)


def test_a_new_trainee_starts_with_the_first_module_overview():
    step = continue_step([Standing("a"), Standing("b")])
    assert (step.kind, step.slug) == (StepKind.START_MODULE, "a")


def test_a_module_under_way_continues_at_its_next_unread_page():
    step = continue_step([Standing("a", ModuleStatus.IN_PROGRESS, next_page="p3"), Standing("b")])
    assert (step.kind, step.slug, step.page) == (StepKind.READ, "a", "p3")


def test_once_the_pages_are_read_the_quiz_is_next():
    step = continue_step([Standing("a", ModuleStatus.LESSONS_DONE, next_page=None), Standing("b")])
    assert (step.kind, step.slug) == (StepKind.TAKE_QUIZ, "a")


def test_after_a_pass_the_next_module_is_next_not_the_page_opened_last():
    step = continue_step([passed("a"), Standing("b"), Standing("c", ModuleStatus.IN_PROGRESS, next_page="x")])
    assert (step.kind, step.slug) == (StepKind.START_MODULE, "b")


def test_an_open_attempt_comes_first_wherever_it_is():
    open_quiz = QuizStatus(open_attempt=object())
    step = continue_step(
        [Standing("a", ModuleStatus.IN_PROGRESS), Standing("b", ModuleStatus.LESSONS_DONE, open_quiz, None)]
    )
    assert (step.kind, step.slug) == (StepKind.RESUME_QUIZ, "b")


def test_a_waiting_retake_is_stepped_over_and_mentioned_then_taken_when_it_opens():
    step = continue_step([waiting("a", 5), Standing("b")])
    assert (step.kind, step.slug) == (StepKind.START_MODULE, "b")
    assert step.waiting == (("a", NOW + timedelta(minutes=5)),)
    # the wait over: the retake of the earlier module comes first again
    reopened = Standing("a", ModuleStatus.LESSONS_DONE, QuizStatus(attempts_used=1, score=40), None)
    step = continue_step([reopened, Standing("b")])
    assert (step.kind, step.slug) == (StepKind.RETAKE, "a")


def test_when_only_waiting_retakes_are_left_the_soonest_is_shown_with_its_time():
    step = continue_step([waiting("a", 9), passed("b"), waiting("c", 3)])
    assert (step.kind, step.slug, step.opens_at) == (StepKind.WAIT, "c", NOW + timedelta(minutes=3))


def test_every_attempt_used_means_asking_the_instructor():
    used_up = QuizStatus(attempts_used=3, attempts_allowed=3, blocked=Blocked.NO_ATTEMPTS_LEFT)
    step = continue_step([passed("a"), Standing("b", ModuleStatus.LESSONS_DONE, used_up, None)])
    assert (step.kind, step.slug) == (StepKind.ASK_INSTRUCTOR, "b")


def test_a_due_refresher_comes_before_new_modules():
    refresher = Standing("a", ModuleStatus.PASSED, QuizStatus(passed=True), None, refresher_due=True)
    step = continue_step([refresher, Standing("b")])
    assert (step.kind, step.slug) == (StepKind.REFRESHER, "a")


def test_everything_passed_leads_to_the_certificate_or_to_confirming_the_email():
    assert continue_step([passed("a"), passed("b")]).kind is StepKind.CERTIFICATE
    assert continue_step([passed("a"), passed("b")], email_confirmed=False).kind is StepKind.CONFIRM_EMAIL


def test_a_finisher_whose_email_waits_is_told_so_whatever_the_step():
    """Issue 24, T7: a refresher due comes first, and still the step says the certificate waits for the email."""
    due = Standing("b", ModuleStatus.PASSED, passed("b").quiz, None, refresher_due=True)
    step = continue_step([passed("a"), due], email_confirmed=False)
    assert (step.kind, step.confirm_email) == (StepKind.REFRESHER, True)
    assert continue_step([passed("a"), due]).confirm_email is False
    assert continue_step([passed("a"), Standing("b")], email_confirmed=False).confirm_email is False
