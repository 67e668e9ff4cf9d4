"""The tool's endpoints: OIDC login initiation, launch, the public keys, the new-window hand-off, deep
linking, and the instructor's page for grades and rosters.

Every refusal is a 4xx page that says what to tell the LMS administrator, and a line in the `course.lti`
audit log (issuer, client id, deployment, the reason, the library's message); never a 500.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import jwt
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from ..clock import utcnow
from ..core.catalog import get_catalog
from ..errors import CourseError
from ..extensions import csrf
from ..identity import sessions
from ..identity.auth import require_role
from ..identity.models import Role
from . import grades, keys, launch, roster, storage
from .models import LtiPlatform
from .platforms import DatabaseToolConf, find, origin
from .storage import DatabaseLaunchStorage, purge_expired

bp = Blueprint("lti", __name__, url_prefix="/lti")
audit_log = logging.getLogger("course.lti")
HANDOFF_SECONDS = 120
JWT_OPTIONS = {"verify_aud": False, "require": ["exp", "iat"]}


def key_dir():
    return current_app.config["LTI_KEY_DIR"]


def _launch_url() -> str:
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + url_for("lti.launch_view")


def _framed_by(platform: LtiPlatform | None) -> dict:
    """Pages shown inside the LMS's frame: that LMS may frame them, nobody else. Browsers obey CSP's
    frame-ancestors over the site-wide X-Frame-Options: DENY, which stays for older ones."""
    ancestors = origin(platform.auth_login_url) if platform else "'none'"
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; "
        f"object-src 'none'; frame-ancestors {ancestors}; form-action 'self'"
    )
    return {"Content-Security-Policy": csp}


def _refuse(error: launch.LaunchRefused, claims: dict, platform: LtiPlatform | None = None, retry: str | None = None):
    audit_log.warning(
        "LTI launch refused: %s",
        error.reason,
        extra={
            "issuer": claims.get("iss"),
            "client_id": claims.get("aud"),
            "deployment_id": claims.get(launch.CLAIM + "deployment_id"),
            "reason": error.reason,
            "detail": error.message,
        },
    )
    page = render_template("lti/refused.html", error=error, retry=retry)
    response = current_app.make_response((page, error.status))
    response.headers.update(_framed_by(platform))
    return response


def _unverified_claims(token: str | None) -> dict:
    """The token's claims for the audit line only: never trusted for anything else."""
    try:
        return jwt.decode(token or "", options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login():
    """OIDC login initiation: remember a state and nonce, send the browser to the LMS's auth endpoint."""
    params = request.values
    target = params.get("target_link_uri", "")
    if urlsplit(target).path != url_for("lti.launch_view"):
        error = launch.LaunchRefused(
            "The LMS asked to open an address that is not this tool's launch URL.",
            f"Set the tool's target link / redirection URI to {_launch_url()}.",
            400, "target",
        )  # fmt: skip
        return _refuse(error, {"iss": params.get("iss"), "aud": params.get("client_id")})
    purge_expired()
    oidc = FlaskOIDCLogin(FlaskRequest(), DatabaseToolConf(key_dir()), launch_data_storage=DatabaseLaunchStorage())
    try:
        response = oidc.redirect(target)
    except (OIDCException, LtiException) as exc:
        error = launch.LaunchRefused(
            "This LMS is not registered with the course.",
            "Ask the course administrator to register the platform (issuer and client id) under Admin → LTI.",
            400 if "missing" in str(exc).lower() else 403, "unknown-platform",
        )  # fmt: skip
        return _refuse(error, {"iss": params.get("iss"), "aud": params.get("client_id")})
    storage.keep()
    return response


def _retry_url() -> str | None:
    """Where "open in a new window" starts again: a fresh login, which the LMS answers in that window."""
    claims = _unverified_claims(request.form.get("id_token"))
    if not claims.get("iss"):
        return None
    query = {"iss": claims["iss"], "client_id": claims.get("aud") if isinstance(claims.get("aud"), str) else "",
             "target_link_uri": _launch_url(), "login_hint": claims.get("sub", "")}  # fmt: skip
    return url_for("lti.login") + "?" + urlencode(query)


@bp.post("/launch")
@csrf.exempt
def launch_view():
    claims = _unverified_claims(request.form.get("id_token"))
    platform = find(str(claims.get("iss", "")), claims.get("aud") if isinstance(claims.get("aud"), str) else None)
    message = FlaskMessageLaunch(
        FlaskRequest(), DatabaseToolConf(key_dir()), launch_data_storage=DatabaseLaunchStorage()
    )
    message.set_jwt_verify_options(JWT_OPTIONS)
    now = utcnow()
    try:
        body = message.get_launch_data()
        platform = find(body["iss"], message.get_client_id())
        launch.check_claims(body, platform.client_id, now)
        arrival = launch.arrive(platform, body, {m.slug for m in get_catalog().modules}, now)
    except LtiException as exc:
        storage.drop()
        error = launch.refusal(exc)
        return _refuse(error, claims, platform, _retry_url() if error.reason == "state" else None)
    except launch.LaunchRefused as error:
        storage.drop()
        return _refuse(error, claims, platform)
    audit_log.info("LTI launch", extra={"issuer": body["iss"], "user_id": arrival.user.id, "reason": "launch"})
    if arrival.deep_linking:
        page = render_template("lti/deep_link.html", launch_id=message.get_launch_id(), modules=get_catalog().modules)
        return page, 200, _framed_by(platform)
    destination = _destination(arrival.link.module_slug if arrival.link else None)
    if not _framed(body):
        sessions.begin(arrival.user)
        return redirect(destination, 303)
    token = URLSafeTimedSerializer(current_app.secret_key, salt="lti-handoff").dumps([arrival.user.id, destination])
    page = render_template("lti/continue.html", handoff=url_for("lti.handoff", token=token))
    return page, 200, _framed_by(platform)


def _framed(body: dict) -> bool:
    """Whether the launch shows inside the LMS's frame: what the browser says (Sec-Fetch-Dest), else what
    the LMS meant (launch_presentation.document_target)."""
    destination = request.headers.get("Sec-Fetch-Dest")
    if destination in ("iframe", "frame", "document"):
        return destination != "document"
    return (body.get(launch.CLAIM + "launch_presentation") or {}).get("document_target") != "window"


def _destination(module_slug: str | None) -> str:
    if module_slug:
        return url_for("learning.module", slug=module_slug)
    return url_for("learning.home")


@bp.get("/continue/<token>")
def handoff(token: str):
    """The new window the framed launch opens: log in (first-party, so the usual cookie works), then go."""
    try:
        user_id, destination = URLSafeTimedSerializer(current_app.secret_key, salt="lti-handoff").loads(
            token, max_age=HANDOFF_SECONDS
        )
        user = launch.hand_off(user_id, token, utcnow())
    except BadSignature:
        error = launch.LaunchRefused("This link has expired.", "Open the course again from the LMS.", 403, "handoff")
        return render_template("lti/refused.html", error=error), 403
    except launch.LaunchRefused as error:
        return render_template("lti/refused.html", error=error), error.status
    sessions.begin(user)
    return redirect(destination if destination.startswith("/") else url_for("learning.home"), 303)


@bp.get("/jwks")
def jwks():
    return jsonify(keys.jwks(key_dir()))


@bp.post("/deep-link/<launch_id>")
@csrf.exempt  # inside the LMS frame there may be no session; the launch id (random, validated) stands in
def deep_link(launch_id: str):
    storage = DatabaseLaunchStorage()
    try:
        message = FlaskMessageLaunch.from_cache(
            launch_id, FlaskRequest(), DatabaseToolConf(key_dir()), launch_data_storage=storage
        )
        if not message.is_deep_link_launch():
            raise LtiException("not a deep linking launch")
    except LtiException:
        return render_template("lti/refused.html", error=launch.LaunchRefused(
            "This choice has expired.", "Open the tool's selection again from the LMS.", 400)), 400  # fmt: skip
    slug = request.form.get("module", "")
    module = get_catalog().module(slug)
    title = module.title if module else current_app.config["COURSE_NAME"]
    resource = DeepLinkResource().set_url(_launch_url()).set_title(title)
    resource.set_lineitem(LineItem().set_label(title).set_score_maximum(100 if module else len(get_catalog().modules)))
    if module:
        resource.set_custom_params({"module": module.slug})
    deep = message.get_deep_link()
    response_jwt = deep.get_response_jwt([resource])
    return_url = deep._deep_link_settings["deep_link_return_url"]  # pylti1p3 keeps it there, and only there
    platform = find(message.get_iss(), message.get_client_id())
    page = render_template("lti/deep_link_return.html", action=return_url, jwt=response_jwt, title=title)
    headers = _framed_by(platform)
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action {origin(return_url)}"
    )
    return page, 200, headers


# --- instructors: grades waiting and rosters ------------------------------------------------------------


@bp.get("/manage")
@require_role(Role.INSTRUCTOR, Role.ADMIN)
def manage():
    cohort_ids = roster.followed_cohorts(current_user)
    return render_template(
        "lti/manage.html",
        scores=grades.waiting(None if current_user.role == Role.ADMIN else roster.members(cohort_ids)),
        contexts=roster.contexts_for_cohorts(cohort_ids),
    )


@bp.post("/manage/scores/<int:score_id>/resend")
@require_role(Role.INSTRUCTOR, Role.ADMIN)
def resend(score_id: int):
    cohort_ids = roster.followed_cohorts(current_user)
    allowed = None if current_user.role == Role.ADMIN else roster.members(cohort_ids)
    try:
        grades.resend(score_id, utcnow(), allowed)
    except CourseError as error:
        flash(error.message, "error")
        return redirect(url_for("lti.manage"), 303)
    sent, failed = grades.send_due(grades.poster(key_dir(), current_app.config["LTI_TIMEOUT"]), utcnow(), limit=50)
    flash(f"Sent {sent}; {failed} could not be sent now and will be tried again.", "error" if failed else "info")
    return redirect(url_for("lti.manage"), 303)


@bp.post("/manage/contexts/<int:context_id>/roster")
@require_role(Role.INSTRUCTOR, Role.ADMIN)
def pull_roster(context_id: int):
    try:
        context = roster.context_in(context_id, roster.followed_cohorts(current_user))
        count = roster.pull(context.id, key_dir(), utcnow(), current_app.config["LTI_TIMEOUT"])
    except CourseError as error:
        flash(error.message, "error")
    else:
        flash(f"{count} members of the LMS course are in the cohort.", "info")
    return redirect(url_for("lti.manage"), 303)
