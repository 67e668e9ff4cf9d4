"""Real concurrent requests against a threaded HTTP server: on SQLite by default, on PostgreSQL when
TEST_DATABASE_URL is set (.ci/run runs the suite both ways)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from course.extensions import db
from course.quizzes.models import QuizAttempt

from ..support.helpers import csrf_token, login
from ..support.journey import answer_all, attempt_row, catalog, read_module, start_quiz

PARALLEL = 12


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fire_at_once(urls: list[str], cookie: str, token: str) -> list[tuple[int, str]]:
    """POST the same form from PARALLEL threads released together, spread over the given servers."""
    barrier = threading.Barrier(PARALLEL)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    opener = urllib.request.build_opener(NoRedirect)

    def one(url: str):
        body = urllib.parse.urlencode({"csrf_token": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Cookie": cookie}, method="POST")
        barrier.wait(timeout=10)
        try:
            with opener.open(request, timeout=30) as response:
                outcome = (response.status, response.headers.get("Location", ""))
        except urllib.error.HTTPError as error:
            outcome = (error.code, error.headers.get("Location", ""))
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one, args=(urls[n % len(urls)],)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def logged_in(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    token = csrf_token(client)
    cookie = f"session={client.get_cookie('session').value}"
    return client, cookie, token


@pytest.fixture
def second_server(app_factory):
    """Another app instance on the same database, with its own connection pool: a second server process."""
    server = make_server("127.0.0.1", 0, app_factory(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_parallel_submits_to_two_servers_grade_exactly_once(app, make_user, live_server, second_server):
    client, cookie, token = logged_in(app, make_user)
    read_module(client, catalog(app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=True)

    urls = [f"{server}/attempts/{attempt_id}/submit" for server in (live_server, second_server)]
    results = fire_at_once(urls, cookie, token)
    assert len(results) == PARALLEL
    assert all(status == 303 for status, _ in results), results
    assert len({location for _, location in results}) == 1  # every click led to the same page
    assert all(f"/attempts/{attempt_id}" in location for _, location in results)
    attempt = attempt_row(app, attempt_id)
    assert attempt.status == "submitted" and attempt.percent == 100.0


def test_parallel_starts_create_one_open_attempt(app, make_user, live_server):
    client, cookie, token = logged_in(app, make_user)
    read_module(client, catalog(app).module("introduction"))

    results = fire_at_once([f"{live_server}/modules/introduction/quiz/start"], cookie, token)
    assert all(status == 303 for status, _ in results), results
    assert len({location for _, location in results}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
