"""Statements to a learning record store as they happen: Ralph (ralph-malph 5.1.0, its `fs` backend) on
127.0.0.1, started per test from `.venv-ralph` (`make test` installs it there: its pins clash with ours).

The statements Ralph receives are compared with the instructor's xAPI export of the same attempts: same
ids, same content. Time for the retries is injected, never waited for.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from course.clock import utcnow
from course.extensions import db
from course.xapi import cli as xapi_cli
from course.xapi.models import StatementOutbox

from ..support.helpers import login
from ..support.journey import answer_all, catalog, read_module, start_quiz, submit
from ..support.mailbox import free_port

RALPH = Path(__file__).resolve().parents[2] / ".venv-ralph" / "bin"
USER, PASSWORD = "course", "lrs-test-secret"


class Ralph:
    """A Ralph LRS on a port of the test's choosing, started and stopped on demand."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port, self.process = folder, port, None
        self.url = f"http://127.0.0.1:{port}/xAPI/"
        self.env = {
            **os.environ,
            "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_AUTH_FILE": str(folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
        }
        subprocess.run(
            [RALPH / "ralph", "auth", "-u", USER, "-p", PASSWORD, "-s", "all", "-M", "mailto:lrs@example.org", "-w"],
            env=self.env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        self.process = subprocess.Popen(
            [RALPH / "uvicorn", "ralph.api:app", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}about", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.2)  # waiting for a process to listen, not for wall-clock time to pass
        raise RuntimeError("Ralph did not start in 30 s")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def statements(self) -> dict[str, dict]:
        found, url = {}, f"{self.url}statements?limit=500"
        while url:
            page = requests.get(url, auth=(USER, PASSWORD), headers={"X-Experience-API-Version": "1.0.3"}, timeout=10)
            page.raise_for_status()
            body = page.json()
            found.update({s["id"]: s for s in body["statements"]})
            url = f"http://127.0.0.1:{self.port}{body['more']}" if body.get("more") else None
        return found


@pytest.fixture
def ralph(tmp_path):
    if not (RALPH / "ralph").exists():
        pytest.skip("Ralph is not installed: `make test` installs it into .venv-ralph")
    lrs = Ralph(tmp_path / "ralph", free_port())
    yield lrs
    lrs.stop()


@pytest.fixture
def lrs_app(app_factory, ralph):
    return app_factory(XAPI_LRS_URL=ralph.url, XAPI_LRS_USERNAME=USER, XAPI_LRS_PASSWORD=PASSWORD, XAPI_LRS_TIMEOUT=5)


def take_quiz(app, client, right: bool = True) -> int:
    module = catalog(app).modules[0]
    read_module(client, module)
    attempt = start_quiz(client, module.slug)
    answer_all(client, app, attempt, right=right)
    assert submit(client, attempt).status_code == 303
    return attempt


def exported(app, make_user) -> dict[str, dict]:
    """The instructor's xAPI export, by statement id."""
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin.email)
    lines = client.get("/instructor/exports/xapi.jsonl").get_data(as_text=True).splitlines()
    return {s["id"]: s for s in map(json.loads, lines)}


def outbox(app) -> list[StatementOutbox]:
    with app.app_context():
        return db.session.scalars(select(StatementOutbox).order_by(StatementOutbox.id)).all()


def without_lrs_fields(statement: dict) -> dict:
    return {k: v for k, v in statement.items() if k not in ("stored", "authority", "version")}


def test_a_submitted_attempt_reaches_the_lrs_at_once_as_the_export_writes_it(lrs_app, ralph, make_user):
    ralph.start()
    trainee = make_user()
    client = lrs_app.test_client()
    login(client, trainee.email)
    take_quiz(lrs_app, client, right=False)
    stored = ralph.statements()
    export = exported(lrs_app, make_user)
    assert set(stored) == set(export) and len(export) >= 3  # attempted, one answered per question, failed
    assert {without_lrs_fields(s)["verb"]["display"]["en-US"] for s in stored.values()} >= {"attempted", "failed"}
    for statement_id, statement in export.items():
        assert without_lrs_fields(stored[statement_id]) == statement
    assert {row.status for row in outbox(lrs_app)} == {"sent"}


def test_nothing_is_lost_while_the_lrs_is_down_and_all_goes_out_when_it_is_back(lrs_app, ralph, make_user, monkeypatch):
    first, second = lrs_app.test_client(), lrs_app.test_client()
    login(first, make_user().email)
    login(second, make_user().email)
    take_quiz(lrs_app, first, right=False)  # the LRS is down: the page still answers
    rows = outbox(lrs_app)
    assert rows and {(r.status, r.tries) for r in rows} == {("pending", 1)}
    assert "cannot reach the LRS" in rows[0].last_error
    first_retry = rows[0].next_try_at

    take_quiz(lrs_app, second)  # backing off: queued, not tried
    rows = outbox(lrs_app)
    queued_later = [r for r in rows if r.next_try_at != first_retry]
    assert queued_later and {r.tries for r in queued_later} == {0} and {r.status for r in rows} == {"pending"}

    runner = lrs_app.test_cli_runner()
    ralph.start()
    monkeypatch.setattr(xapi_cli, "utcnow", lambda: first_retry + timedelta(seconds=1))
    result = runner.invoke(args=["xapi", "send"])
    assert result.exit_code == 0, result.output
    assert f"sent {len(rows)}, rejected 0" in result.output
    assert set(ralph.statements()) == set(exported(lrs_app, make_user)) == {r.statement_id for r in rows}
    assert runner.invoke(args=["xapi", "status"]).output.strip() == f"pending 0 sent {len(rows)} rejected 0"


def test_a_statement_the_lrs_refuses_is_set_aside_and_a_server_error_leaves_the_rest_queued(lrs_app, ralph, make_user):
    """Ralph answers 422 to a statement without a verb; its `fs` backend then stores the next statement,
    and answers 500 to any later write (5.1.0 creates its one file and refuses to write it again), which
    is an LRS failing mid-delivery: what it did not take stays queued, none is marked sent."""
    ralph.start()
    with lrs_app.app_context():
        bad = {"id": "00000000-0000-5000-8000-000000000001", "actor": {"objectType": "Agent", "name": "x"}}
        db.session.add(
            StatementOutbox(statement_id=bad["id"], body=json.dumps(bad), created_at=utcnow(), next_try_at=utcnow())
        )
        db.session.commit()
    client = lrs_app.test_client()
    login(client, make_user().email)
    take_quiz(lrs_app, client)
    rows = {r.statement_id: r for r in outbox(lrs_app)}
    refused = rows.pop(bad["id"])
    assert refused.status == "rejected" and "422" in refused.last_error
    sent = {i for i, r in rows.items() if r.status == "sent"}
    assert set(ralph.statements()) == sent and len(sent) == 1
    waiting = [r for r in rows.values() if r.status == "pending"]
    assert len(waiting) == len(rows) - 1 and {r.tries for r in waiting} == {1}
    assert all("500" in r.last_error and r.next_try_at > r.created_at for r in waiting)


def test_without_an_lrs_nothing_is_queued(app, make_user):
    trainee = make_user()
    client = app.test_client()
    login(client, trainee.email)
    take_quiz(app, client)
    assert outbox(app) == []


def test_retries_back_off_exponentially_up_to_six_hours():
    from course.core.backoff import next_try

    now = utcnow()
    assert [next_try(n, now) - now for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert next_try(10, now) - now == timedelta(hours=6) == next_try(10_000, now) - now


def test_erasing_an_account_drops_its_statements_not_yet_sent(lrs_app, make_user):
    from course.identity.models import User as Account
    from course.privacy import data_rights

    trainee = make_user()
    client = lrs_app.test_client()
    login(client, trainee.email)
    take_quiz(lrs_app, client)  # the LRS is down: the statements wait
    assert outbox(lrs_app)
    with lrs_app.app_context():
        data_rights.erase(db.session.get(Account, trainee.id), make_user("admin").id, "Asked by the trainee")
    assert outbox(lrs_app) == []
