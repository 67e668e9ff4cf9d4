"""Site-wide HTTP behaviour: error pages in the site layout, security headers, template helpers."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import observability
from .catalog import get_catalog
from .extensions import db

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. The course home lists every module."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many attempts in a short time. Wait a minute, then try again."),
    500: ("Something went wrong", "The server could not complete the request. Your saved work is safe; try again."),
}

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _error_page(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", title=title, message=detail or message, status=status), status


def _handle_http(error: HTTPException):
    if error.code == 500:
        return _server_error_page()
    if error.code == 429:
        return _error_page(429, "Too many failed log-in attempts from your address. Wait a minute, then try again.")
    if error.code in MESSAGES:
        return _error_page(error.code)
    return error


def _handle_csrf(error: CSRFError):
    return _error_page(400, "This form has expired or did not come from this site. Reload the page and send it again.")


# -- reliability (issue 11): the 500 page, which must show even when the database is what failed --
def _server_error_page():
    """Rendered straight from the template, without the context processors: Flask-Login's would load
    the current user, through the very database that may have just failed. The session is rolled
    back first, so the request's teardown and logging start clean."""
    try:
        db.session.rollback()
    except Exception:  # a dead connection: nothing to roll back
        observability.error_log.warning("Rollback after an error failed", exc_info=True)
    title, message = MESSAGES[500]
    template = current_app.jinja_env.get_template("server_error.html")
    return template.render(title=title, message=message, request_id=observability.request_id()), 500


def _handle_unexpected(error: Exception):
    observability.log_unhandled(error)
    return _server_error_page()


# -- end --


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint and request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(CSRFError, _handle_csrf)
    if app.config["PRODUCTION"]:
        app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(_security_headers)
    app.jinja_env.globals["catalog"] = get_catalog
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
