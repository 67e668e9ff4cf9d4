"""What a trainee has read, the certificate they earned, and the reminders they were sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LessonProgress(db.Model):
    """One row per trainee and lesson page: opened (started) and, once they press the button, completed."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "page_anchor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    page_anchor: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime]
    last_viewed_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class Certificate(db.Model):
    """Issued when every module is passed, and again at each renewal; the name and scores are kept as
    they were that day.

    A trainee's certificates form a history: the newest is the one in force (`current_of` holds the
    trainee's id, unique, so there is never a second), and each older one names the one that replaced
    it, so its code still verifies, as superseded. Whether one is current or expired is derived from
    `valid_until` and today, never stored.
    """

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    current_of: Mapped[int | None] = mapped_column(unique=True)  # user_id while in force, NULL once superseded
    code: Mapped[str] = mapped_column(String(32), unique=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime]
    completed_at: Mapped[datetime]  # when the last required module was passed (or renewed): its date
    valid_until: Mapped[datetime | None]  # None: it never expires
    scores: Mapped[list] = mapped_column(db.JSON)  # [{"module", "title", "score"}] at issue time
    course_version: Mapped[str | None] = mapped_column(String(20))  # course.yaml's version at issue time
    revoked_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))


class ModuleSummary(db.Model):
    """Where one trainee stands in one module, kept up to date by every learner write.

    Derived data, kept on purpose: the instructor's matrix sorts and filters 10,000 trainees by it, and
    recomputing every trainee's status from raw rows on each page view would not stay fast. The learner
    services update it in the same transaction as the change it reflects; `flask summaries rebuild`
    recomputes it from the raw rows.
    """

    __tablename__ = "module_summary"
    # Two covering indexes, so the matrix reads its aggregates from an index alone: per trainee (totals,
    # worst failures, last activity) and per module (the cohort at a glance).
    __table_args__ = (
        UniqueConstraint("user_id", "module_slug"),
        Index(
            "ix_module_summary_trainee_totals", "user_id", "passed", "pages_done", "failed_attempts", "last_activity_at"
        ),
        Index("ix_module_summary_module_counts", "module_slug", "passed", "pages_done", "attempts", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    pages_done: Mapped[int] = mapped_column(default=0)
    lessons_done: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(default=0)  # counted (not practice, not reset) attempts
    failed_attempts: Mapped[int] = mapped_column(default=0)
    score: Mapped[float | None]  # the module score under the quiz's grading method
    passed: Mapped[bool] = mapped_column(default=False)
    last_activity_at: Mapped[datetime] = mapped_column(index=True)


class TraineeTotals(db.Model):
    """One trainee's `ModuleSummary` rows added up: rolled up in the same statement sequence as every change
    to them (`quizzes.summary.save`), so the matrix orders 10,000 trainees by reading 10,000 rows instead
    of adding up 120,000 on every page (benchmarks/README.md); `flask summaries rebuild` recomputes it."""

    __tablename__ = "trainee_totals"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    pages_done: Mapped[int]
    passed: Mapped[int]  # modules passed
    last_activity_at: Mapped[datetime]
    worst_fails: Mapped[int]  # the most failed attempts at one module not passed yet


class ReminderSent(db.Model):
    """One reminder of one kind for one period (an inactivity spell, an open attempt): never sent twice."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(40))
    sent_at: Mapped[datetime]
