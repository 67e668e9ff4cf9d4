"""Each trainee's totals (`trainee_totals`, which the matrix sorts by) stay the sum of their module summaries
through every learner write: pages read, a quiz failed, a retake passed, a second module started."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.learning.models import ModuleSummary, TraineeTotals

from ..support.helpers import login
from ..support.journey import answer_all, catalog, let_wait_pass, read_module, start_quiz, submit


def totals_and_sums(app, user_id: int) -> tuple[dict, dict]:
    """The stored totals, and the same figures added up from the summaries."""
    with app.app_context():
        stored = db.session.get(TraineeTotals, user_id)
        rows = db.session.scalars(select(ModuleSummary).where(ModuleSummary.user_id == user_id)).all()
        sums = {
            "pages_done": sum(r.pages_done for r in rows),
            "passed": sum(1 for r in rows if r.passed),
            "last_activity_at": max(r.last_activity_at for r in rows),
            "worst_fails": max(0 if r.passed else r.failed_attempts for r in rows),
        }
        return {key: getattr(stored, key) for key in sums}, sums


def test_totals_follow_every_learner_write(app, make_user):
    trainee = make_user()
    client = app.test_client()
    login(client, trainee.email)
    first, second = catalog(app).modules[:2]

    read_module(client, first)
    stored, sums = totals_and_sums(app, trainee.id)
    assert stored == sums and stored["pages_done"] == len(first.pages) and stored["passed"] == 0

    failed = start_quiz(client, first.slug)
    answer_all(client, app, failed, right=False)
    submit(client, failed)
    stored, sums = totals_and_sums(app, trainee.id)
    assert stored == sums and stored["worst_fails"] == 1

    let_wait_pass(app, failed)
    passed = start_quiz(client, first.slug)
    answer_all(client, app, passed, right=True)
    submit(client, passed)
    stored, sums = totals_and_sums(app, trainee.id)
    assert stored == sums and stored["passed"] == 1 and stored["worst_fails"] == 0

    assert client.get(f"/modules/{second.slug}/pages/{second.pages[0].anchor}").status_code == 200
    read_module(client, second)
    stored, sums = totals_and_sums(app, trainee.id)
    assert stored == sums and stored["pages_done"] == len(first.pages) + len(second.pages)
