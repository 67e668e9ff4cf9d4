"""Password policy and hashing.

Length is what makes a password strong, so the rule is 12+ characters and not one of the passwords
that attackers try first. The list is Django's bundled common-passwords list (20,000 entries from
Royce Williams' breach corpus, BSD licence), checked case-insensitively.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .models import PASSWORD_MAX, PASSWORD_MIN

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, email: str = "") -> str | None:
    """The reason a new password is refused, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    if password.lower() in common_passwords():
        return "This password is on a list of commonly used passwords; choose another."
    if email and password.lower() == email.lower():
        return "Do not use your email address as your password."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
