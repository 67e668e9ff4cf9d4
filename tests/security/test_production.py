"""Issue 10, item 12: production settings (ASVS 5.0 3.4.1, 13.4.x, 14.x, 3.3.x; Host header safety)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from course import create_app

from ..support.helpers import text

STRONG = "k" * 32


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.delenv("SERVER_NAME", raising=False)


def test_hsts_on_every_production_response_and_never_in_development(app_factory, production):
    app = app_factory(SECRET_KEY=STRONG, TRUSTED_HOSTS=["localhost"], BASE_URL="https://localhost")
    client = app.test_client()
    for path in ("/", "/no-such-page", "/static/site.css"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_no_hsts_in_development(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_production_refuses_a_short_secret_key(production, tmp_path):
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        create_app({"SECRET_KEY": "short", "TRUSTED_HOSTS": ["c.example"], "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_refuses_to_start_without_trusted_hosts(production):
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        create_app({"SECRET_KEY": STRONG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_forged_host_is_refused_where_links_are_built(app_factory, make_user):
    app = app_factory(TRUSTED_HOSTS=["course.example", "localhost"])
    from ..support.helpers import login

    client = app.test_client()
    login(client, make_user("instructor").email)
    forged = client.get("/instructor/exports/xapi.jsonl", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert client.get("/verify", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/verify", headers={"Host": "course.example"}).status_code == 200


def test_the_trusted_hosts_setting_is_read_from_the_environment(app_factory, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "course.example, .clinic.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = app_factory()
    assert app.config["TRUSTED_HOSTS"] == ["course.example", ".clinic.example"]
    assert app.config["TRUSTED_PROXIES"] == 2


def test_the_sqlite_file_and_the_instance_folder_are_private(tmp_path):
    database = tmp_path / "private" / "course.db"
    app = create_app({"SECRET_KEY": STRONG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(app.instance_path).stat().st_mode) == 0o700
    with app.app_context():
        from course.extensions import db

        db.engine.dispose()


def test_405_keeps_its_allow_header_in_the_site_layout(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "Method not allowed" in text(response)
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    response = client.put("/")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_production_refuses_to_start_without_base_url(production):
    """Review 2026-12 L10: without BASE_URL, email links followed the request's Host."""
    settings = {"SECRET_KEY": STRONG, "TRUSTED_HOSTS": ["c.example"], "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(settings)


def _trainee(app) -> str:
    from course.identity import services as accounts

    from ..support.helpers import PASSWORD

    with app.app_context():
        return accounts.register("pat@example.org", "Pat Prod", PASSWORD).email


def test_a_reset_link_is_on_base_url_whatever_host_asked_for_it(app_factory, production):
    """Review 2026-12 L10: with a wildcard TRUSTED_HOSTS, a reset asked for through another subdomain
    still mails a link on BASE_URL."""
    app = app_factory(
        SECRET_KEY=STRONG, TRUSTED_HOSTS=[".example.org", "localhost"], BASE_URL="https://course.example.org"
    )
    client = app.test_client()
    email, site = _trainee(app), "https://attacker-pages.example.org"
    page = text(client.get("/forgot-password", base_url=site))
    [token] = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    answer = client.post(
        "/forgot-password",
        data={"email": email, "csrf_token": token},
        base_url=site,
        headers={"Referer": f"{site}/forgot-password"},
    )
    assert answer.status_code == 200
    [message] = list((app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    body = message.read_text()
    assert "https://course.example.org/reset-password/" in body and "attacker-pages" not in body


def test_the_production_session_cookie_has_the_host_prefix(app_factory, production):
    """Review 2026-12 L8 (ASVS 5.0 3.3.1, 3.3.3): `__Host-` binds the cookie to this host, Secure and Path=/."""
    app = app_factory(SECRET_KEY=STRONG, TRUSTED_HOSTS=["localhost"], BASE_URL="https://localhost")
    from ..support.helpers import login

    client = app.test_client()
    response = login(
        client, _trainee(app), base_url="https://localhost", headers={"Referer": "https://localhost/login"}
    )
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-session=")]
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert client.get("/dashboard", base_url="https://localhost").status_code == 200


@pytest.mark.parametrize("method, path", [("GET", "/no-such-page"), ("PUT", "/"), ("GET", "/logout")])
def test_404_and_405_pages_are_not_stored(client, make_user, method, path):
    """Review 2026-12 L9 (ASVS 5.0 14.3.2): an error page carries the user's name and a CSRF token."""
    from ..support.helpers import login

    login(client, make_user().email)
    response = client.open(path, method=method)
    assert response.status_code in (404, 405)
    assert response.headers["Cache-Control"] == "no-store"
