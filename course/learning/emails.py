"""The reminder digest, with its one-click unsubscribe link.

Web layer (it reads the app's settings for the signing key and builds links); returns whether it left.
"""

from __future__ import annotations

from ..content.model import Catalog
from ..core import mail
from ..identity import profile
from ..identity.emails import app_secret
from .reminders import Digest

SUBJECTS = {
    "refresher": "A two-minute refresher is due",
    "overdue": "Your mandatory training is overdue",
    "due-soon": "Your mandatory training is due soon",
    "expiring": "Your certificate expires soon",
    "open-attempt": "You have a quiz to finish",
    "inactive": "Your course is waiting for you",
}


def send_digest(digest: Digest, catalog: Catalog) -> bool:
    """One message for everything due; its subject names the most pressing item."""
    user = digest.user
    unsubscribe = mail.link("accounts.unsubscribe", token=profile.unsubscribe_token(app_secret(), user))
    lines = []
    for item in digest.items:
        module = catalog.module(item.module_slug) if item.module_slug else None
        url = mail.link("quizzes.quiz", slug=item.module_slug) if module else mail.link("learning.dashboard")
        lines.append({"kind": item.kind, "url": url, "module": module.title if module else "", "item": item})
    return mail.send(
        user.email,
        SUBJECTS[digest.items[0].kind],
        "reminder",
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        name=user.display_name,
        lines=lines,
        dashboard=mail.link("learning.dashboard"),
        unsubscribe=unsubscribe,
    )
