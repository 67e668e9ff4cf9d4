"""Server-side sessions: every log-in is a `UserSession` row, and the signed cookie only points at it.

A Flask session is a signed cookie that stays valid until it expires, whatever the server does: a cookie
copied before logging out kept working. Now the cookie holds a random token (`sid`, 256 bits from
`secrets`), and the user loader accepts it only while its row exists and is neither idle for longer than
SESSION_IDLE_MINUTES nor older than SESSION_MAX_DAYS (ASVS 5.0 7.3.1, 7.3.2, 7.4.1, 7.4.3).

Flask-Login's remember-me cookie is never set by this app; should one be presented anyway, the loader
finds no `sid` in the session and the visitor stays anonymous, so it cannot outlive a session.

Log-in and log-out also empty the Flask session, so the CSRF token changes at both (ASVS 7.2.4).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, delete, or_, select, update

from .. import clock
from ..extensions import db
from . import signed_in
from .models import User, UserSession

SESSION_KEY = "sid"
SIGNED_OUT = "signed_out"  # left in the emptied cookie session at log-out: a stale form can then say why
TOUCH_SECONDS = 60  # last_seen_at is written at most once a minute per session, not on every request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(minutes=config["SESSION_IDLE_MINUTES"]), timedelta(days=config["SESSION_MAX_DAYS"])


def _expired():
    idle, lifetime = _limits()
    now = clock.utcnow()
    return or_(UserSession.last_seen_at < now - idle, UserSession.created_at < now - lifetime)


def _fresh_flask_session() -> None:
    """Empty the cookie session, and with it the CSRF token (Flask-WTF also caches it on `g`)."""
    session.clear()
    g.pop("csrf_token", None)


def current_id() -> str | None:
    token = session.get(SESSION_KEY)
    return _digest(token) if isinstance(token, str) else None


def begin(user: User) -> None:
    """Log `user` in on a new session row, in a new cookie session (no fixation, a new CSRF token)."""
    now = clock.utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, _expired()))
    db.session.add(
        UserSession(
            id=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=(request.remote_addr or "")[:45],
            user_agent=request.headers.get("User-Agent", "")[:255],
        )
    )
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
    db.session.commit()
    _fresh_flask_session()
    session[SESSION_KEY] = token
    login_user(user)


def end() -> None:
    """Log out: the row goes, so a copy of this cookie is worth nothing."""
    sid = current_id()
    if sid is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == sid))
        db.session.commit()
    logout_user()
    _fresh_flask_session()
    session[SIGNED_OUT] = True


def end_others(user_id: int) -> int:
    """End every session of this user but the current one; returns how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    sid = current_id()
    if sid is not None:
        query = query.where(UserSession.id != sid)
    ended = db.session.execute(query).rowcount
    db.session.commit()
    return ended


def active(user_id: int) -> list[UserSession]:
    idle, lifetime = _limits()
    now = clock.utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.last_seen_at >= now - idle,
                UserSession.created_at >= now - lifetime,
            )
            .order_by(UserSession.last_seen_at.desc())
        )
    )


# Built once: composing a statement costs more CPU than running this one, and every request runs it.
# Plain columns (Core), not ORM entities: see signed_in.py.
_users, _sessions = User.__table__, UserSession.__table__
_USER_AND_SESSION = (
    select(*signed_in.COLUMNS, _sessions.c.created_at.label("session_created_at"), _sessions.c.last_seen_at)
    .join(_sessions, _sessions.c.user_id == _users.c.id)
    .where(_users.c.id == bindparam("user_id"), _sessions.c.id == bindparam("sid"))
)


def load(user_id: int, user_token: str) -> signed_in.SignedInUser | None:
    """For the user loader: the user and this cookie's session row in one query (so a page costs no
    more statements than before), the user only while the row is alive."""
    sid = current_id()
    if sid is None:
        return None
    found = db.session.execute(_USER_AND_SESSION, {"user_id": user_id, "sid": sid}).first()
    if found is None:
        return None
    created_at, last_seen_at = found.session_created_at, found.last_seen_at
    user = signed_in.SignedInUser(found)
    if user.session_token != user_token:
        return None
    idle, lifetime = _limits()
    now = clock.utcnow()
    if now - last_seen_at > idle or now - created_at > lifetime:
        db.session.execute(delete(UserSession).where(UserSession.id == sid))
        db.session.commit()
        return None
    if (now - last_seen_at).total_seconds() > TOUCH_SECONDS:
        db.session.execute(update(UserSession).where(UserSession.id == sid).values(last_seen_at=now))
        db.session.commit()
        last_seen_at = now
    g.session_lifetime_ends_at = created_at + lifetime
    g.session_ends_at = min(last_seen_at + idle, g.session_lifetime_ends_at)
    return user


def touch() -> int:
    """Start this session's idle clock again now (the time-out warning's button); the seconds left."""
    now = clock.utcnow()
    db.session.execute(update(UserSession).where(UserSession.id == current_id()).values(last_seen_at=now))
    db.session.commit()
    g.session_ends_at = min(now + _limits()[0], g.session_lifetime_ends_at)
    return seconds_left() or 0


def seconds_left() -> int | None:
    """Seconds until this request's session ends if nothing else is sent (None when nobody is signed in):
    the pages tell static/session.js, which warns before the end (WCAG 2.2.1)."""
    ends_at = g.get("session_ends_at")
    return None if ends_at is None else max(0, int((ends_at - clock.utcnow()).total_seconds()))
