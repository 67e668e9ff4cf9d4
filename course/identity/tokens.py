"""Signed links: email verification, password reset, invitations, unsubscribe.

Each purpose has its own salt, so a token made for one cannot be used for another. A token embeds a short
fingerprint of the state it may change (the email and whether it is verified; the password hash; the
invitation's state), so it stops working once used: the state it was made for no longer exists. Expiry
comes from the signature's timestamp. Nothing is stored on the server.
"""

from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import CourseError

PURPOSES = ("verify-email", "reset-password", "invitation", "unsubscribe")


class InvalidLink(CourseError):
    status = 400


def fingerprint(*state: object) -> str:
    return hashlib.sha256("\x00".join(str(part) for part in state).encode()).hexdigest()[:20]


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return URLSafeTimedSerializer(secret, salt=f"course.accounts.{purpose}")


def make(secret: str, purpose: str, subject_id: int, *state: object) -> str:
    return _serializer(secret, purpose).dumps([subject_id, fingerprint(*state)])


def read(secret: str, purpose: str, token: str, max_age: int | None) -> tuple[int, str]:
    """(subject id, fingerprint) of a genuine, unexpired token; InvalidLink with a clear message otherwise."""
    try:
        subject_id, print_ = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidLink("This link has expired. Ask for a new one.") from None
    except (BadSignature, ValueError, TypeError):
        raise InvalidLink("This link is not valid. Check that you copied all of it, or ask for a new one.") from None
    if not isinstance(subject_id, int) or not isinstance(print_, str):
        raise InvalidLink("This link is not valid. Check that you copied all of it, or ask for a new one.")
    return subject_id, print_


USED = "This link has already been used or is no longer valid. Ask for a new one if you still need it."
