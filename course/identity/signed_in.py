"""The signed-in user as every request sees it: a read-only copy of the account's row.

The user loader runs on every page. Loading the row as an ORM object (identity-mapped, change-tracked)
cost about twice what the same query costs as a plain row, and pages only read the account (its id, name,
role, e-mail). So the loader reads plain columns into a `SignedInUser`, and the few pages that
change the account (profile, password, deletion) load the row itself with `own_record()`.

The password hash is not copied: only the pages that check a password need it, and they load the row.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin, current_user
from sqlalchemy import Row

from ..extensions import db
from .models import User

# The columns copied: every column of `user` but the password hash.
COLUMNS = tuple(c for c in User.__table__.c if c.name != "password_hash")


class SignedInUser(UserMixin):
    __slots__ = tuple(c.name for c in COLUMNS)
    id: int
    email: str
    display_name: str
    role: str
    must_change_password: bool
    session_token: str
    created_at: datetime
    active: bool
    email_verified_at: datetime | None
    wants_reminders: bool
    deleted_at: datetime | None
    time_zone: str | None
    last_login_at: datetime | None

    def __init__(self, row: Row) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, getattr(row, name))

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"the signed-in user is read-only: change the row from own_record(), not {name}")

    def __repr__(self) -> str:
        return f"<SignedInUser {self.id} {self.role}>"

    get_id = User.get_id
    is_active = User.is_active
    email_verified = User.email_verified
    is_staff = User.is_staff
    home_endpoint = User.home_endpoint


def own_record() -> User:
    """The signed-in user's own row, for a page that changes the account (the identity map returns the
    instance already loaded, e.g. right after logging in)."""
    return db.session.get(User, current_user.id)
