"""One test per override in course/web/overrides.py: each pins the framework behaviour the override relies
on, so a Flask or Flask-Limiter upgrade that changes it fails here rather than quietly."""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

from course.extensions import limiter
from course.web import overrides
from course.web.overrides import _declares_no_limit


def test_flask_returns_a_sync_function_unchanged_so_its_answer_can_be_kept(app):
    def view():
        return "ok"

    assert Flask.ensure_sync(app, view) is view  # what LeanFlask keeps, per function
    assert app.ensure_sync(view) is view and app.ensure_sync(view) is app._sync[view]


def test_flask_limiter_registers_the_hook_the_gate_replaces(app):
    plain = Flask("plain")
    own = Limiter(get_remote_address, app=plain, storage_uri="memory://")
    assert own._check_request_limit in plain.before_request_funcs[None]
    hooks = app.before_request_funcs[None]
    assert overrides._check_declared_limits in hooks and limiter._check_request_limit not in hooks
    manager = limiter.limit_manager  # the internals _declares_no_limit reads
    assert isinstance(manager._blueprint_limits, dict) and isinstance(limiter._marked_for_limiting, set)
    assert isinstance(limiter._meta_limits, list) and callable(manager.has_hints)


def test_the_rate_limiter_skips_only_views_without_limits(app):
    with app.test_request_context("/"):
        assert _declares_no_limit()
    # The log-in and the other guessable endpoints are counted by course.web.limits, not by decorators, so
    # skipping the limiter's per-view bookkeeping never skips them (tests/security/test_throttle.py).
    with app.test_request_context("/login", method="POST"):
        assert _declares_no_limit()


def test_the_limiter_hook_runs_only_where_a_view_declares_limits(app, client, monkeypatch):
    checked, identify = [], limiter.identify_request  # the first thing the limiter's check does

    def identifying():
        checked.append(request.endpoint)
        return identify()

    monkeypatch.setattr(limiter, "identify_request", identifying)
    for path in ("/", "/login", "/healthz"):
        assert client.get(path).status_code == 200
    assert checked == []
    client.get("/forgot-password")  # declares limits (on its POSTs): the limiter decides
    assert set(checked) == {"accounts.forgot_password"}


def test_the_in_memory_fallback_counts_while_the_storage_fails(app, monkeypatch):
    """hit() marks the storage dead, and Flask-Limiter then hands out its in-memory limiter."""

    class Unreachable:
        def hit(self, *args, **kwargs):
            raise ConnectionError("the shared storage is down")

    monkeypatch.setattr(limiter, "_limiter", Unreachable())
    monkeypatch.setattr(limiter, "_storage_dead", False)
    item = parse("2 per minute")
    assert limiter._in_memory_fallback_enabled
    assert [overrides.hit(item, "test-fallback", "key") for _ in range(3)] == [True, True, False]
    assert limiter._storage_dead and limiter.limiter is limiter._fallback_limiter
