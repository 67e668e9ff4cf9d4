"""What the pages do not pay for on every request: hashed static URLs cached for a year, the anonymous
home page rendered once, a repeated lesson view that writes nothing, production templates never re-read."""

from __future__ import annotations

import os
import re
from datetime import timedelta

from sqlalchemy import select

from course.assets import IMMUTABLE
from course.clock import utcnow
from course.extensions import db
from course.learning import services
from course.learning.models import LessonProgress, ModuleSummary
from course.web import _declares_no_limit

from .helpers import login
from .journey import catalog

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
    from course.assets import StaticHashes

    (tmp_path / "site.css").write_text("body { color: black }")
    hashes = StaticHashes(tmp_path, watch=True)
    before = hashes.get("site.css")
    (tmp_path / "site.css").write_text("body { color: navy }")
    os.utime(tmp_path / "site.css", (1, 1))
    assert hashes.get("site.css") not in (before, None)
    assert hashes.get("missing.css") is None


def test_production_does_not_reload_templates(app_factory, monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    app = app_factory(SECRET_KEY="x" * 32, TRUSTED_HOSTS=["course.example"])
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


def test_the_rate_limiter_skips_only_views_without_limits(app):
    with app.test_request_context("/"):
        assert _declares_no_limit()
    # The log-in and the other guessable endpoints are counted by course.throttle, not by decorators, so
    # skipping the limiter's per-view bookkeeping never skips them (tests/security/test_throttle.py).
    with app.test_request_context("/login", method="POST"):
        assert _declares_no_limit()
