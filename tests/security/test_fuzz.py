"""Issue 10, item 11: every form and every route parameter fuzzed through the test client; no answer
may be a 5xx (ASVS 5.0 2.2.1, 16.5.3). On SQLite, and on PostgreSQL with TEST_DATABASE_URL.

Each test builds its app once (function-scoped fixtures, hence the suppressed health check: the
examples of one test share an app on purpose, like requests to one server) and runs FUZZ_EXAMPLES
examples per target, 15 by default; `FUZZ_EXAMPLES=500 make test PYTEST_ARGS=tests/security/test_fuzz.py`
for a long run. Rate limits are off here so the examples reach the code behind them.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.enrolment import cohorts
from course.extensions import db
from course.identity.models import User

from ..support.helpers import csrf_token, login
from ..support.journey import catalog, read_module, start_quiz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RESULTS: Counter = Counter()

# Text of every kind: any Unicode (NUL and controls included), digits of other scripts, numbers past
# every integer type, and long values (the body limit is 64 KiB, so long but under it).
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
wild = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["\x00", "²", "٣", "1²", "%", "_", "\\", "'", "=1+1", "\u202e", "\r\n", " ", "", "ǅ", "İ" * 254]),
    numbers,
    st.text(min_size=1000, max_size=5000),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=10), st.text(max_size=10)),
)


@pytest.fixture
def world(app_factory, make_user):
    # The test settings already use a cheap password hash (tests/accounts checks the production one).
    app = app_factory(RATELIMIT_ENABLED=False)
    admin, instructor, trainee = make_user("admin"), make_user("instructor"), make_user()
    with app.app_context():
        cohort = cohorts.create_cohort("Fuzz ward", db.session.get(User, instructor.id))
        cohorts.join(trainee.id, cohort.join_code)
    clients = {}
    for name, user in (("admin", admin), ("instructor", instructor), ("trainee", trainee)):
        clients[name] = app.test_client()
        assert login(clients[name], user.email).status_code == 302
    read_module(clients["trainee"], catalog(app).module("introduction"))
    attempt_id = start_quiz(clients["trainee"], "introduction")
    anonymous = app.test_client()
    return app, clients, anonymous, {"trainee": trainee.id, "attempt": attempt_id, "cohort": cohort.id}


def check(target: str, response) -> None:
    response.get_data()
    response.close()
    RESULTS[target] += 1
    assert response.status_code < 500, (target, response.status_code)


def send(client, target: str, url: str, data: dict) -> None:
    check(target, client.post(url, data={**data, "csrf_token": csrf_token(client)}))


FORMS = {
    # target: (client, url, fields)
    "register": ("anonymous", "/register", ["email", "display_name", "password", "confirm", "join_code"]),
    "login": ("anonymous", "/login", ["email", "password"]),
    "password": ("trainee", "/account/password", ["current", "password", "confirm"]),
    "name": ("trainee", "/account/profile", ["display_name"]),
    "join": ("trainee", "/account/join", ["join_code"]),
    "cohort": ("instructor", "/instructor/cohorts", ["name"]),
    "assign": ("admin", "/instructor/cohorts/{cohort}/instructors", ["email"]),
    "action": ("instructor", "/instructor/trainees/{trainee}/actions", ["module", "action", "reason"]),
    "answer": ("trainee", "/attempts/{attempt}/questions/1", ["choice", "match-a", "go"]),
}


@pytest.mark.parametrize("target", sorted(FORMS))
def test_forms_never_answer_5xx(world, target):
    _app, clients, anonymous, ids = world
    who, url, fields = FORMS[target]
    client = anonymous if who == "anonymous" else clients[who]
    url = url.format(**ids)

    @FUZZ
    @given(values=st.fixed_dictionaries({field: wild for field in fields}))
    def run(values):
        send(client, target, url, values)

    run()


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and r.arguments]
    return sorted(rules, key=lambda r: r.rule)


@pytest.mark.parametrize("who", ["admin", "trainee"])
def test_every_route_parameter(world, who):
    app, clients, _anonymous, _ = world
    rules = _routes(app)
    assert len(rules) >= 10

    @settings(FUZZ, max_examples=max(EXAMPLES, EXAMPLES * len(rules) // 3))
    @given(rule=st.sampled_from(rules), values=st.lists(wild, min_size=4, max_size=4))
    def run(rule, values):
        path = rule.rule
        for name, value in zip(sorted(rule.arguments), values, strict=False):
            path = re.sub(rf"<(?:\w+:)?{name}>", quote(value, safe=""), path)
        client = clients[who]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                check(f"route parameters as {who}", client.get(path))
            else:
                send(client, f"route parameters as {who}", path, {})

    run()


QUERIES = {
    "/instructor/": ["cohort", "page", "q", "sort", "signal"],
    "/instructor/matrix.csv": ["cohort", "page", "q", "sort", "signal"],
    "/instructor/statistics": ["module", "cohort"],
    "/login": ["next"],
    "/register": ["code"],
    "/account": ["code"],
    "/verify": ["code"],
}


@pytest.mark.parametrize("url", sorted(QUERIES))
def test_query_parameters_never_answer_5xx(world, url):
    _app, clients, anonymous, _ = world
    client = clients["admin"] if url.startswith(("/instructor", "/account")) else anonymous

    @FUZZ
    @given(values=st.fixed_dictionaries({name: wild for name in QUERIES[url]}))
    def run(values):
        check(f"query {url}", client.get(url, query_string=values))

    run()


def test_report_counts(capsys):
    """Not a check: prints how many requests each target sent in this run (with `-s`)."""
    with capsys.disabled():
        for target, count in sorted(RESULTS.items()):
            print(f"fuzz {target}: {count} requests")
