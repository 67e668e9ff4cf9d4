"""Steps of staying current, on the app's clock: passes and refreshers as a trainee makes them.

The module under a test's eye goes through HTTP (tests/support/journey.py); the others are passed through
the services, as tests/support/tour.py does, so a test can travel years without minutes of page loads.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from course.extensions import db
from course.learning import services as learning
from course.quizzes import services as quizzes
from course.recertification.models import ModuleCertification, RefresherCard, RefresherItem

from .helpers import post
from .journey import form_for


def pass_by_services(app, user_id: int, modules, right: bool = True) -> None:
    """Read each module and take its quiz once, every answer right (or wrong), on the app's clock."""
    catalog = app.extensions["catalog"]
    with app.app_context():
        for module in modules:
            for page in module.pages:
                learning.complete_page(user_id, module, page.anchor)
            attempt = quizzes.start_attempt(user_id, module)
            for item in list(attempt.items):
                quizzes.save_answer(user_id, attempt.id, item.position, form_for(item.snapshot, right))
            quizzes.submit(user_id, catalog, attempt.id)


def start_refresher(client) -> int:
    response = post(client, "/refresher")
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/refreshers/(\d+)/", response.headers["Location"])[1])


def refresher_items(app, refresher_id: int) -> list[RefresherItem]:
    with app.app_context():
        items = db.session.scalars(
            select(RefresherItem).where(RefresherItem.refresher_id == refresher_id).order_by(RefresherItem.position)
        ).all()
        db.session.expunge_all()
        return items


def answer_refresher(client, app, refresher_id: int, right=lambda item: True) -> list[RefresherItem]:
    """Answer every question of a refresher through its pages; `right(item)` says which to get right."""
    items = refresher_items(app, refresher_id)
    for item in items:
        response = post(client, f"/refreshers/{refresher_id}/{item.position}", form_for(item.snapshot, right(item)))
        assert response.status_code == 303, response.get_data(as_text=True)
    return refresher_items(app, refresher_id)


def cards(app, user_id: int) -> dict[tuple[str, int], RefresherCard]:
    with app.app_context():
        found = {
            (c.module_slug, c.objective): c
            for c in db.session.scalars(select(RefresherCard).where(RefresherCard.user_id == user_id))
        }
        db.session.expunge_all()
        return found


def periods(app, user_id: int) -> dict[str, ModuleCertification]:
    with app.app_context():
        found = {
            p.module_slug: p
            for p in db.session.scalars(select(ModuleCertification).where(ModuleCertification.user_id == user_id))
        }
        db.session.expunge_all()
        return found
