"""The enrolment message: an invitation to a cohort.

Web layer (it reads the app's settings); each returns whether the message left.
"""

from __future__ import annotations

from flask import current_app

from ..core import mail
from .models import Invitation


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
