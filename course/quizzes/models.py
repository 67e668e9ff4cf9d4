"""Quiz attempts and the questions each one served.

Every attempt keeps a snapshot of its questions exactly as served (text, options in order, the right
answer, the explanation), so a quiz file can be edited later without changing anyone's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "module_slug", "number"),
        # `open_module` holds the module slug while the attempt is open and NULL after submission, so this
        # constraint allows at most one open attempt per trainee and quiz, on SQLite and PostgreSQL alike.
        UniqueConstraint("user_id", "open_module"),
        CheckConstraint("status IN ('open', 'submitted')", name="status_known"),
        CheckConstraint("(status = 'open') = (open_module IS NOT NULL)", name="open_module_iff_open"),
        CheckConstraint("score >= 0 AND score <= max_score", name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    number: Mapped[int]
    quiz_version: Mapped[str] = mapped_column(String(20))
    # The course version (course.yaml) the attempt was taken under; NULL for attempts from before versions
    # were recorded. A pass under an older version is what "what changed since you passed" compares.
    course_version: Mapped[str | None] = mapped_column(String(20))
    pass_mark: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="open")
    open_module: Mapped[str | None] = mapped_column(String(80))
    practice: Mapped[bool] = mapped_column(default=False)  # started after the module was already passed
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float] = mapped_column(default=0.0)  # marks earned
    max_score: Mapped[float]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    # When the trainee was first shown this attempt's right answers (the review policy allowed it then);
    # retakes avoid its questions while the pool has others.
    revealed_at: Mapped[datetime | None]

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class AttemptItem(db.Model):
    """One served question of an attempt: its snapshot, the trainee's response, and its mark."""

    __tablename__ = "attempt_item"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(80), index=True)
    theme: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict] = mapped_column(db.JSON)
    response: Mapped[dict | None] = mapped_column(db.JSON)
    answered_at: Mapped[datetime | None]
    score: Mapped[float | None]
    # Drawn although its answer had been revealed: every question on its objective had been.
    pool_exhausted: Mapped[bool] = mapped_column(default=False, server_default=false())

    attempt: Mapped[QuizAttempt] = relationship(back_populates="items", lazy="raise")


class QuizAllowance(db.Model):
    """An instructor's adjustments of one trainee's quiz rules; every change is also an AuditEvent."""

    __tablename__ = "quiz_allowance"
    __table_args__ = (UniqueConstraint("user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    extra_attempts: Mapped[int] = mapped_column(default=0)
    wait_waived_after: Mapped[int] = mapped_column(default=0)
    reset_after: Mapped[int] = mapped_column(default=0)
