"""What a request meets when its session has ended (the idle time-out, a log-out in another tab, a
password changed elsewhere), so that nothing is lost and nothing is claimed that did not happen.

Accessibility audit 2026-12, F1 and F2: the autosave script followed the redirect to the log-in page,
took its 200 for success and announced "Answer saved."; a form sent after the time-out lost what was
typed, and logging in again sent the browser to the POST-only address (405).

- A background request (the autosave and stay-logged-in scripts send `Accept: application/json`) gets
  401 JSON with a reason, never a redirect.
- A form sent with a valid CSRF token after the idle time-out is kept in the (signed) cookie session,
  for the same account only and without passwords or files, when it is small; after the log-in the
  person sees it and sends it again with one button (never sent by itself: a form is only ever sent
  by its owner's own press). The page says plainly whether it was kept.
- The log-in then returns to the page that held the form (the same-origin Referer), never to the
  POST-only address.
- A form whose session was emptied (logged out in another tab) fails its CSRF check: it is not kept,
  since its origin cannot be told, and the log-in page says it was NOT saved.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_url
from flask_wtf.csrf import CSRFError

from .. import web
from ..extensions import login_manager
from ..web.redirects import safe_next
from .sessions import SIGNED_OUT

KEPT = "kept_form"
KEPT_MAX_BYTES = 2000  # a cookie holds about 4 kB in all
SECRET_FIELDS = {"csrf_token", "password", "current", "confirm"}
LOGGED_OUT = "You have been logged out (after a time without activity, or from another tab or device)"
ANSWER_NOT_SAVED = (
    f"Not saved: {LOGGED_OUT.lower()}. Your choice is still on this page. Log in again in a new tab, "
    "then come back here and try again."
)


STALE_PAGE = (
    "Not saved: this page is older than your current log-in. Your choice is still on this page: "
    "try again, or reload the page and choose again."
)


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _user_id_in_cookie() -> str | None:
    """Flask-Login's id of the account the cookie was signed in as ("id:token"), if it still says one."""
    value = session.get("_user_id")
    return value.partition(":")[0] if isinstance(value, str) else None


def _page_it_came_from() -> str:
    """The page that held the form (same-origin Referer), or the dashboard: never the POST address."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return url_for("learning.dashboard")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path or None, url_for("learning.dashboard"))


def _keep_form() -> bool:
    if request.files or (request.content_length or 0) > KEPT_MAX_BYTES:
        return False
    user_id = _user_id_in_cookie()
    if user_id is None:
        return False
    fields = [[name, value] for name, value in request.form.items(multi=True) if name not in SECRET_FIELDS]
    session[KEPT] = {"user": user_id, "action": request.path, "back": _page_it_came_from(), "fields": fields}
    return True


def take_kept(user_id: int) -> dict | None:
    """The form kept for this account (removed from the session), or None."""
    kept = session.pop(KEPT, None)
    if isinstance(kept, dict) and kept.get("user") == str(user_id):
        return kept
    return None


def ended(may_keep: bool = True):
    """The answer to a request whose session has ended. `may_keep`: the form passed its CSRF check (the
    session's row ended, its cookie did not), so it may be kept for the log-in."""
    back = _page_it_came_from() if request.method != "GET" else request.full_path.rstrip("?")
    if wants_json():
        login = login_url("accounts.login", back)
        return jsonify(saved=False, reason="logged-out", message=ANSWER_NOT_SAVED, login_url=login), 401
    if request.method == "GET":
        flash(login_manager.login_message, login_manager.login_message_category)
    elif may_keep and _keep_form():
        flash(
            f"{LOGGED_OUT}, so what you sent was NOT saved yet. It is kept: log in and you can send it again.",
            "warning",
        )
    else:
        flash(f"{LOGGED_OUT}, so what you sent was NOT saved. Log in, then send it again.", "warning")
    return redirect(login_url("accounts.login", back))


def _csrf_failed(error: CSRFError):
    """A form whose token does not match: after a log-out in another tab (the cookie says so), the same
    answer as for an ended session, without keeping the form; after logging in again elsewhere (the
    page's token is older than the session), a reason the autosave script can show; else the site's page."""
    if session.get(SIGNED_OUT) and not current_user.is_authenticated:
        return ended(may_keep=False)
    if wants_json():
        return jsonify(saved=False, reason="stale-page", message=STALE_PAGE), 400
    return web.csrf_error_page(error)


def duration(seconds: int) -> str:
    """'2 hours', '3 minutes', '30 seconds': the time-out and its warning, as the log-in page states them."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def init_app(app) -> None:
    """After web.init_app: this CSRF handler replaces the site's own and falls back to it."""
    app.jinja_env.filters["duration"] = duration
    login_manager.unauthorized_handler(ended)
    app.register_error_handler(CSRFError, _csrf_failed)
