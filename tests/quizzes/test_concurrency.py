"""Real concurrent requests against a threaded HTTP server: on SQLite by default, on PostgreSQL when
TEST_DATABASE_URL is set (.ci/run runs the suite both ways)."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import func, select

from course.extensions import db
from course.quizzes.models import QuizAttempt

from ..helpers import csrf_token, login
from ..journey import answer_all, attempt_row, catalog, read_module, start_quiz

PARALLEL = 12


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fire_at_once(url: str, cookie: str, token: str) -> list[tuple[int, str]]:
    """POST the same form from PARALLEL threads released together; return (status, Location) each."""
    barrier = threading.Barrier(PARALLEL)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()
    opener = urllib.request.build_opener(NoRedirect)

    def one():
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

    threads = [threading.Thread(target=one) for _ in range(PARALLEL)]
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


def test_parallel_submits_grade_exactly_once(app, make_user, live_server):
    client, cookie, token = logged_in(app, make_user)
    read_module(client, catalog(app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=True)

    results = fire_at_once(f"{live_server}/attempts/{attempt_id}/submit", cookie, token)
    assert len(results) == PARALLEL
    assert all(status == 303 for status, _ in results), results
    assert {location.rsplit("/", 1)[-1] for _, location in results} == {str(attempt_id)}
    attempt = attempt_row(app, attempt_id)
    assert attempt.status == "submitted" and attempt.percent == 100.0


def test_parallel_starts_create_one_open_attempt(app, make_user, live_server):
    client, cookie, token = logged_in(app, make_user)
    read_module(client, catalog(app).module("introduction"))

    results = fire_at_once(f"{live_server}/modules/introduction/quiz/start", cookie, token)
    assert all(status == 303 for status, _ in results), results
    assert len({location for _, location in results}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
