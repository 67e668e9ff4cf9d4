"""What a trainee has read, and the certificate they earned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
    """Issued once, when every module is passed. The name and scores are kept as they were that day."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    holder_name: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime]
    scores: Mapped[list] = mapped_column(db.JSON)  # [{"module", "title", "score"}] at issue time
    revoked_at: Mapped[datetime | None]
