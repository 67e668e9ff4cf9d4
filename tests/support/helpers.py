"""Test helpers that drive the app the way a person does: pages, forms with their CSRF token, cookies."""

from __future__ import annotations

import re
import secrets

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

PASSWORD = "correct horse battery staple"


def csrf_token(client: FlaskClient) -> str:
    """The token a form on any page would carry for this client's session."""
    with client.session_transaction() as session:
        raw = session.setdefault("csrf_token", secrets.token_hex(20))
    return URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form as a browser would, with the session's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


def register(client: FlaskClient, email: str, name: str = "Test Trainee", password: str = PASSWORD):
    return post(client, "/register", {"email": email, "display_name": name, "password": password, "confirm": password})


def login(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs):
    return post(client, "/login", {"email": email, "password": password}, **kwargs)


def logout(client: FlaskClient):
    return post(client, "/logout")


def text(response) -> str:
    return response.get_data(as_text=True)


def form_values(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"', html)


def csv_text(response) -> str:
    """A CSV download's text: it starts with the UTF-8 byte-order mark Excel needs, dropped here."""
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff"), body[:40]
    return body.removeprefix("\ufeff")
