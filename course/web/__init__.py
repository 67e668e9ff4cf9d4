"""Site-wide HTTP behaviour: error pages in the site layout, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import nh3
import sqlalchemy.exc
from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from ..clock import utcnow
from ..config import PROJECT_ROOT
from ..core import observability
from ..core.catalog import get_catalog
from ..extensions import db
from . import charts, devices, inputs, overrides, times
from .app import module_links

ACCESSIBILITY_STATEMENT = PROJECT_ROOT / "ACCESSIBILITY.md"

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back, reload the page and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is no page at this address. The course home lists every module."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many requests of this kind in a short time. Wait a while, then try again."),
    500: ("Something went wrong", "The server could not complete the request. Your saved work is safe; try again."),
    503: (
        "Temporarily unavailable",
        "The course's database is not answering just now, so what you sent this time was not saved. Everything "
        "saved before is safe. Wait a minute, then try again.",
    ),
}
RETRY_AFTER_SECONDS = 5

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def _error_page(status: int, detail: str | None = None, headers=None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no links can be built, plain text
        return f"{title}. {detail or message}\n", status, {**dict(headers or {}), "Content-Type": "text/plain"}
    page = render_template("error.html", title=title, message=detail or message, status=status)
    return page, status, headers or {}


def _handle_http(error: HTTPException):
    if error.code == 500:
        return _server_error_page()
    # The exception's own headers (Allow on a 405, Retry-After on a 429) go out with the site's page.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if error.code == 429:
        login_message = "Too many failed log-in attempts from your address. Wait a minute, then try again."
        detail = getattr(error, "message", None) or (login_message if request.endpoint == "accounts.login" else None)
        return _error_page(429, detail, headers)
    if error.code == 400 and getattr(error, "show_description", False):
        return _error_page(400, error.description, headers)
    if error.code in MESSAGES:
        return _error_page(error.code, headers=headers)
    return error


def csrf_error_page(error: CSRFError):
    return _error_page(400, "This form has expired or did not come from this site. Reload the page and send it again.")


# -- reliability (issue 11): the 500 page, which must show even when the database is what failed --
def _server_error_page(status: int = 500, headers=None):
    """Rendered straight from the template, without the context processors: Flask-Login's would load
    the current user, through the very database that may have just failed. The session is rolled
    back first, so the request's teardown and logging start clean."""
    try:
        db.session.rollback()
    except Exception:  # a dead connection: nothing to roll back
        observability.error_log.warning("Rollback after an error failed", exc_info=True)
    title, message = MESSAGES[status]
    reference = observability.request_id()
    headers = dict(headers or {})
    if request_ctx.url_adapter is None:  # a Host outside TRUSTED_HOSTS: no links can be built, plain text
        return f"{title}. {message} Reference: {reference}\n", status, {**headers, "Content-Type": "text/plain"}
    template = current_app.jinja_env.get_template("server_error.html")
    return template.render(title=title, message=message, request_id=reference), status, headers


def _handle_unexpected(error: Exception):
    observability.log_unhandled(error)
    return _server_error_page()


def _handle_database_unavailable(error: Exception):
    """A database that refuses, stalls past its limits (core/stall.py), is locked or full, or a pool with
    no free connection: a fault that passes, so 503 with Retry-After and one log line, in every mode."""
    observability.log_database_unavailable(error)
    return _server_error_page(503, {"Retry-After": str(RETRY_AFTER_SECONDS)})


# -- end --


@cache
def _statement() -> tuple[str, str]:
    """ACCESSIBILITY.md as (title, safe HTML): its `# ` line is the page's h1, its `## ` sections the h2s."""
    title, _, body = ACCESSIBILITY_STATEMENT.read_text(encoding="utf-8").partition("\n")
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(body)
    return title.lstrip("# ").strip(), nh3.clean(html, link_rel="noopener noreferrer")


def score(value: float | None) -> str:
    """A score as a whole percent, or a dash before there is one. A function, not a macro: the dashboard,
    the quiz page and the instructor's matrix print one per row or cell, and a macro call costs several
    times as much."""
    return "–" if value is None else f"{value:.0f}%"


def local_when(moment: datetime | None, relative: bool = False) -> Markup:
    """A moment in the viewer's own time zone as a <time> element (its datetime attribute in UTC), with
    "(in 4 minutes)" after it when asked; static/times.js keeps that phrase true while the page stays open."""
    if moment is None:
        return Markup("–")
    zone_name = getattr(current_user, "time_zone", None) if current_user else None
    stamp = moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    html = f'<time datetime="{stamp}">{escape(times.when_text(moment, zone_name))}</time>'
    if relative:
        html += f' <span class="relative" data-relative-to="{stamp}">({times.relative(moment, utcnow())})</span>'
    return Markup(html)  # noqa: S704 (escaped above; the stamp is digits and separators)


def local_ago(moment: datetime | None) -> Markup:
    """A past moment said briefly ("3 days ago") where space is short, e.g. a matrix row; the full date in
    the viewer's zone is the element's title, the UTC instant its datetime."""
    if moment is None:
        return Markup("never")
    zone_name = getattr(current_user, "time_zone", None) if current_user else None
    stamp = moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    full = escape(times.when_text(moment, zone_name))
    return Markup(f'<time datetime="{stamp}" title="{full}">{escape(times.relative(moment, utcnow()))}</time>')  # noqa: S704


def _accessibility():
    title, html = _statement()
    return render_template("accessibility.html", title=title, statement=html)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def _security_headers(response):
    """Each header unless the view set its own (a figure's CSP, a static file's caching); the names
    present are read once, as a setdefault per header would scan the list each time."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    wanted = [*SECURITY_HEADERS]
    if request.endpoint != "static":  # None too: a 404 or 405 page shows the user's name and a CSRF token
        wanted.append(("Cache-Control", "no-store"))
    if current_app.config["PRODUCTION"]:
        wanted.append(("Strict-Transport-Security", HSTS))
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(CSRFError, csrf_error_page)
    app.register_error_handler(sqlalchemy.exc.OperationalError, _handle_database_unavailable)
    app.register_error_handler(sqlalchemy.exc.TimeoutError, _handle_database_unavailable)
    if app.config["PRODUCTION"]:
        app.register_error_handler(Exception, _handle_unexpected)
    overrides.gate_the_limiter(app)
    app.before_request(inputs.reject_nul)
    app.after_request(_security_headers)
    app.add_url_rule("/accessibility", "accessibility", _accessibility)
    app.jinja_env.globals["catalog"] = get_catalog
    app.jinja_env.globals["charts"] = charts  # pure geometry for templates/_charts.html
    app.jinja_env.globals["module_links"] = module_links
    app.jinja_env.globals["score"] = score
    app.jinja_env.globals["local_when"] = local_when
    app.jinja_env.globals["local_ago"] = local_ago
    app.jinja_env.globals["time_zone_names"] = times.zone_names
    app.jinja_env.filters["device"] = devices.describe
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
