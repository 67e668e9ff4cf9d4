"""Issue 10, item 12: production settings (ASVS 5.0 3.4.1, 13.4.x, 14.x, 3.3.x; Host header safety)."""

from __future__ import annotations

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
    app = app_factory(SECRET_KEY=STRONG, TRUSTED_HOSTS=["localhost"])
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
