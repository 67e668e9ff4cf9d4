"""Account use cases. Each takes plain values, ends with one commit, and signals failure by exception."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..core.database import lock_for_update
from ..errors import Conflict, CourseError
from ..extensions import db
from .models import ROLES, Role, User, UserSession, new_session_token
from .passwords import hash_password, password_problem, verify_password, waste_a_check


class AccountError(CourseError):
    """An account rule refused the request; the message is safe to show."""


class EmailTaken(AccountError):
    status = 409


class WeakPassword(AccountError):
    pass


class WrongPassword(AccountError):
    pass


class UnknownUser(AccountError):
    status = 404


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(
    email: str,
    display_name: str,
    password: str,
    role: str = Role.TRAINEE,
    must_change: bool = False,
    then: Callable[[User], object] | None = None,
) -> User:
    """A new account. `then` adds to the same transaction once the account has its id (enrolment puts
    the trainee in the cohort of their join code), so there is never an account without its membership."""
    email = normalise_email(email)
    problem = password_problem(password, email)
    if problem:
        raise WeakPassword(problem)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Use one of: {', '.join(ROLES)}.")
    if find_user(email) is not None:  # before the (deliberately slow) hash, not after it
        raise EmailTaken("An account with this email already exists. Log in instead.")
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role,
        must_change_password=must_change,
    )
    db.session.add(user)
    try:
        if then is not None:
            db.session.flush()
            then(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken("An account with this email already exists. Log in instead.") from None
    return user


def keep_an_active_admin(user: User) -> None:
    """Refuse to demote, deactivate or erase the last active admin: no one could run the course after it.

    Two admins demoting (or deactivating, or erasing) each other at the same moment must not both see
    the other one as the admin who stays: the admins are counted inside the transaction that makes the
    change, after locking their rows (`database.lock_for_update`), and the caller's commit releases them.
    """
    if user.role != Role.ADMIN or not user.active:
        return
    active_admin = (User.role == Role.ADMIN, User.active.is_(True))
    lock_for_update(User, *active_admin)
    if db.session.scalar(select(User.id).where(*active_admin, User.id != user.id).limit(1)) is None:
        raise Conflict("This is the last active admin. Make another account admin first.")


def end_all_sessions(user: User) -> None:
    """End every session of this account (the caller commits): its session rows go, and a new token in
    the log-in cookie's user id refuses any cookie made before."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = new_session_token()


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        waste_a_check(password)
        return None
    return user if verify_password(user.password_hash, password) else None


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise WrongPassword("Your current password is not correct.")
    problem = password_problem(new, user.email)
    if problem:
        raise WeakPassword(problem)
    if verify_password(user.password_hash, new):
        raise WeakPassword("Choose a password different from the current one.")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_token = new_session_token()  # the view keeps this session and ends the others
    db.session.commit()


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def ensure_admin(email: str) -> tuple[User, str] | None:
    """Create the first admin with a random one-time password, if there is no admin yet."""
    if db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)):
        return None
    password = secrets.token_urlsafe(12)
    return register(email, "Administrator", password, role=Role.ADMIN, must_change=True), password
