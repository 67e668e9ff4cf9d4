"""Inviting trainees to a cohort: a pasted list or a CSV, read by `roster.parse` (the entries it cannot use
are listed, the rest go through), previewed, then one invitation per email not yet in the cohort.

An invitation is an offer, never a placement (review 2026-12 M1): whoever the email belongs to, it gets
the same email with a link, and the preview says the same for every row, so an instructor learns
nothing about which emails have accounts. A new person chooses a password on the link's page; the
holder of an existing account accepts while signed in as it. Staff accounts never join a cohort.
Accepting is one atomic step: the invitation is claimed with a conditional UPDATE, so of several
submissions of one link exactly one makes the account (and is signed in), and the others are refused.

Nothing is written until the instructor confirms the preview, which travels back signed (it cannot be
altered on the way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..clock import utcnow
from ..core.database import lock_for_update
from ..errors import Conflict, CourseError, NotFound
from ..extensions import db
from ..identity import tokens
from ..identity.models import EMAIL_MAX, NAME_MAX, Role, User
from ..identity.passwords import hash_password, password_problem
from ..identity.services import WeakPassword, find_user
from ..web.inputs import text_problem
from . import roster
from .cohorts import refuse_staff
from .models import Cohort, CohortInstructor, CohortMember, Invitation
from .roster import Roster, RosterRow

PREVIEW_MAX_AGE = 3600


class RosterError(CourseError):
    """The upload as a whole cannot be read (encoding, size); nothing was changed."""


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(
            "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” and upload it again. "
            "Nothing was changed."
        ) from None


def parse_roster(text: str, max_rows: int) -> Roster:
    """The list read by `roster.parse` under this site's limits and names rule."""
    try:
        return roster.parse(text, roster.Limits(max_rows, EMAIL_MAX, NAME_MAX, text_problem))
    except roster.TooLong as error:
        raise RosterError(str(error)) from None


# --- the signed preview ----------------------------------------------------------------------------------


def _preview_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="course.accounts.invitation-preview")


def sign_preview(secret: str, actor_id: int, cohort_id: int, rows: tuple[RosterRow, ...]) -> str:
    return _preview_serializer(secret).dumps([actor_id, cohort_id, [[r.line, r.email, r.name] for r in rows]])


def read_preview(secret: str, actor_id: int, cohort_id: int, signed: str) -> tuple[RosterRow, ...]:
    try:
        actor, cohort, rows = _preview_serializer(secret).loads(signed, max_age=PREVIEW_MAX_AGE)
    except SignatureExpired:
        raise RosterError("This preview is more than an hour old. Check the list again.") from None
    except (BadSignature, ValueError, TypeError):
        raise RosterError("This preview was altered or is incomplete. Check the list again.") from None
    if (actor, cohort) != (actor_id, cohort_id):
        raise RosterError("This preview belongs to another cohort. Check the list again.")
    return tuple(RosterRow(int(line), str(email), str(name)) for line, email, name in rows)


# --- who may invite, and what an invitation would do ----------------------------------------------------


def cohort_for(viewer: User, cohort_id: int) -> Cohort:
    """The cohort, when this viewer may invite to it (an admin, or an instructor who follows it)."""
    cohort = db.session.get(Cohort, cohort_id)
    follows = viewer.role == Role.ADMIN or db.session.scalar(
        select(CohortInstructor.id).where(
            CohortInstructor.cohort_id == cohort_id, CohortInstructor.user_id == viewer.id
        )
    )
    if cohort is None or not follows:
        raise NotFound("There is no such cohort among yours.")
    return cohort


# Every email not in the cohort reads the same: whether it has an account (a trainee's, or staff's) is
# for its holder to find out on the link's page, not for the instructor.
OUTCOMES = {
    "invite": "Gets an email with a link to join the cohort",
    "member": "Already in this cohort: nothing to do",
    "renew": "Already invited: the invitation is sent again",
}


@dataclass(frozen=True)
class PlanRow:
    line: int
    email: str
    name: str
    outcome: str


def plan(cohort_id: int, rows: tuple[RosterRow, ...], now: datetime) -> list[PlanRow]:
    """What confirming would do for each row. Only what the instructor can already see is told apart:
    the cohort's members (on the matrix) and its pending invitations (on the invitations page)."""
    emails = [r.email for r in rows]
    members = set(
        db.session.scalars(
            select(User.email)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id, User.email.in_(emails))
        )
    )
    pending = {i.email for i in _pending(cohort_id, now, emails)}
    result = []
    for row in rows:
        outcome = "member" if row.email in members else "renew" if row.email in pending else "invite"
        result.append(PlanRow(row.line, row.email, row.name, outcome))
    return result


def _pending(cohort_id: int, now: datetime, emails: list[str] | None = None) -> list[Invitation]:
    query = select(Invitation).where(
        Invitation.cohort_id == cohort_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
    if emails is not None:
        query = query.where(Invitation.email.in_(emails))
    return list(db.session.scalars(query.order_by(Invitation.email)))


def pending(cohort_id: int, now: datetime | None = None) -> list[Invitation]:
    return _pending(cohort_id, now or utcnow())


@dataclass(frozen=True)
class Outcome:
    invitations: list[Invitation]  # new or renewed: each needs its email
    unchanged: int


def invite(actor: User, cohort: Cohort, rows: tuple[RosterRow, ...], days: int, now: datetime | None = None) -> Outcome:
    """Apply a confirmed preview in one transaction. The caller sends the emails after it. The cohort's row
    is locked first, so a preview confirmed twice at once (a double click, two tabs) plans the second
    time with the first one's invitations in view: one invitation per email."""
    now = now or utcnow()
    lock_for_update(Cohort, Cohort.id == cohort.id)
    expires = now + timedelta(days=days)
    planned = plan(cohort.id, rows, now)
    existing = {i.email: i for i in _pending(cohort.id, now, [p.email for p in planned if p.outcome == "renew"])}
    invitations, unchanged = [], 0
    for row in planned:
        if row.outcome == "invite":
            invitation = Invitation(
                cohort_id=cohort.id,
                email=row.email,
                name=row.name,
                invited_by_id=actor.id,
                created_at=now,
                expires_at=expires,
            )
            db.session.add(invitation)
            invitations.append(invitation)
        elif row.outcome == "renew":
            invitation = existing[row.email]
            invitation.expires_at = expires
            invitations.append(invitation)
        else:
            unchanged += 1
    db.session.commit()
    return Outcome(invitations, unchanged)


def mark_sent(invitations: list[Invitation], now: datetime | None = None) -> None:
    if invitations:
        for invitation in invitations:
            invitation.sent_at = now or utcnow()
        db.session.commit()


def _managed(viewer: User, cohort_id: int, invitation_id: int) -> Invitation:
    cohort_for(viewer, cohort_id)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.cohort_id != cohort_id:
        raise NotFound("There is no such invitation.")
    return invitation


def renew(viewer: User, cohort_id: int, invitation_id: int, days: int, now: datetime | None = None) -> Invitation:
    """A fresh expiry for a pending or expired invitation (earlier links stop working)."""
    now = now or utcnow()
    invitation = _managed(viewer, cohort_id, invitation_id)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict("This invitation was already accepted or revoked.")
    invitation.expires_at = now + timedelta(days=days)
    db.session.commit()
    return invitation


def revoke(viewer: User, cohort_id: int, invitation_id: int, now: datetime | None = None) -> Invitation:
    invitation = _managed(viewer, cohort_id, invitation_id)
    if invitation.accepted_at:
        raise Conflict("This invitation was already accepted.")
    invitation.revoked_at = invitation.revoked_at or now or utcnow()
    db.session.commit()
    return invitation


# --- the invitee's side ---------------------------------------------------------------------------------


def _state(invitation: Invitation) -> tuple:
    return (invitation.email, invitation.expires_at.isoformat(), invitation.accepted_at, invitation.revoked_at)


def invitation_token(secret: str, invitation: Invitation) -> str:
    return tokens.make(secret, "invitation", invitation.id, *_state(invitation))


def open_invitation(secret: str, token: str, now: datetime | None = None) -> tuple[Invitation, Cohort]:
    invitation_id, print_ = tokens.read(secret, "invitation", token, None)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or tokens.fingerprint(*_state(invitation)) != print_:
        raise tokens.InvalidLink(
            "This invitation link is no longer valid: it was accepted, revoked or sent again. "
            "Use the newest email, or ask your instructor."
        )
    if not invitation.pending(now or utcnow()):
        raise tokens.InvalidLink("This invitation has expired. Ask your instructor to send it again.")
    return invitation, db.session.get(Cohort, invitation.cohort_id)


def invitee_has_account(secret: str, token: str) -> bool:
    """Whether the person a refused invitation link was made for has an account (so the page offers to log
    in only) or not (it may offer to register too). A link that is not genuine counts as having one: nothing
    is known of its invitee, and logging in is always right."""
    try:
        invitation_id, _ = tokens.read(secret, "invitation", token, None)
    except CourseError:
        return True
    invitation = db.session.get(Invitation, invitation_id)
    return invitation is None or invitation.user_id is not None or find_user(invitation.email) is not None


class AlreadyAccepted(Conflict):
    """Another submission of the same link won (409): it made the account or placed it in the cohort."""


class NotForThisAccount(CourseError):
    status = 403


def _claim(invitation: Invitation, now: datetime) -> None:
    """Mark the invitation accepted, if it still can be, as this transaction's first write: the row's
    lock (PostgreSQL) or the database's write lock (SQLite) is held until the commit, and a second
    submission waits for it, then finds the invitation taken and changes nothing."""
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now),
        execution_options={"synchronize_session": False},
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise AlreadyAccepted(tokens.USED)
    invitation.accepted_at = now


def _finish(invitation: Invitation, user: User) -> None:
    invitation.user_id = user.id
    member = db.session.scalar(
        select(CohortMember.id).where(CohortMember.cohort_id == invitation.cohort_id, CohortMember.user_id == user.id)
    )
    if member is None:
        db.session.add(CohortMember(cohort_id=invitation.cohort_id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # the account was made, or joined with the code, at this very moment
        db.session.rollback()
        raise AlreadyAccepted(tokens.USED) from None


def accept(secret: str, token: str, name: str, password: str, now: datetime | None = None) -> User:
    """A new account (its email confirmed by the link) in the cohort, for an email without one. Raises
    AccountExists when the email has an account by now (its holder accepts signed in), AlreadyAccepted
    when another submission of the link came first."""
    now = now or utcnow()
    invitation, _ = open_invitation(secret, token, now)
    if find_user(invitation.email) is not None:
        raise AccountExists(ACCOUNT_EXISTS)
    problem = password_problem(password, invitation.email)
    if problem:
        raise WeakPassword(problem)
    name = (name or "").strip()[:NAME_MAX] or invitation.name
    if text_problem(name):
        raise CourseError(text_problem(name))
    password_hash = hash_password(password)  # slow: before the claim, so no lock waits for it
    _claim(invitation, now)
    user = User(
        email=invitation.email, display_name=name, password_hash=password_hash, role=Role.TRAINEE, email_verified_at=now
    )
    db.session.add(user)
    _finish(invitation, user)
    return user


def accept_signed_in(secret: str, token: str, user: User, now: datetime | None = None) -> Cohort:
    """The holder of an existing account, signed in as it, takes the place the invitation offers."""
    now = now or utcnow()
    invitation, cohort = open_invitation(secret, token, now)
    if user.email != invitation.email:
        raise NotForThisAccount(
            f"This invitation is for {invitation.email}. Log out, then log in with that account and open the "
            "link again."
        )
    refuse_staff(user)
    _claim(invitation, now)
    reason = f"Accepted the invitation to the cohort “{cohort.name}”"
    audit.record(invitation.invited_by_id, user.id, "invite", reason, now)
    _finish(invitation, user)
    return cohort


class AccountExists(Conflict):
    pass


ACCOUNT_EXISTS = "An account with this email exists now. Log in with it, then open this link again."
