"""Limits on guessable endpoints, counted BEFORE the guess is checked.

A limit that counts failures after the fact (Flask-Limiter's `deduct_when`) lets every request that
arrives together pass the check: 120 simultaneous wrong passwords were 120 password checks. Here each
attempt is counted first with the limiter's `hit` (an atomic increment in its storage: a lock in memory,
INCRBY in Redis, so shared by every worker when RATELIMIT_STORAGE_URI is Redis), and a request over the
limit is refused with 429 without looking at the password, code or email.

Counters (settings in config.py, values in README.md):
- log-in and the current-password check: per address (LOGIN_RATE_LIMIT) and per account, by normalised
  email (LOGIN_ACCOUNT_RATE_LIMIT), so neither one address nor a botnet can guess one password fast;
  a successful log-in gives its two hits back, so staff behind one clinic address are not held up.
- registration: per address (REGISTER_RATE_LIMIT);
- cohort join codes: per address (JOIN_RATE_LIMIT);
- certificate verification: per address (VERIFY_RATE_LIMIT).
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from . import overrides


class Throttled(TooManyRequests):
    def __init__(self, message: str, retry_after: int = 60):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Retry-After", str(self.retry_after))]


def _items(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _enabled() -> bool:
    return current_app.config.get("RATELIMIT_ENABLED", True)


def count(setting: str, scope: str, key: str, message: str) -> None:
    """Count one attempt under every limit of `setting`; raise Throttled when any is exceeded."""
    if not _enabled():
        return
    refused = [item for item in _items(setting) if not overrides.hit(item, scope, key)]  # Redis down: memory
    if refused:
        retry = max(item.get_expiry() for item in refused)
        raise Throttled(message, retry_after=retry)


def give_back(setting: str, scope: str, key: str) -> None:
    """Undo one `count` (fixed-window counters, the default strategy): for a successful log-in."""
    if not _enabled():
        return
    for item in _items(setting):
        overrides.hit(item, scope, key, cost=-1)


def address() -> str:
    return get_remote_address() or "unknown"


LOGIN_MESSAGE = "Too many failed log-in attempts from your address. Wait a minute, then try again."
ACCOUNT_MESSAGE = "Too many failed log-in attempts for this account. Wait a few minutes, then try again."


def password_guess(email: str) -> None:
    """A log-in or a current-password check, counted for the address and for the account."""
    count("LOGIN_RATE_LIMIT", "login-address", address(), LOGIN_MESSAGE)
    count("LOGIN_ACCOUNT_RATE_LIMIT", "login-account", email.strip().lower(), ACCOUNT_MESSAGE)


def password_right(email: str) -> None:
    give_back("LOGIN_RATE_LIMIT", "login-address", address())
    give_back("LOGIN_ACCOUNT_RATE_LIMIT", "login-account", email.strip().lower())


def registration() -> None:
    count("REGISTER_RATE_LIMIT", "register", address(), "Too many registrations from your address. Try again later.")


def join_code() -> None:
    count("JOIN_RATE_LIMIT", "join-code", address(), "Too many join codes tried. Wait a minute, then try again.")


def verification() -> None:
    count("VERIFY_RATE_LIMIT", "verify", address(), "Too many certificate checks from your address. Wait a minute.")
