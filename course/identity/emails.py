"""The account messages: each builds its link and sends one email, after the caller's commit.

Web layer (it reads the app's settings for the secret and the link lifetimes); each returns whether the
message left, so the page can say so when the mail server is down.
"""

from __future__ import annotations

from flask import current_app

from .. import mail
from . import identity
from .models import Invitation, User


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def send_verification(user: User) -> bool:
    token = identity.verification_token(_secret(), user)
    return mail.send(
        user.email,
        "Confirm your email address",
        "verify_email",
        name=user.display_name,
        email=user.email,
        url=mail.link("accounts.verify_email", token=token),
        days=current_app.config["VERIFY_EMAIL_MAX_AGE"] // 86400,
    )


def send_reset(user: User) -> bool:
    token = identity.reset_token(_secret(), user)
    return mail.send(
        user.email,
        "Choose a new password",
        "reset_password",
        name=user.display_name,
        url=mail.link("accounts.reset_password", token=token),
    )


def send_no_account(email: str) -> bool:
    """Sent instead of a reset link when no account has this email: the page answers the same either way."""
    return mail.send(email, "Choose a new password", "reset_unknown", email=email, url=mail.link("accounts.register"))


def send_invitation(invitation: Invitation, cohort_name: str, inviter: str, token: str) -> bool:
    return mail.send(
        invitation.email,
        f"You are invited to {current_app.config['COURSE_NAME']}",
        "invitation",
        name=invitation.name,
        cohort=cohort_name,
        inviter=inviter,
        expires=invitation.expires_at,
        url=mail.link("accounts.accept_invitation", token=token),
    )


def send_added_to_cohort(user: User, cohort_name: str, inviter: str) -> bool:
    return mail.send(
        user.email,
        f"You are in the cohort “{cohort_name}”",
        "added_to_cohort",
        name=user.display_name,
        cohort=cohort_name,
        inviter=inviter,
        url=mail.link("accounts.login"),
    )


def send_reminder(user: User, kind: str, url: str, module: str = "", days: int = 0) -> bool:
    unsubscribe = mail.link("accounts.unsubscribe", token=identity.unsubscribe_token(_secret(), user))
    return mail.send(
        user.email,
        "Your course is waiting for you" if kind == "inactive" else "You have a quiz to finish",
        "reminder",
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        name=user.display_name,
        kind=kind,
        url=url,
        module=module,
        days=days,
        unsubscribe=unsubscribe,
    )
