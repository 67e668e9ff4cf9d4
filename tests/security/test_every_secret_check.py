"""Review 2026-12 M2 (ASVS 5.0 2.4.1, 6.3.1): every place the course checks a password, a token or a code,
in one table. Each one is either limited (the guess is counted BEFORE it is checked, so the request over
the limit gets 429 without the check running) or a signature check, which costs one HMAC whatever is sent
and cannot be guessed (the rationale is stated with the case).

`test_the_table_names_every_check_in_the_code` reads course/ for the calls that check such a secret: a
new one fails it until it is in the table, with its case here."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug import security

from course.enrolment import cohorts
from course.extensions import db
from course.identity import passwords
from course.identity.models import User

from ..support.helpers import PASSWORD, csrf_token, login, post

LIMIT = 3
FORGED = "eyJmb3JnZWQiOjF9.Zm9yZ2Vk.c2lnbmF0dXJl"
METRICS = "m" * 40
SIGNED = (
    "an itsdangerous signature (HMAC-SHA1 with a key derived from the 32+ byte SECRET_KEY and a salt per "
    "purpose) is checked before anything is looked up: one HMAC per request, whatever is sent, and "
    "forging one means guessing a 160-bit MAC, so counting guesses would protect nothing"
)


@dataclass
class World:
    app: object
    trainee: object  # a logged-in client
    instructor: object  # a logged-in client
    cohort_id: int

    def anonymous(self):
        return self.app.test_client()


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[World, int], object]  # the n-th wrong guess
    refused: int  # the status of a wrong guess
    why: str = ""  # for signature checks: why they need no limit


def _wrong_password(path: str, field: str, extra: dict | None = None):
    return lambda w, n: post(w.trainee, path, {field: f"wrong guess {n}!", **(extra or {})})


NEW = "a different long passphrase"
LIMITED = [
    Case("log-in", lambda w, n: login(w.anonymous(), w.trainee.user.email, f"wrong guess {n}!"), 401),
    Case("change password", _wrong_password("/account/password", "current", {"password": NEW, "confirm": NEW}), 400),
    Case("delete account", _wrong_password("/account/delete", "password"), 400),
    Case("join code, account page", lambda w, n: post(w.trainee, "/account/join", {"join_code": f"WRONG{n}"}), 400),
    Case(
        "join code, registration",
        lambda w, n: post(
            w.anonymous(),
            "/register",
            {"email": f"new{n}@example.com", "display_name": "New", "password": PASSWORD, "confirm": PASSWORD}
            | {"join_code": f"WRONG{n}"},
        ),
        400,
    ),
    Case("certificate verification", lambda w, n: w.anonymous().get(f"/verify/WRONG-CODE-{n}"), 404),
]
SIGNATURES = [
    Case("reset link (open)", lambda w, n: w.anonymous().get(f"/reset-password/{FORGED}{n}"), 400, SIGNED),
    Case(
        "reset link (new password)",
        lambda w, n: post(w.anonymous(), f"/reset-password/{FORGED}{n}", {"password": NEW, "confirm": NEW}),
        400,
        SIGNED,
    ),
    Case("email confirmation link", lambda w, n: w.anonymous().get(f"/account/verify-email/{FORGED}{n}"), 400, SIGNED),
    Case("unsubscribe link", lambda w, n: post(w.anonymous(), f"/unsubscribe/{FORGED}{n}"), 400, SIGNED),
    Case("invitation link (open)", lambda w, n: w.anonymous().get(f"/invitations/{FORGED}{n}"), 400, SIGNED),
    Case(
        "invitation link (accept)",
        lambda w, n: post(w.trainee, f"/invitations/{FORGED}{n}", {"password": NEW, "confirm": NEW}),
        400,
        SIGNED,
    ),
    Case(
        "invitation preview",
        lambda w, n: post(w.instructor, f"/instructor/cohorts/{w.cohort_id}/invitations/confirm", {"roster": f"x{n}"}),
        400,
        SIGNED,
    ),
    Case("LMS hand-off link", lambda w, n: w.anonymous().get(f"/lti/continue/{FORGED}{n}"), 403, SIGNED),
    Case(
        "metrics token",
        lambda w, n: w.anonymous().get("/metrics", headers={"Authorization": f"Bearer {'x' * 39}{n}"}),
        404,
        "compared with hmac.compare_digest (constant time) against METRICS_TOKEN, a long random secret the "
        "README asks for; nothing is looked up, and a wrong token gets the same 404 as no token",
    ),
    Case(
        "readiness detail (metrics token)",
        lambda w, n: w.anonymous().get("/readyz", headers={"Authorization": f"Bearer {'x' * 39}{n}"}),
        200,
        "the same constant-time comparison as /metrics (metrics.has_metrics_token)",
    ),
]


@pytest.fixture
def world(app_factory, make_user, monkeypatch) -> World:
    app = app_factory(
        LOGIN_RATE_LIMIT=f"{LIMIT} per minute",
        LOGIN_ACCOUNT_RATE_LIMIT=f"{LIMIT} per minute",
        JOIN_RATE_LIMIT=f"{LIMIT} per minute",
        VERIFY_RATE_LIMIT=f"{LIMIT} per minute",
        REGISTER_RATE_LIMIT="100 per minute",
        METRICS_TOKEN=METRICS,
    )
    trainee, instructor = make_user(), make_user("instructor")
    with app.app_context():
        cohort_id = cohorts.create_cohort("Ward 1", db.session.get(User, instructor.id)).id
    clients = []
    for user in (trainee, instructor):
        client = app.test_client()
        assert login(client, user.email).status_code == 302  # a right password gives its count back
        csrf_token(client)
        client.user = user
        clients.append(client)
    return World(app, clients[0], clients[1], cohort_id)


@pytest.fixture
def hash_checks(monkeypatch) -> list[int]:
    """Every password hash checked (log-in, current password, delete account, the unknown-email decoy)."""
    checks: list[int] = []
    real = security.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda *args: checks.append(1) or real(*args))
    return checks


@pytest.mark.parametrize("case", LIMITED, ids=lambda c: c.name)
def test_each_guessable_check_is_counted_before_it_runs(world, hash_checks, case):
    statuses = [case.send(world, n).status_code for n in range(LIMIT + 2)]
    assert statuses == [case.refused] * LIMIT + [429, 429], statuses
    assert len(hash_checks) <= LIMIT  # a refused guess is never checked


@pytest.mark.parametrize("case", SIGNATURES, ids=lambda c: c.name)
def test_each_signed_secret_is_refused_at_the_same_cost_without_a_limit(world, hash_checks, case):
    assert len(case.why) > 40, "say why this check needs no limit"
    statuses = [case.send(world, n).status_code for n in range(3 * LIMIT)]
    assert statuses == [case.refused] * (3 * LIMIT), statuses
    assert hash_checks == []


# Where course/ checks a password, a token or a code: the call, and the function it is in.
CHECKS = {
    "verify_password": {
        "course/identity/services.py:authenticate",
        "course/identity/services.py:change_password",
        "course/privacy/data_rights.py:erase_own",
    },
    "waste_a_check": {"course/identity/services.py:authenticate"},
    "check_password_hash": {
        "course/identity/passwords.py:waste_a_check",
        "course/identity/passwords.py:verify_password",
    },
    "compare_digest": {"course/core/metrics.py:has_metrics_token"},
    "loads": {
        "course/identity/tokens.py:read",
        "course/enrolment/invitations.py:read_preview",
        "course/web/cookies.py:open_session",
        "course/lti/views.py:handoff",
    },
    "cohort_by_code": {"course/enrolment/join_views.py:register", "course/enrolment/cohorts.py:join"},
    "verify": {"course/learning/views.py:verify"},
}
# `loads` in web/cookies.py is Flask's session cookie, signed the same way as the links above.
COVERED_BY = {
    "authenticate": "log-in",
    "change_password": "change password",
    "erase_own": "delete account",
    "has_metrics_token": "metrics token",
    "waste_a_check": "log-in",
    "verify_password": "log-in",
    "read": "reset link (open)",
    "read_preview": "invitation preview",
    "register": "join code, registration",
    "join": "join code, account page",
    "verify": "certificate verification",
    "handoff": "LMS hand-off link",
}


def _calls(root: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {name: set() for name in CHECKS}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    owner = getattr(getattr(node.func, "value", None), "id", "")
                    if callee in found and owner != "json":  # json.loads reads data, it checks no secret
                        found[callee].add(f"{path.relative_to(root.parent)}:{function.name}")
    return found


def test_the_table_names_every_check_in_the_code():
    root = Path(__file__).resolve().parents[2] / "course"
    found = _calls(root)
    found["verify"] = {site for site in found["verify"] if site.startswith("course/learning/views.py")}
    assert found == CHECKS
    cases = {case.name for case in LIMITED + SIGNATURES}
    sites = {site.rsplit(":", 1)[1] for sites in CHECKS.values() for site in sites} - {"open_session"}
    assert {COVERED_BY[site] for site in sites} <= cases
