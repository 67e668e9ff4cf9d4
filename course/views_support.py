"""Small helpers shared by the views of every area."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template

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
