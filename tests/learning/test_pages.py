"""Course pages as a visitor and a trainee see them."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from ..support.helpers import post, text
from ..support.journey import catalog

DISCLAIMER = "Educational use only"


def test_home_lists_every_module_in_order_without_login(client, app):
    page = text(client.get("/"))
    modules = catalog(app).modules
    positions = [page.index(m.title) for m in modules]
    assert positions == sorted(positions)
    for module in modules:
        assert str(escape(module.summary)) in page
        assert f"About {module.minutes} minutes" in page
    assert DISCLAIMER in page


def test_module_page_is_public_and_lesson_pages_need_login(client, app):
    module = catalog(app).module("mechanism")
    assert client.get("/modules/mechanism").status_code == 200
    response = client.get(f"/modules/mechanism/pages/{module.pages[0].anchor}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_module_and_page_are_404_in_the_site_layout(trainee_client):
    for url in ("/modules/nothing", "/modules/mechanism/pages/nothing", "/no/such/page"):
        response = trainee_client.get(url)
        assert response.status_code == 404 and "Page not found" in text(response) and DISCLAIMER in text(response)


def test_every_lesson_page_renders_with_the_disclaimer_and_its_links_resolve(trainee_client, app):
    seen_links = set()
    for module in catalog(app).modules:
        for page in module.pages:
            response = trainee_client.get(f"/modules/{module.slug}/pages/{page.anchor}")
            html = text(response)
            assert response.status_code == 200 and str(escape(page.title)) in html
            assert DISCLAIMER in html and "not medical advice" in html
            seen_links |= set(re.findall(r'href="(/modules/[^"#]+)', html))
    for link in sorted(seen_links):
        assert trainee_client.get(link).status_code == 200, link


def test_405_and_error_pages_use_the_layout(client):
    response = client.post("/dashboard")
    assert response.status_code in (400, 405)
    response = client.put("/")
    assert response.status_code == 405 and "Method not allowed" in text(response)


def test_production_never_shows_a_traceback(app_factory, monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    app = app_factory(SECRET_KEY="k" * 32, TRUSTED_HOSTS=["localhost"], BASE_URL="https://localhost")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in text(response) and "Something went wrong" in text(response)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from course import create_app

    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_every_asset_is_local(client):
    html = text(client.get("/"))
    assert not re.search(r'(src|href)="(https?:)?//', html.split("<footer")[0])


def test_mark_complete_goes_to_the_next_page_then_the_quiz(trainee_client, app):
    module = catalog(app).module("introduction")
    first, second = module.pages[0], module.pages[1]
    response = post(trainee_client, f"/modules/introduction/pages/{first.anchor}/complete")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/pages/{second.anchor}")
    last = module.pages[-1]
    response = post(trainee_client, f"/modules/introduction/pages/{last.anchor}/complete")
    assert response.headers["Location"].endswith("/modules/introduction/quiz")
    assert post(trainee_client, "/modules/introduction/pages/nothing/complete").status_code == 404
