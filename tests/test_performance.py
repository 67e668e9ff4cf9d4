"""What the pages do not pay for on every request: hashed static URLs cached for a year, the anonymous
home page rendered once, a repeated lesson view that writes nothing, production templates never re-read,
a session cookie verified once per worker, a CSRF token signed once per session, links built once."""

from __future__ import annotations

import os
import re
import time
from datetime import timedelta

from sqlalchemy import select

from course.clock import utcnow
from course.extensions import db
from course.learning import services
from course.learning.models import LessonProgress, ModuleSummary
from course.quizzes import services as quizzes
from course.web.assets import IMMUTABLE

from .support.helpers import PASSWORD, login, logout, post
from .support.journey import catalog, read_module, start_quiz

WRITES = ("INSERT", "UPDATE", "DELETE")


def static_url(client, name: str) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', page)[1]


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client, app):
    url = static_url(client, "style.css")
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
    assert url.endswith(app.extensions["static_hashes"].get("style.css"))


def test_static_urls_without_the_current_hash_are_revalidated(client):
    for url in ("/static/style.css", "/static/style.css?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_hash_in_development(tmp_path):
    from course.web.assets import StaticHashes

    (tmp_path / "site.css").write_text("body { color: black }")
    hashes = StaticHashes(tmp_path, watch=True)
    before = hashes.get("site.css")
    (tmp_path / "site.css").write_text("body { color: navy }")
    os.utime(tmp_path / "site.css", (1, 1))
    assert hashes.get("site.css") not in (before, None)
    assert hashes.get("missing.css") is None


def test_production_does_not_reload_templates(app_factory, monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    app = app_factory(SECRET_KEY="x" * 32, TRUSTED_HOSTS=["course.example"], BASE_URL="https://course.example")
    assert app.jinja_env.auto_reload is False
    assert app.extensions["static_hashes"].watch is False


def test_the_anonymous_home_page_is_rendered_once_per_process(client, app, make_user):
    first = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == first
    assert len(app.extensions["anonymous_pages"]) == 1
    user = make_user()
    login(client, user.email)
    mine = client.get("/").get_data(as_text=True)
    assert user.display_name in mine and mine != first


def test_the_log_in_page_is_rendered_once_with_each_visitors_own_token(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    tokens = [page_token(first, "/login"), page_token(second, "/login")]
    assert ("accounts/login.html", "") in app.extensions["anonymous_pages"]
    assert tokens[0] != tokens[1] and "slot" not in tokens[0] + tokens[1]
    sent = {"email": user.email, "password": PASSWORD}
    assert second.post("/login", data=sent | {"csrf_token": tokens[0]}).status_code == 400  # not its own token
    assert second.post("/login", data=sent | {"csrf_token": tokens[1]}).status_code == 302


def test_a_repeated_lesson_view_writes_nothing(trainee_client, app, query_counter):
    module = catalog(app).module("introduction")
    url = f"/modules/introduction/pages/{module.pages[0].anchor}"
    query_counter.active = True
    assert trainee_client.get(url).status_code == 200
    first = list(query_counter.statements)
    query_counter.statements.clear()
    assert trainee_client.get(url).status_code == 200
    again = list(query_counter.statements)
    query_counter.active = False
    assert any(s.lstrip().upper().startswith(WRITES) for s in first)  # the first visit is recorded
    assert not any(s.lstrip().upper().startswith(WRITES) for s in again), again
    assert len(again) <= 2  # the user, and the module's progress rows


def test_a_later_lesson_view_moves_last_viewed_once_a_minute(trainee_client, app):
    module = catalog(app).module("introduction")
    anchor = module.pages[0].anchor
    user_id = trainee_client.user.id
    start = utcnow()
    with app.app_context():
        services.open_page(user_id, module, anchor, start)
        services.open_page(user_id, module, anchor, start + timedelta(seconds=30))
        row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user_id))
        assert row.last_viewed_at == start
        services.open_page(user_id, module, anchor, start + timedelta(minutes=2))
        db.session.expire_all()
        row = db.session.scalar(select(LessonProgress).where(LessonProgress.user_id == user_id))
        summary = db.session.scalar(select(ModuleSummary).where(ModuleSummary.user_id == user_id))
        assert row.last_viewed_at == start + timedelta(minutes=2)
        assert summary.last_activity_at == start + timedelta(minutes=2)


def test_a_save_records_the_last_activity_once_a_minute(trainee_client, app):
    read_module(trainee_client, catalog(app).module("introduction"))
    attempt_id = start_quiz(trainee_client, "introduction")
    user_id = trainee_client.user.id
    last_activity = select(ModuleSummary.last_activity_at).where(ModuleSummary.user_id == user_id)
    with app.app_context():
        started = db.session.scalar(last_activity)
        quizzes.save_answer(user_id, attempt_id, 1, {}, started + timedelta(seconds=30))
        assert db.session.scalar(last_activity) == started
        quizzes.save_answer(user_id, attempt_id, 2, {}, started + timedelta(minutes=2))
        db.session.expire_all()
        assert db.session.scalar(last_activity) == started + timedelta(minutes=2)


def page_token(client, url: str = "/dashboard") -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', client.get(url).get_data(as_text=True))[0]
    return re.search(r'value="([^"]+)"', tag)[1]


def test_a_kept_session_cookie_still_expires_and_a_changed_one_is_refused(app, trainee_client, monkeypatch):
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = trainee_client.get_cookie(name).value
    assert trainee_client.get("/dashboard").status_code == 200  # verified, and kept by this worker
    assert trainee_client.get("/dashboard").status_code == 200
    forged = app.test_client()
    forged.set_cookie(name, cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB"))
    assert forged.get("/dashboard").status_code == 302  # a string never verified is checked
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert trainee_client.get("/dashboard").status_code == 302  # the kept cookie is too old now


def test_one_session_keeps_its_signed_csrf_token_until_log_out(app, trainee_client, monkeypatch):
    first = page_token(trainee_client)
    later = time.time() + 120  # Flask-WTF would sign again with a later timestamp
    monkeypatch.setattr(time, "time", lambda: later)
    assert page_token(trainee_client, "/") == first
    assert (
        post(trainee_client, "/account/profile", {"csrf_token": first, "display_name": "Kept Token"}).status_code < 400
    )
    monkeypatch.undo()
    logout(trainee_client)
    login(trainee_client, trainee_client.user.email)
    assert page_token(trainee_client) != first


def test_links_are_kept_per_mount_point(client):
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)
    mounted = client.get("/login", base_url="http://localhost/course/").get_data(as_text=True)
    assert 'href="/course/register"' in mounted and 'href="/register"' not in mounted
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)


def test_module_links_are_kept_per_mount_point(trainee_client, app):
    slug = catalog(app).modules[0].slug
    assert f'href="/modules/{slug}"' in trainee_client.get("/dashboard").get_data(as_text=True)
    mounted = trainee_client.get("/dashboard", base_url="http://localhost/course/").get_data(as_text=True)
    assert f'href="/course/modules/{slug}"' in mounted and f'href="/modules/{slug}"' not in mounted
    assert f'href="/modules/{slug}"' in trainee_client.get("/").get_data(as_text=True)
