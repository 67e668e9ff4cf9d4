"""Invitation pages: an instructor's invitations to a cohort (check, preview, confirm, resend, revoke), and
the invitee's page to accept. Uploads may be larger than the site's usual 64 KiB, on these routes only."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Request, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..clock import utcnow
from ..core import mail
from ..errors import CourseError
from ..identity import sessions
from ..identity.auth import require_role
from ..identity.emails import app_secret
from ..identity.models import Role
from ..identity.views import bp as accounts_bp
from . import emails, invitations
from .forms import AcceptForm, ConfirmInviteForm, InviteForm

bp = Blueprint("invitations", __name__, url_prefix="/instructor/cohorts/<id:cohort_id>/invitations")
UPLOAD_ENDPOINTS = {"invitations.preview", "invitations.confirm"}


class UploadRequest(Request):
    """A request whose size limit is UPLOAD_MAX_BYTES on the upload routes and MAX_CONTENT_LENGTH elsewhere."""

    @property
    def max_content_length(self) -> int | None:
        if self.endpoint in UPLOAD_ENDPOINTS:
            return current_app.config["UPLOAD_MAX_BYTES"]
        return Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)


bp.record_once(lambda state: setattr(state.app, "request_class", UploadRequest))


@bp.before_request
@require_role(Role.INSTRUCTOR, Role.ADMIN)
def _staff_only():
    return None


@bp.errorhandler(413)
def _too_large(error):
    limit = current_app.config["UPLOAD_MAX_BYTES"] // 1024
    message = (
        f"The file is larger than {limit:,} KB, the most an upload may be. A list of 1,000 people is far smaller: "
        "check that you chose the CSV file, or split the list. Nothing was changed."
    )
    back = {"url": url_for(".index", cohort_id=request.view_args["cohort_id"]), "label": "Back to the invitations"}
    return render_template("message.html", title="The file is too large", message=message, back=back), 413


EMPTY_LIST = "Paste one email per line (optionally followed by a comma and a name), or choose a CSV file."


def _page(cohort_id: int, form: InviteForm | None = None, status: int = 200, problems=(), error: str = "", **shown):
    """The invitations page; after a refused list, `in_error` names the field it came from ('emails' or
    'file'), which the page marks invalid, and the summary takes focus (audit 2026-12 F5)."""
    cohort = invitations.cohort_for(current_user, cohort_id)
    return render_template(
        "accounts/invitations.html",
        cohort=cohort,
        form=form or InviteForm(formdata=None),
        pending=invitations.pending(cohort_id),
        problems=problems,
        error=error,
        page_has_errors=bool(error or problems or (form and form.errors)),
        **shown,
    ), status


def _as_pasted_list(rows) -> str:
    """The checked rows as the paste box takes them (email, name; CSV-quoted), to give them back."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([row.email, row.name] for row in rows)
    return out.getvalue()


def _source(form: InviteForm) -> str:
    """The field the list came from: the file when one was chosen, else the pasted box."""
    upload = form.file.data
    return "file" if upload and getattr(upload, "filename", "") else "emails"


def _refuse(error: CourseError):
    return render_template("message.html", title="Not possible", message=error.message), error.status


@bp.get("")
def index(cohort_id: int):
    try:
        return _page(cohort_id)
    except CourseError as error:
        return _refuse(error)


@bp.post("/preview")
def preview(cohort_id: int):
    form = InviteForm()
    try:
        cohort = invitations.cohort_for(current_user, cohort_id)
        if not form.validate_on_submit():
            return _page(cohort_id, form, 400)
        source = _source(form)
        text = invitations.decode(form.file.data.read()) if source == "file" else form.emails.data or ""
        if not text.strip():
            return _page(cohort_id, form, 400, error=EMPTY_LIST, error_title="The list is empty", in_error=source)
        roster = invitations.parse_roster(text, current_app.config["INVITATION_MAX_ROWS"])
    except invitations.RosterError as error:
        return _page(cohort_id, form, 400, error=error.message, in_error=_source(form))
    except CourseError as error:
        return _refuse(error)
    if roster.problems:
        return _page(cohort_id, form, 400, problems=roster.problems, in_error=source)
    signed = invitations.sign_preview(app_secret(), current_user.id, cohort_id, roster.rows)
    return render_template(
        "accounts/invitations_preview.html",
        cohort=cohort,
        rows=invitations.plan(cohort_id, roster.rows, utcnow()),
        outcomes=invitations.OUTCOMES,
        confirm=ConfirmInviteForm(formdata=None, roster=signed),
        listed=_as_pasted_list(roster.rows),  # put back in the box if the preview is refused (expired, altered)
    )


@bp.post("/confirm")
def confirm(cohort_id: int):
    form = ConfirmInviteForm()
    try:
        cohort = invitations.cohort_for(current_user, cohort_id)
        if not form.validate_on_submit():
            raise invitations.RosterError("The preview is missing. Check the list again.")
        rows = invitations.read_preview(app_secret(), current_user.id, cohort_id, form.roster.data)
        outcome = invitations.invite(current_user, cohort, rows, current_app.config["INVITATION_DAYS"])
    except invitations.RosterError as error:  # the list goes back in the box: nothing to paste again
        kept = InviteForm(formdata=None, emails=request.form.get("listed", ""))
        return _page(cohort_id, kept, 400, error=error.message, in_error="emails")
    except CourseError as error:
        return _refuse(error)
    # After the commit: the emails. A failure loses nothing; "Send again" works later.
    inviter = current_user.display_name
    sent = [i for i in outcome.invitations if _send(i, cohort.name, inviter)]
    invitations.mark_sent(sent)
    notes = sum(emails.send_added_to_cohort(u, cohort.name, inviter) for u in outcome.joined)
    summary = (
        f"{len(outcome.invitations)} invited, {len(outcome.joined)} existing account(s) added to the cohort, "
        f"{outcome.unchanged} already in it."
    )
    flash(summary, "success")
    failed = len(outcome.invitations) - len(sent) + len(outcome.joined) - notes
    if failed:
        flash(f"{failed} email(s) could not be sent just now. Nothing is lost: use “Send again” below later.", "error")
    return redirect(url_for(".index", cohort_id=cohort_id), 303)


def _send(invitation, cohort_name: str, inviter: str) -> bool:
    return emails.send_invitation(
        invitation, cohort_name, inviter, invitations.invitation_token(app_secret(), invitation)
    )


@bp.post("/<id:invitation_id>/resend")
def resend(cohort_id: int, invitation_id: int):
    try:
        invitation = invitations.renew(current_user, cohort_id, invitation_id, current_app.config["INVITATION_DAYS"])
        cohort = invitations.cohort_for(current_user, cohort_id)
    except CourseError as error:
        return _refuse(error)
    if _send(invitation, cohort.name, current_user.display_name):
        invitations.mark_sent([invitation])
        flash(f"The invitation to {invitation.email} was sent again; earlier links no longer work.", "success")
    else:
        flash(mail.FAILED, "error")
    return redirect(url_for(".index", cohort_id=cohort_id), 303)


@bp.post("/<id:invitation_id>/revoke")
def revoke(cohort_id: int, invitation_id: int):
    try:
        invitation = invitations.revoke(current_user, cohort_id, invitation_id)
    except CourseError as error:
        return _refuse(error)
    flash(f"The invitation to {invitation.email} is revoked; its link no longer works.", "success")
    return redirect(url_for(".index", cohort_id=cohort_id), 303)


@accounts_bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    token = token[:512]
    try:
        invitation, cohort = invitations.open_invitation(app_secret(), token)
    except CourseError as error:
        return render_template("message.html", title="This link does not work", message=error.message), error.status
    if invitations.find_user(invitation.email) is not None:
        invitations.accept(app_secret(), token, "", "")
        flash(f"You are in the cohort “{cohort.name}”. Log in with your existing account.", "success")
        return redirect(url_for("accounts.login"), 303)
    form = AcceptForm(display_name=invitation.name)
    if form.validate_on_submit():
        try:
            user, _ = invitations.accept(app_secret(), token, form.display_name.data, form.password.data)
        except invitations.WeakPassword as error:
            form.password.errors.append(error.message)
        except CourseError as error:
            return render_template("message.html", title="This link does not work", message=error.message), 400
        else:
            sessions.begin(user)
            flash(f"Welcome, {user.display_name}. You are in the cohort “{cohort.name}”.", "success")
            return redirect(url_for("learning.dashboard"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/accept.html", form=form, invitation=invitation, cohort=cohort), status
