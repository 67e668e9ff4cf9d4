"""Signed values verified or signed once per worker instead of on every request.

Flask checks the session cookie's signature on every request (a new serializer, a derived key, two HMACs,
base64 and tagged JSON), and Flask-WTF signs the session's CSRF token again for every page with a form
(the log-out button is on every page). Both outcomes depend only on their input and the secret key, so
each worker keeps them (bounded; the store starts again empty when full):

- a cookie string's verified content, with the time it was signed. A string not seen before is always
  verified, and the age limit (PERMANENT_SESSION_LIFETIME) is applied on every request from the kept
  signing time. Only sessions whose values are all immutable (text, numbers, booleans) are kept, and each
  request gets its own copy, so no request can change what another one reads. Revocation does not depend
  on the cookie: the user loader checks the session row on every request (identity/sessions.py).
- the signed form of a session's raw CSRF token. The raw token is what the check compares; signed tokens
  never expire here (WTF_CSRF_TIME_LIMIT is None), and log-in and log-out replace the raw token.
"""

from __future__ import annotations

import time

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .bounded import keep

KEPT = 4096  # entries per store and process
CSRF_FIELD = "csrf_token"  # Flask-WTF's session key and `g` attribute (WTF_CSRF_FIELD_NAME's default)
_IMMUTABLE = (str, int, float, bool, type(None))


class VerifiedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._verified: dict[str, tuple[dict, float]] = {}
        self._serializer: URLSafeTimedSerializer | None = None
        self._keys: tuple = ()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys != self._keys:  # a new key: nothing verified with the old one counts any more
            self._keys, self._serializer = keys, super().get_signing_serializer(app)
            self._verified = {}
        return self._serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        value = request.cookies.get(self.get_cookie_name(app))
        if serializer is None or not value:
            return super().open_session(app, request)
        max_age = app.permanent_session_lifetime.total_seconds()
        kept = self._verified.get(value)
        if kept is not None:
            data, signed_at = kept
            return self.session_class(data if 0 <= time.time() - signed_at <= max_age else {})
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _IMMUTABLE) for v in data.values()):
            keep(self._verified, value, (data, signed.timestamp()), KEPT)
        return self.session_class(data)


def _reuse_signed_csrf_token() -> None:
    """before_request: Flask-WTF's generate_csrf signs only when `g` has no token yet."""
    raw = session.get(CSRF_FIELD)
    signed = current_app.extensions["signed_csrf_tokens"].get(raw) if isinstance(raw, str) else None
    if signed is not None:
        setattr(g, CSRF_FIELD, signed)


def _keep_signed_csrf_token(response):
    signed, raw = g.get(CSRF_FIELD), session.get(CSRF_FIELD)
    if isinstance(signed, str) and isinstance(raw, str):
        tokens = current_app.extensions["signed_csrf_tokens"]
        if raw not in tokens:
            keep(tokens, raw, signed, KEPT)
    return response


def init_app(app: Flask) -> None:
    app.session_interface = VerifiedOnceSessionInterface()
    app.extensions["signed_csrf_tokens"] = {}  # per app: each app signs with its own key
    app.before_request(_reuse_signed_csrf_token)
    app.after_request(_keep_signed_csrf_token)
