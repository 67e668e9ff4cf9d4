"""Identity: who someone is, what they may do, and where they are signed in."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, func, true
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Role(StrEnum):
    """What an account may do; stored as its value, so it compares equal to the plain string."""

    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


ROLES = tuple(role.value for role in Role)
EMAIL_MAX, NAME_MAX, PASSWORD_MIN, PASSWORD_MAX = 254, 80, 12, 128
TIME_ZONE_MAX = 64


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.TRAINEE.value)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of the log-in cookie: changing it (on a password change) signs out every other session.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # A deactivated account cannot log in; its records stay (issue 13).
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    email_verified_at: Mapped[datetime | None]
    wants_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set when the account's personal data was erased (the row stays, anonymised, for the statistics).
    deleted_at: Mapped[datetime | None]
    # An IANA zone name ("Europe/Berlin") the pages show times in; None: UTC (issue 24).
    time_zone: Mapped[str | None] = mapped_column(String(TIME_ZONE_MAX))
    # When this account last logged in (any way: password, link, invitation, LTI); None: never. Session rows
    # go at log-out, so they cannot say it (issue 24, A4: the admin's account list shows it).
    last_login_at: Mapped[datetime | None]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    @property
    def home_endpoint(self) -> str:
        """Where this person lands after logging in: admins on the admin console, instructors on their
        cohorts' overview, trainees on their own progress (an endpoint name, so identity imports no page)."""
        homes = {Role.ADMIN: "admin.users", Role.INSTRUCTOR: "instructor.matrix_view"}
        return homes.get(self.role, "learning.dashboard")


class UserSession(db.Model):
    """One log-in: the signed cookie carries a random token, this row its SHA-256. Logging out, a password
    change, "end my other sessions", the idle timeout and the absolute lifetime delete rows, and a cookie
    whose row is gone is anonymous, however validly signed."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # hex SHA-256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(255))
