"""The identity messages (confirm an email, reset a password): each builds its link and sends one email,
after the caller's commit.

Web layer (it reads the app's settings for the secret and the link lifetimes); each returns whether the
message left, so the page can say so when the mail server is down.
"""

from __future__ import annotations

from flask import current_app

from ..core import mail
from . import profile
from .models import User


def app_secret() -> str:
    """The key every emailed link is signed with."""
    return current_app.config["SECRET_KEY"]


def send_verification(user: User) -> bool:
    token = profile.verification_token(app_secret(), user)
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
    token = profile.reset_token(app_secret(), user)
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
