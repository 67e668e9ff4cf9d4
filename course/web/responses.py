"""Small helpers shared by the views of every area."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, g, redirect, render_template, request, session
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from ..content.model import Module
from ..core.catalog import get_catalog
from ..errors import CourseError


def module_or_404(slug: str) -> Module:
    module = get_catalog().module(slug)
    if module is None:
        abort(404)
    return module


def refuse(error: CourseError, template: str = "message.html", back: str | None = None, **context):
    """Show a rule's refusal in the site layout with its status code, or flash it and go back."""
    if back is not None:
        flash(error.message, "error")
        return redirect(back), 303
    return render_template(template, title="Not possible", message=error.message, **context), error.status


# Where the CSRF token goes in a page rendered once for every anonymous visitor; filled per request.
_TOKEN_SLOT = f"csrf-token-slot-{secrets.token_hex(16)}"


def render_for_anonymous(template: str, form_class: type[FlaskForm] | None = None, **context) -> str:
    """A page that is the same for every anonymous visitor with no message waiting (the content is read
    once at start-up), rendered once per worker process; everyone else gets it rendered afresh.

    A page with a form (`form_class`, made only when the page is rendered) is kept with a slot where the
    CSRF token goes, and each visitor's own token is put in on every request."""
    if current_user.is_authenticated or "_flashes" in session:
        return render_template(template, **context, **({"form": form_class()} if form_class else {}))
    cache = current_app.extensions.setdefault("anonymous_pages", {})
    key = (template, request.script_root)
    if key not in cache:
        own = g.pop("csrf_token", None)
        g.csrf_token = _TOKEN_SLOT  # Flask-WTF hands out the token on `g` for this request
        try:
            cache[key] = render_template(template, **context, **({"form": form_class()} if form_class else {}))
        finally:
            g.pop("csrf_token")
            if own is not None:
                g.csrf_token = own
    page = cache[key]
    return page.replace(_TOKEN_SLOT, generate_csrf()) if form_class else page
