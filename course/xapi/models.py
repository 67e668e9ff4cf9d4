"""The statements waiting to reach the learning record store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StatementOutbox(db.Model):
    """One xAPI statement to send: queued in the transaction that graded the attempt, kept until the LRS
    has taken it (`sent_at`) or refused it for good (`rejected`); retried with backoff meanwhile."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (Index("ix_xapi_outbox_due", "status", "next_try_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)  # the statement's own (uuid5) id
    # whose record it is: erasing the account deletes what was not sent yet (it names them)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)  # the statement, JSON
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | rejected
    created_at: Mapped[datetime]
    next_try_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
