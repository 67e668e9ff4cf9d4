"""The tables of staying current: each module's certification period, the refresher schedule of each
objective, and the refreshers with their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ModuleCertification(db.Model):
    """One trainee's current period in one module: from the pass (or renewal) that started it to its
    expiry. `lapsed_at` is set when the refreshers were not kept up, and cleared by the next renewal."""

    __tablename__ = "module_certification"
    __table_args__ = (UniqueConstraint("user_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    certified_at: Mapped[datetime]
    valid_until: Mapped[datetime | None] = mapped_column(index=True)  # None: never expires
    lapsed_at: Mapped[datetime | None]
    renewals: Mapped[int] = mapped_column(default=0)


class RefresherCard(db.Model):
    """The spaced-repetition state of one objective of one module for one trainee (an FSRS card)."""

    __tablename__ = "refresher_card"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "objective"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(80))
    objective: Mapped[int]
    card: Mapped[dict] = mapped_column(db.JSON)  # fsrs.Card.to_dict()
    due_at: Mapped[datetime] = mapped_column(index=True)
    reviewed_at: Mapped[datetime]


class Refresher(db.Model):
    """A few questions offered when objectives are due; `open_of` holds the trainee's id while it is
    open, unique, so there is one open refresher per trainee whatever the double clicks."""

    __tablename__ = "refresher"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    open_of: Mapped[int | None] = mapped_column(unique=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class RefresherItem(db.Model):
    """One served question of a refresher: its snapshot, the answer, its mark, and how long after the
    pass it was answered (what the retention chart counts)."""

    __tablename__ = "refresher_item"
    __table_args__ = (
        UniqueConstraint("refresher_id", "position"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_in_range"),
        Index("ix_refresher_item_user_answered", "user_id", "answered_at"),
        Index("ix_refresher_item_objective", "module_slug", "objective"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refresher_id: Mapped[int] = mapped_column(ForeignKey("refresher.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    position: Mapped[int]
    module_slug: Mapped[str] = mapped_column(String(80))
    objective: Mapped[int]
    question_id: Mapped[str] = mapped_column(String(80))
    snapshot: Mapped[dict] = mapped_column(db.JSON)
    response: Mapped[dict | None] = mapped_column(db.JSON)
    score: Mapped[float | None]
    answered_at: Mapped[datetime | None]
    days_since_pass: Mapped[int | None]
