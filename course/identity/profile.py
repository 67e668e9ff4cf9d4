"""Who someone is: a confirmed email, a forgotten password, a display name, the reminders they want.

Plain values in, one commit out; the views send the messages after the commit.
"""

from __future__ import annotations

from datetime import datetime

from ..clock import utcnow
from ..core import signals
from ..extensions import db
from . import tokens
from .models import NAME_MAX, User
from .passwords import hash_password, password_problem
from .services import AccountError, WeakPassword, end_all_sessions, find_user


def _verification_state(user: User) -> tuple:
    return (user.email, user.email_verified_at is not None)


def _reset_state(user: User) -> tuple:
    return (user.email, user.password_hash)


def verification_token(secret: str, user: User) -> str:
    return tokens.make(secret, "verify-email", user.id, *_verification_state(user))


def reset_token(secret: str, user: User) -> str:
    return tokens.make(secret, "reset-password", user.id, *_reset_state(user))


def unsubscribe_token(secret: str, user: User) -> str:
    return tokens.make(secret, "unsubscribe", user.id, user.email)


def _user_for(secret: str, purpose: str, token: str, max_age: int | None, state) -> User:
    user_id, print_ = tokens.read(secret, purpose, token, max_age)
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None or tokens.fingerprint(*state(user)) != print_:
        raise tokens.InvalidLink(tokens.USED)
    return user


def confirm_email(secret: str, token: str, max_age: int, now: datetime | None = None) -> User:
    """Confirm the address the link was sent to. Opening the same link again once it is confirmed is
    harmless and says so, rather than "this link does not work"."""
    try:
        user = _user_for(secret, "verify-email", token, max_age, _verification_state)
    except tokens.InvalidLink:
        user_id, print_ = tokens.read(secret, "verify-email", token, max_age)
        user = db.session.get(User, user_id)
        if user is None or user.deleted_at is not None or tokens.fingerprint(user.email, False) != print_:
            raise
        if user.email_verified_at is None:
            raise
        return user  # this very address, confirmed already
    user.email_verified_at = now or utcnow()
    db.session.commit()
    return user


def check_reset_token(secret: str, token: str, max_age: int) -> User:
    return _user_for(secret, "reset-password", token, max_age, _reset_state)


def reset_password(secret: str, token: str, max_age: int, password: str, now: datetime | None = None) -> User:
    """A new password from a reset link: the link dies with the old hash, and every session ends."""
    user = check_reset_token(secret, token, max_age)
    problem = password_problem(password, user.email)
    if problem:
        raise WeakPassword(problem)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    if user.email_verified_at is None:
        user.email_verified_at = now or utcnow()  # the link reached this address
    end_all_sessions(user)
    db.session.commit()
    return user


def user_for_reset(email: str) -> User | None:
    """The account a reset link may be sent to: an existing, not erased account with this email."""
    user = find_user(email)
    return user if user is not None and user.deleted_at is None else None


def unsubscribe(secret: str, token: str) -> User:
    user = _user_for(secret, "unsubscribe", token, None, lambda u: (u.email,))
    user.wants_reminders = False
    db.session.commit()
    return user


def update_profile(
    user: User, display_name: str, wants_reminders: bool, time_zone: str | None = None, now: datetime | None = None
) -> bool:
    """Change the display name, the reminder choice and the time zone (None or empty: UTC); True when the
    name changed. Whoever keeps the name elsewhere (the certificate) hears of it before the one commit, so
    the name never differs between them."""
    now = now or utcnow()
    name = display_name.strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError(f"Give a name of 1 to {NAME_MAX} characters.")
    changed = name != user.display_name
    if changed:
        signals.display_name_changing.send(user, old=user.display_name, new=name, now=now)
        user.display_name = name
    user.wants_reminders = wants_reminders
    user.time_zone = time_zone or None
    db.session.commit()
    return changed
