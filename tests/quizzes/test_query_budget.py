"""SQL statements per request, counted with a SQLAlchemy event: each request within its own budget (at most
8), and the same with 1 or 50 past attempts. A lesson page read again costs the user and one read."""

from __future__ import annotations

from ..helpers import csrf_token, login
from ..journey import answer_all, catalog, let_wait_pass, read_module, start_quiz, submit

BUDGET = 8
# Each request's own budget: a change that adds a statement to a hot page fails here, not in production.
BUDGETS = {"lesson": 2, "quiz question": 3, "save answer": 5, "submit": 8, "result": 8, "dashboard": 4}


def past_attempts(client, app, slug: str, how_many: int) -> None:
    for _ in range(how_many):
        attempt_id = start_quiz(client, slug)
        answer_all(client, app, attempt_id, right=False)
        submit(client, attempt_id)
        let_wait_pass(app, attempt_id)


def measure(app, make_user, query_counter, history: int) -> dict[str, int]:
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    module = catalog(app).module("introduction")
    read_module(client, module)
    past_attempts(client, app, "introduction", history)
    attempt_id = start_quiz(client, "introduction")
    answer_all(client, app, attempt_id, right=True)
    token = csrf_token(client)
    counts = {}

    def count(name, call):
        query_counter.count, query_counter.active = 0, True
        response = call()
        query_counter.active = False
        assert response.status_code in (200, 303), (name, response.status_code)
        counts[name] = query_counter.count

    count("lesson", lambda: client.get(f"/modules/introduction/pages/{module.pages[0].anchor}"))
    count("quiz question", lambda: client.get(f"/attempts/{attempt_id}/questions/1"))
    count(
        "save answer",
        lambda: client.post(f"/attempts/{attempt_id}/questions/1", data={"csrf_token": token, "go": "next"}),
    )
    count("submit", lambda: client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token}))
    count("result", lambda: client.get(f"/attempts/{attempt_id}"))
    count("dashboard", lambda: client.get("/dashboard"))
    return counts


def test_query_counts_are_small_and_do_not_grow_with_history(app, make_user, query_counter):
    one = measure(app, make_user, query_counter, history=1)
    fifty = measure(app, make_user, query_counter, history=50)
    print(
        f"\nSQL statements per request (1 past attempt): {one}\nSQL statements per request (50 past attempts): {fifty}"
    )
    assert one == fifty
    assert all(n <= BUDGET for n in one.values()), one
    assert all(one[name] <= budget for name, budget in BUDGETS.items()), (one, BUDGETS)
