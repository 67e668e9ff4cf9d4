"""What a verified launch means here: the person, their role, the cohort, the link; and every refusal as a
4xx with what to tell the LMS administrator.

pylti1p3 verifies the state, the id_token's format, nonce (that this browser's login issued it),
registration (iss, client id), RS256 signature by `kid` against the platform's JWKS, exp (PyJWT), the
deployment, the message type and version 1.3.0. This module adds what it does not: `iat` and `exp` must
be present, `aud` must hold our client id and `azp` must be it when there are several audiences, and a
nonce is used once (`lti_nonce`, kept until the token expires): a replayed id_token is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..enrolment.cohorts import new_join_code
from ..enrolment.models import Cohort, CohortInstructor, CohortMember
from ..errors import CourseError
from ..extensions import db
from ..identity.models import EMAIL_MAX, NAME_MAX, Role, User
from ..identity.passwords import hash_password
from .models import LtiContext, LtiIdentity, LtiLink, LtiLinkUser, LtiNonce, LtiPlatform, LtiScore

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
STAFF_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant", "#Mentor")
CLOCK_SKEW = timedelta(minutes=1)


class LaunchRefused(CourseError):
    """A launch the tool refuses; `advice` is what the person should pass on to the LMS administrator."""

    status = 403

    def __init__(self, message: str, advice: str, status: int = 403, reason: str = "refused"):
        super().__init__(message)
        self.advice, self.status, self.reason = advice, status, reason


# pylti1p3's messages, matched by any of their words (as written, or in lower case), first match wins.
REFUSALS = (
    (
        ("state", "Missing cookie"),
        "Your browser did not send back the cookie this launch started with.",
        "Browsers that block third-party cookies do this inside an LMS frame: open the course in a new window. "
        "If it keeps happening, ask the LMS administrator to open the tool in a new window.",
        400, "state",
    ),
    (
        ("Registration not found", "Client id not registered", "iss"),
        "This LMS is not registered with the course.",
        "Ask the course administrator to register the platform (issuer and client id) under Admin → LTI.",
        403, "unknown-platform",
    ),
    (
        ("deployment",),
        "This LMS deployment is not registered with the course.",
        "Ask the course administrator to add the deployment id shown in the LMS's tool settings.",
        403, "unknown-deployment",
    ),
    (
        ("expired",),
        "The launch has expired.",
        "Launch again from the LMS. If it keeps happening, the LMS server's clock is probably wrong.",
        403, "expired",
    ),
    (("nonce",), "This launch was not started by this browser.", "Launch again from the LMS page.", 403, "nonce"),
    (
        ("decode id_token", "public key", "KID", "keyset"),
        "The launch's signature could not be verified.",
        "Tell the LMS administrator: the id_token must be signed (RS256) with a key published at the "
        "public keyset URL registered for this platform.",
        403, "signature",
    ),
)  # fmt: skip


def refusal(error: Exception) -> LaunchRefused:
    """pylti1p3's exception, as a 4xx with advice; the library's message stays in the audit line."""
    text = str(error)
    lowered = text.lower()
    for words, message, advice, status, reason in REFUSALS:
        if any(word in text or word in lowered for word in words):
            return LaunchRefused(message, advice, status, reason)
    return LaunchRefused(
        "The launch message is not a valid LTI 1.3 launch.",
        "Tell the LMS administrator the tool expects LTI 1.3.0 resource link or deep linking launches.",
        400, "invalid",
    )  # fmt: skip


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def check_claims(body: dict, client_id: str, now: datetime) -> None:
    """The checks pylti1p3 leaves to us (see the module docstring)."""
    audiences = body.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if client_id not in audiences or (len(audiences) > 1 and body.get("azp") != client_id):
        raise LaunchRefused(
            "The launch was meant for another tool.",
            "The LMS sent a token whose audience is not this tool's client id: check the client id registered here.",
            403, "audience",
        )  # fmt: skip
    issued, expires = body.get("iat"), body.get("exp")
    if not isinstance(issued, int | float) or not isinstance(expires, int | float):
        raise LaunchRefused("The launch token has no issue or expiry time.", "The LMS must send iat and exp.", 400)
    if _utc(issued) > now + CLOCK_SKEW:
        raise LaunchRefused(
            "The launch token was issued in the future.",
            "The LMS server's clock is ahead: ask its administrator to set it right.",
            403, "iat",
        )  # fmt: skip


def use_nonce(nonce: str, expires_at: datetime, now: datetime) -> None:
    """Record the id_token's nonce as used; a second use is a replay. Expired rows go as new ones come."""
    db.session.execute(delete(LtiNonce).where(LtiNonce.expires_at <= now))
    db.session.add(LtiNonce(value=nonce[:255], expires_at=max(expires_at, now) + CLOCK_SKEW))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise LaunchRefused(
            "This launch was already used.",
            "Each launch from the LMS works once: go back to the LMS and open the link again.",
            403, "replay",
        ) from None  # fmt: skip


def role_of(roles: list[str]) -> str:
    return Role.INSTRUCTOR if any(str(r).endswith(STAFF_ROLES) for r in roles) else Role.TRAINEE


def person(platform: LtiPlatform, body: dict, now: datetime) -> User:
    subject = str(body.get("sub") or "")
    if not subject:
        raise LaunchRefused("The launch names no user.", "The LMS must send the user's id (sub).", 400, "no-sub")
    identity = db.session.scalar(
        select(LtiIdentity).where(LtiIdentity.platform_id == platform.id, LtiIdentity.subject == subject[:255])
    )
    wanted = role_of(body.get(CLAIM + "roles") or [])
    if identity is not None:
        user = db.session.get(User, identity.user_id)
    else:
        email = str(body.get("email") or "").strip().lower()[:EMAIL_MAX]
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        if user is not None and user.role != Role.TRAINEE:
            raise LaunchRefused(
                "A staff account here already uses this email.",
                "Ask the course administrator to link it: staff accounts are never taken over by a launch.",
                409, "staff-email",
            )  # fmt: skip
        if user is None:
            digest = hashlib.sha256(f"{platform.id}:{subject}".encode()).hexdigest()[:20]
            name = str(body.get("name") or body.get("given_name") or "LMS learner").strip()[:NAME_MAX]
            user = User(
                email=email or f"lti-{digest}@lti.invalid",
                display_name=name or "LMS learner",
                password_hash=hash_password(secrets.token_urlsafe(32)),  # no one knows it: log-in is the LMS's
                role=Role.TRAINEE,
                email_verified_at=now if email else None,
            )
            db.session.add(user)
            db.session.flush()
        db.session.add(LtiIdentity(platform_id=platform.id, subject=subject[:255], user_id=user.id))
    if not user.active:
        raise LaunchRefused("This account is deactivated here.", "Ask the course administrator.", 403, "inactive")
    if wanted == Role.INSTRUCTOR and user.role == Role.TRAINEE:
        user.role = Role.INSTRUCTOR  # the LMS can make an instructor, never an admin, and never demotes
    return user


def _context(platform: LtiPlatform, body: dict, user: User) -> LtiContext | None:
    claim = body.get(CLAIM + "context") or {}
    context_id = str(claim.get("id") or "")[:255]
    if not context_id:
        return None
    context = db.session.scalar(
        select(LtiContext).where(LtiContext.platform_id == platform.id, LtiContext.context_id == context_id)
    )
    title = str(claim.get("title") or claim.get("label") or context_id)[:80]
    if context is None:
        cohort = Cohort(name=title, join_code=new_join_code(), created_by_id=None)
        db.session.add(cohort)
        db.session.flush()
        context = LtiContext(platform_id=platform.id, context_id=context_id, title=title, cohort_id=cohort.id)
        db.session.add(context)
    memberships = (body.get(NRPS_CLAIM) or {}).get("context_memberships_url")
    if memberships:
        context.memberships_url = str(memberships)[:500]
    db.session.flush()
    join_cohort(context.cohort_id, user)
    return context


def join_cohort(cohort_id: int, user: User) -> None:
    model = CohortInstructor if user.role != Role.TRAINEE else CohortMember
    exists = db.session.scalar(select(model.id).where(model.cohort_id == cohort_id, model.user_id == user.id))
    if exists is None:
        db.session.add(model(cohort_id=cohort_id, user_id=user.id))


def _link(platform: LtiPlatform, body: dict, context: LtiContext | None, user: User, modules: set[str]) -> LtiLink:
    resource = str((body.get(CLAIM + "resource_link") or {}).get("id") or "")[:255]
    if not resource:
        raise LaunchRefused("The launch names no resource link.", "The LMS must send a resource_link id.", 400)
    link = db.session.scalar(
        select(LtiLink).where(LtiLink.platform_id == platform.id, LtiLink.resource_link_id == resource)
    )
    if link is None:
        link = LtiLink(platform_id=platform.id, resource_link_id=resource)
        db.session.add(link)
    wanted = str((body.get(CLAIM + "custom") or {}).get("module") or "")
    link.module_slug = wanted if wanted in modules else None
    link.context_id = context.id if context else None
    lineitem = (body.get(AGS_CLAIM) or {}).get("lineitem")
    if lineitem:
        link.lineitem_url = str(lineitem)[:500]
    db.session.flush()
    if (
        db.session.scalar(select(LtiLinkUser.id).where(LtiLinkUser.link_id == link.id, LtiLinkUser.user_id == user.id))
        is None
    ):
        db.session.add(LtiLinkUser(link_id=link.id, user_id=user.id))
    return link


@dataclass(frozen=True)
class Arrival:
    user: User
    link: LtiLink | None  # None for a deep-linking request
    deep_linking: bool


def arrive(platform: LtiPlatform, body: dict, modules: set[str], now: datetime) -> Arrival:
    """A verified launch's effects, committed at once: the nonce used, the person, the cohort, the link."""
    expires = _utc(body["exp"])
    use_nonce(str(body.get("nonce")), expires, now)
    user = person(platform, body, now)
    context = _context(platform, body, user)
    deep_linking = body.get(CLAIM + "message_type") == "LtiDeepLinkingRequest"
    if deep_linking and user.role == Role.TRAINEE:
        raise LaunchRefused("Only instructors choose what a link opens.", "Sign in to the LMS as an instructor.", 403)
    link = None if deep_linking else _link(platform, body, context, user, modules)
    db.session.commit()
    return Arrival(user, link, deep_linking)


def hand_off(user_id: int, token: str, now: datetime) -> User:
    """The account a new-window hand-off logs in: each hand-off link works once (its tail is a nonce)."""
    use_nonce("handoff:" + token[-64:], now, now)
    db.session.commit()
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise LaunchRefused("This account cannot sign in here.", "Ask the course administrator.", 403)
    return user


def forget(user_id: int) -> None:
    """An erased account leaves every LMS: its identities, its links and the scores not sent yet go, so a
    later launch from that LMS user makes a new account (in the caller's transaction)."""
    db.session.execute(delete(LtiScore).where(LtiScore.user_id == user_id, LtiScore.status != "sent"))
    db.session.execute(delete(LtiLinkUser).where(LtiLinkUser.user_id == user_id))
    db.session.execute(delete(LtiIdentity).where(LtiIdentity.user_id == user_id))
