"""Admin → LTI (`/admin/lti`): register an LMS platform and its deployments, remove them. Admins only."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..clock import utcnow
from ..errors import CourseError
from ..identity.auth import require_role
from ..identity.models import Role
from . import keys, platforms

bp = Blueprint("lti_admin", __name__, url_prefix="/admin/lti")
FIELDS = ("name", "issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url")


@bp.before_request
@require_role(Role.ADMIN)
def _admins_only():
    return None


def _page(values: dict | None = None, status: int = 200):
    base = (current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
    tool = {
        "login": base + url_for("lti.login"),
        "launch": base + url_for("lti.launch_view"),
        "jwks": base + url_for("lti.jwks"),
        "deep_link": base + url_for("lti.launch_view"),
    }
    kids = [k.kid for k in keys.keys(current_app.config["LTI_KEY_DIR"])]
    return (
        render_template(
            "lti/admin.html", registered=platforms.list_platforms(), values=values or {}, tool=tool, kids=kids
        ),
        status,
    )


@bp.get("/")
def index():
    return _page()


@bp.post("/")
def add():
    form = request.form
    values = {name: form.get(name, "")[:500] for name in (*FIELDS, "deployment_ids")}
    fields = platforms.PlatformFields(*(values[name] for name in FIELDS))
    deployments = values["deployment_ids"].replace(",", "\n").splitlines()
    if not [d for d in deployments if d.strip()]:
        flash("Give at least one deployment id: the LMS shows it on the tool's page.", "error")
        return _page(values, 400)
    try:
        platform = platforms.add_platform(fields, deployments, utcnow(), current_app.config["LTI_ALLOW_HTTP"])
    except CourseError as error:
        flash(error.message, "error")
        return _page(values, error.status)
    flash(f"Registered {platform.name}.", "info")
    return redirect(url_for("lti_admin.index"), 303)


@bp.post("/<int:platform_id>/remove")
def remove(platform_id: int):
    deployment = request.form.get("deployment_id") or None
    try:
        platforms.remove(platform_id, deployment)
    except CourseError as error:
        flash(error.message, "error")
    else:
        flash("Removed.", "info")
    return redirect(url_for("lti_admin.index"), 303)
