"""Password policy and hashing.

Length is what makes a password strong, so the rule is 12+ characters and not one of the passwords
that attackers try first. The list is Django's bundled common-passwords list (20,000 entries from
Royce Williams' breach corpus, BSD licence), checked case-insensitively.
"""

from __future__ import annotations

import gzip
import secrets
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


PRODUCTION_METHOD = "scrypt"
# Set from the PASSWORD_HASH_METHOD setting by the factory. Only the test settings choose a cheap method:
# hundreds of test accounts would otherwise spend most of the suite's time in scrypt.
_method = PRODUCTION_METHOD


def configure(method: str) -> None:
    global _method  # one process-wide setting, fixed at start-up
    _method = method


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def waste_a_check(password: str) -> None:
    """Verify against a throwaway hash, so a log-in for an unknown email takes as long as a real one."""
    check_password_hash(_dummy_hash(_method), password)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
