"""Times in the person's own zone (web/times.py, pure) and the profile setting that chooses it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from course.web import times

from ..support.helpers import post, text
from ..support.journey import answer_all, catalog, read_module, start_quiz, submit

WINTER = datetime(2026, 12, 6, 23, 29)  # naive UTC, as stored


def test_a_moment_is_written_in_the_chosen_zone_in_one_format():
    assert times.when_text(WINTER, None) == "06 Dec 2026, 23:29 UTC"
    assert times.when_text(WINTER, "Europe/Berlin") == "07 Dec 2026, 00:29 CET"
    assert times.when_text(WINTER, "America/New_York") == "06 Dec 2026, 18:29 EST"
    assert times.when_text(WINTER, "Asia/Kolkata") == "07 Dec 2026, 04:59 IST"
    assert times.when_text(WINTER, "No/Such_Zone") == "06 Dec 2026, 23:29 UTC"  # never fails a page


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=20), "now"),
        (timedelta(minutes=4, seconds=10), "in 4 minutes"),
        (timedelta(minutes=1), "in 1 minute"),
        (-timedelta(hours=3), "3 hours ago"),
        (-timedelta(days=14), "14 days ago"),
    ],
)
def test_relative_phrases(delta, words):
    assert times.relative(WINTER + delta, WINTER) == words


def test_the_profile_sets_the_zone_and_the_retake_time_follows_it(trainee_client, app):
    module = catalog(app).modules[0]
    read_module(trainee_client, module)
    attempt_id = start_quiz(trainee_client, module.slug)
    answer_all(trainee_client, app, attempt_id, right=False)
    submit(trainee_client, attempt_id)
    assert "UTC" in text(trainee_client.get(f"/modules/{module.slug}/quiz"))

    refused = post(trainee_client, "/account/profile", {"display_name": "Test Trainee", "time_zone": "Mars/Olympus"})
    assert refused.status_code == 400 and "Choose a time zone" in text(refused)
    saved = post(trainee_client, "/account/profile", {"display_name": "Test Trainee", "time_zone": "Asia/Tokyo"})
    assert saved.status_code == 303
    page = text(trainee_client.get(f"/modules/{module.slug}/quiz"))
    assert "Your next attempt opens at" in page and " JST</time>" in page and "(in 5 minutes)" in page
    assert 'value="Asia/Tokyo"' in text(trainee_client.get("/account"))
