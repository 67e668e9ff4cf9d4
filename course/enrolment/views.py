"""Invitation pages: an instructor's invitations to a cohort (check, preview, confirm, resend, revoke), and
the invitee's page to accept. Uploads may be larger than the site's usual 64 KiB, on these routes only."""

from __future__ import annotations

from email.utils import formataddr

from flask import Blueprint, Request, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..clock import utcnow
from ..core import mail
from ..errors import CourseError
from ..identity import sessions
from ..identity.auth import require_role
from ..identity.emails import app_secret
from ..identity.models import Role
from ..identity.signed_in import own_record
from ..identity.views import bp as accounts_bp
from . import emails, invitations
from .forms import AcceptForm, ConfirmAcceptForm, ConfirmInviteForm, InviteForm

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


EMPTY_LIST = (
    "Paste the list (one person per line, or separated by commas or semicolons; Name <email> works), "
    "or choose a CSV file."
)


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
    """The checked rows as the paste box reads them back (`"Name" <email>`, one a line), to give them back."""
    return "".join(f"{formataddr((row.name, row.email))}\n" for row in rows)


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
        form.emails.data = text  # kept in the text box: after a problem the list is corrected there, not re-chosen
        if not text.strip():
            return _page(cohort_id, form, 400, error=EMPTY_LIST, error_title="The list is empty", in_error=source)
        roster = invitations.parse_roster(text, current_app.config["INVITATION_MAX_ROWS"])
    except invitations.RosterError as error:
        return _page(cohort_id, form, 400, error=error.message, in_error=_source(form))
    except CourseError as error:
        return _refuse(error)
    if not roster.rows:
        return _page(cohort_id, form, 400, problems=roster.problems, in_error=source)
    signed = invitations.sign_preview(app_secret(), current_user.id, cohort_id, roster.rows)
    return render_template(
        "accounts/invitations_preview.html",
        cohort=cohort,
        rows=invitations.plan(cohort_id, roster.rows, utcnow()),
        left_out=roster.problems,
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
    flash(f"{len(outcome.invitations)} invited, {outcome.unchanged} already in the cohort.", "success")
    failed = len(outcome.invitations) - len(sent)
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


def _link_refused(error: CourseError, token: str | None = None):
    """The refusal of an invitation link. A visitor who is not logged in is offered to log in, and to register
    too when the link's invitee has no account yet (given the `token`); a logged-in one their dashboard."""
    register = (
        token is not None
        and not current_user.is_authenticated
        and not invitations.invitee_has_account(app_secret(), token)
    )
    page = render_template("message.html", title="This link does not work", message=error.message, register=register)
    return page, error.status


@accounts_bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link in an invitation email: a new person chooses a password here; the holder of an existing
    account accepts while signed in as it (only the POST accepts)."""
    token = token[:512]
    try:
        invitation, cohort = invitations.open_invitation(app_secret(), token)
    except CourseError as error:
        return _link_refused(error, token)
    if invitations.find_user(invitation.email) is not None:
        return _accept_signed_in(token, invitation, cohort)
    form = AcceptForm(display_name=invitation.name)
    if form.validate_on_submit():
        try:
            user = invitations.accept(app_secret(), token, form.display_name.data, form.password.data)
        except invitations.WeakPassword as error:
            form.password.errors.append(error.message)
        except CourseError as error:
            return _link_refused(error)
        else:
            sessions.begin(user)  # only the submission that made the account
            flash(f"Welcome, {user.display_name}. You are in the cohort “{cohort.name}”.", "success")
            return redirect(url_for("learning.dashboard"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/accept.html", form=form, invitation=invitation, cohort=cohort), status


def _accept_signed_in(token: str, invitation, cohort):
    if not current_user.is_authenticated:
        status = 401 if request.method == "POST" else 200
        return render_template("accounts/accept_signed_in.html", invitation=invitation, cohort=cohort), status
    if request.method == "POST":
        form = ConfirmAcceptForm()
        if not form.validate_on_submit():
            return _link_refused(CourseError("This form has expired. Open the link again."))
        try:
            invitations.accept_signed_in(app_secret(), token, own_record())
        except CourseError as error:
            return _link_refused(error)
        flash(f"You joined the cohort “{cohort.name}”.", "success")
        return redirect(url_for("accounts.account"), 303)
    return render_template(
        "accounts/accept_signed_in.html", invitation=invitation, cohort=cohort, form=ConfirmAcceptForm()
    )
