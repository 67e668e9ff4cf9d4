"""Log-in plumbing: loading the user from the cookie, role checks, and the forced password change."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import login_manager
from . import sessions
from .models import User

PASSWORD_CHANGE_EXEMPT = {"accounts.change_password", "accounts.logout", "static"}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    ident, _, token = user_id.partition(":")
    if not ident.isdigit():
        return None
    return sessions.load(int(ident), token)


def require_role(*roles: str) -> Callable:
    """Staff pages: anonymous visitors are sent to log in, others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def enforce_password_change():
    """An account made with a one-time password must choose its own before doing anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in PASSWORD_CHANGE_EXEMPT
    ):
        flash("Choose a new password before you continue.", "warning")
        return redirect(url_for("accounts.change_password"))
    return None


def session_ends_in_header(response):
    """Tells the scripts how long this session has left after every signed-in request, the background
    ones too (an autosave starts the idle clock again as any request does)."""
    left = sessions.seconds_left()
    if left is not None:
        response.headers["X-Session-Ends-In"] = str(left)
    return response


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Log in to see this page."
    login_manager.login_message_category = "info"
    app.before_request(enforce_password_change)
    app.after_request(session_ends_in_header)
    app.jinja_env.globals["session_seconds_left"] = sessions.seconds_left
