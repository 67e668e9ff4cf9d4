"""Issue 11, item 6: Prometheus metrics at /metrics, for the holder of METRICS_TOKEN only."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from prometheus_client import REGISTRY

from ..support.helpers import login
from ..support.journey import answer_all, catalog, read_module, start_quiz, submit

TOKEN = "metrics-test-token"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_app(app, app_factory):
    return app_factory(METRICS_TOKEN=TOKEN, LOGIN_RATE_LIMIT="2 per minute")


def test_metrics_is_404_without_the_token(app, metrics_app):
    assert app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
    client = metrics_app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404


def test_counters_move_and_are_exposed(metrics_app, make_user):
    client = metrics_app.test_client()
    user = make_user()
    before = {
        "home": value("course_http_requests_total", endpoint="learning.home", method="GET", status="200"),
        "started": value("course_quiz_attempts_started_total", module="introduction"),
        "submitted": value("course_quiz_attempts_submitted_total", module="introduction", passed="true"),
        "failures": value("course_login_failures_total"),
        "limited": value("course_rate_limit_hits_total", endpoint="accounts.login"),
        "latency": value("course_http_request_duration_seconds_count", endpoint="learning.home"),
    }
    client.get("/")
    assert [login(client, user.email, "wrong").status_code for _ in range(3)] == [401, 401, 429]
    client.environ_base["REMOTE_ADDR"] = "10.3.0.1"
    assert login(client, user.email).status_code == 302
    read_module(client, catalog(metrics_app).module("introduction"))
    attempt_id = start_quiz(client, "introduction")
    assert start_quiz(client, "introduction") == attempt_id  # resumed: not a new attempt
    answer_all(client, metrics_app, attempt_id, right=True)
    assert submit(client, attempt_id).status_code == 303
    assert submit(client, attempt_id).status_code == 303  # a second click: graded once

    home = value("course_http_requests_total", endpoint="learning.home", method="GET", status="200")
    assert home == before["home"] + 1
    assert value("course_http_request_duration_seconds_count", endpoint="learning.home") == before["latency"] + 1
    assert value("course_quiz_attempts_started_total", module="introduction") == before["started"] + 1
    submitted = value("course_quiz_attempts_submitted_total", module="introduction", passed="true")
    assert submitted == before["submitted"] + 1
    assert value("course_login_failures_total") == before["failures"] + 2
    assert value("course_rate_limit_hits_total", endpoint="accounts.login") == before["limited"] + 1

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    for name in (
        "course_http_requests_total",
        "course_http_request_duration_seconds_bucket",
        "course_quiz_attempts_started_total",
        "course_quiz_attempts_submitted_total",
        "course_login_failures_total",
        "course_rate_limit_hits_total",
    ):
        assert name in body


MULTIPROCESS = textwrap.dedent(
    """
    import os, sys
    from course import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "METRICS_TOKEN": "t",
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    client = app.test_client()
    for _ in range(3):
        client.get("/healthz")
    body = client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True)
    assert os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]), "the worker wrote its samples to the folder"
    print([line for line in body.splitlines() if 'endpoint="health.healthz"' in line and "requests_total" in line])
    """
)


def test_multiprocess_mode_adds_up_the_workers_samples(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (as under gunicorn), samples go through the shared folder."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    database = f"sqlite:///{tmp_path / 'metrics.db'}"
    result = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS, database], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert 'status="200"} 3.0' in result.stdout
