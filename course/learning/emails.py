"""The reminder message, with its one-click unsubscribe link.

Web layer (it reads the app's settings for the signing key); returns whether the message left.
"""

from __future__ import annotations

from ..core import mail
from ..identity import profile
from ..identity.emails import app_secret
from ..identity.models import User


def send_reminder(user: User, kind: str, url: str, module: str = "", days: int = 0) -> bool:
    unsubscribe = mail.link("accounts.unsubscribe", token=profile.unsubscribe_token(app_secret(), user))
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
