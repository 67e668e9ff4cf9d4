"""Small helpers shared by the views of every area."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session
from flask_login import current_user

from .catalog import get_catalog
from .content.model import Module
from .errors import CourseError


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


def render_for_anonymous(template: str, **context) -> str:
    """A page that is the same for every anonymous visitor with no message waiting (the content is read
    once at start-up), rendered once per worker process; everyone else gets it rendered afresh."""
    if current_user.is_authenticated or "_flashes" in session:
        return render_template(template, **context)
    cache = current_app.extensions.setdefault("anonymous_pages", {})
    key = (template, request.script_root)
    if key not in cache:
        cache[key] = render_template(template, **context)
    return cache[key]
