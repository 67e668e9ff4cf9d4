"""Accessibility audit 2026-12, F1 and F2, over HTTP: a request that arrives after its session ended.

- The autosave request (Accept: application/json) gets 401 with a reason, never the redirect to the log-in
  page whose 200 the script took for "Answer saved.".
- A form sent after the idle time-out is kept through the log-in, for the same account only, and sent
  again with one press; the log-in returns to the page that held the form, never to the POST address (405).
- A form whose cookie session was emptied by a log-out in another tab is not kept, and the log-in page
  says it was NOT saved.
- The pages tell the script how long the session has left, and "Stay logged in" starts the clock again.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from course import clock
from course.extensions import db
from course.identity.models import UserSession
from course.quizzes.models import AttemptItem

from ..support.helpers import PASSWORD, csrf_token, login, logout, post, text
from ..support.journey import catalog, form_for, read_module, snapshots, start_quiz

JSON = {"Accept": "application/json"}


def idle_for(app, minutes: float) -> None:
    """As if nothing had been sent for `minutes`: every session's last activity moves back."""
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=clock.utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def open_question(client, app):
    read_module(client, catalog(app).module("mechanism"))
    attempt_id = start_quiz(client, "mechanism")
    return attempt_id, snapshots(app, attempt_id)[0]


def stored_response(app, attempt_id: int):
    """The stored answer to question 1 of the attempt (None: nothing saved)."""
    with app.app_context():
        return db.session.scalar(
            select(AttemptItem.response).where(AttemptItem.attempt_id == attempt_id, AttemptItem.position == 1)
        )


def test_an_autosave_after_the_idle_time_out_is_401_with_a_reason(trainee_client, app):
    attempt_id, snapshot = open_question(trainee_client, app)
    idle_for(app, 121)
    response = post(
        trainee_client, f"/attempts/{attempt_id}/questions/1", {**form_for(snapshot, True), "go": "stay"}, headers=JSON
    )
    assert response.status_code == 401  # was 302 to the log-in page, whose 200 the script took for a save
    body = response.get_json()
    assert body["saved"] is False and body["reason"] == "logged-out"
    assert body["message"].startswith("Not saved: you have been logged out")
    assert body["login_url"].startswith("/login?next=")
    assert stored_response(app, attempt_id) is None


def test_an_autosave_after_logging_out_in_another_tab_is_401_with_a_reason(trainee_client, app):
    attempt_id, snapshot = open_question(trainee_client, app)
    token = csrf_token(trainee_client)  # the token in the question page, opened before the log-out
    assert logout(trainee_client).status_code == 302  # the other tab: the cookie session is emptied
    data = {**form_for(snapshot, True), "go": "stay", "csrf_token": token}
    response = trainee_client.post(f"/attempts/{attempt_id}/questions/1", data=data, headers=JSON)
    assert response.status_code == 401 and response.get_json()["reason"] == "logged-out"


def test_a_form_sent_after_the_idle_time_out_is_kept_through_the_log_in(trainee_client, app):
    attempt_id, snapshot = open_question(trainee_client, app)
    page = f"/attempts/{attempt_id}/questions/1"
    idle_for(app, 121)
    answer = {**form_for(snapshot, True), "go": "next"}
    response = post(trainee_client, page, answer, headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Fattempts%2F{attempt_id}%2Fquestions%2F1"
    notice = text(trainee_client.get(response.headers["Location"]))
    assert "what you sent was NOT saved yet. It is kept" in notice

    logged_in = login(trainee_client, trainee_client.user.email)
    assert logged_in.headers["Location"] == "/account/unsent"
    unsent = text(trainee_client.get("/account/unsent"))
    assert f'action="{page}"' in unsent and "has <strong>not</strong> been saved yet" in unsent
    assert f'href="{page}">Back to the page without sending' in unsent
    assert stored_response(app, attempt_id) is None  # never sent by itself

    sent = post(trainee_client, page, answer)  # "Send it now": the kept fields, with the new token
    assert sent.status_code == 303 and stored_response(app, attempt_id) is not None
    assert trainee_client.get("/account/unsent").headers["Location"] == "/dashboard"  # kept only once


def test_a_kept_form_goes_to_no_other_account(trainee_client, app, make_user):
    attempt_id, snapshot = open_question(trainee_client, app)
    idle_for(app, 121)
    post(trainee_client, f"/attempts/{attempt_id}/questions/1", {**form_for(snapshot, True), "go": "next"})
    other = make_user()
    assert login(trainee_client, other.email, PASSWORD).headers["Location"] == "/dashboard"


def test_after_a_log_out_elsewhere_a_form_is_not_saved_and_the_log_in_returns_to_its_page(trainee_client, app):
    attempt_id, snapshot = open_question(trainee_client, app)
    page = f"/attempts/{attempt_id}/questions/1"
    token = csrf_token(trainee_client)
    logout(trainee_client)
    data = {**form_for(snapshot, True), "go": "next", "csrf_token": token}
    response = trainee_client.post(page, data=data, headers={"Referer": f"http://localhost{page}"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=%2Fattempts")
    login_page = response.headers["Location"]
    assert "what you sent was NOT saved. Log in, then send it again" in text(trainee_client.get(login_page))
    back = post(trainee_client, login_page, {"email": trainee_client.user.email, "password": PASSWORD})
    assert back.headers["Location"] == page  # the page with the form: not the POST address, so no 405
    assert trainee_client.get(page).status_code == 200


def test_pages_say_how_long_the_session_has_left_and_stay_logged_in_restarts_it(trainee_client, app):
    idle_for(app, 0.5)  # within a minute the activity is not written again (sessions.TOUCH_SECONDS)
    page = trainee_client.get("/dashboard")
    left = int(page.headers["X-Session-Ends-In"])
    assert 119 * 60 < left <= 120 * 60 - 30 and f'data-session-ends-in="{left}"' in text(page)
    assert 'data-session-warn="180"' in text(page)
    stay = post(trainee_client, "/account/session/stay", headers=JSON)
    assert stay.status_code == 200 and stay.get_json()["ends_in"] > left
