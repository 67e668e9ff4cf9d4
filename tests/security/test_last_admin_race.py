"""Review 2026-12 L1: the last-admin rule holds when two admins act on each other at the same moment
(demote, deactivate or erase), on SQLite and on PostgreSQL (TEST_DATABASE_URL): one of the two is
refused with 409 and an active admin is always left (ASVS 5.0 2.3.4, 8.3.1)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.identity.models import Role, User

from ..support.helpers import csrf_token, login
from ..support.race import cookie_header, fire_together

ROUNDS = 6
ACTIONS = {
    "demote": ("role", {"role": Role.TRAINEE}),
    "deactivate": ("active", {"active": "0"}),
    "erase": ("erase", {}),
}


def _admin_pair(app, make_user):
    pair = []
    for _ in range(2):
        admin = make_user("admin")
        client = app.test_client()
        assert login(client, admin.email).status_code == 302
        token = csrf_token(client)  # first: it writes the session cookie
        pair.append((admin, cookie_header(client, app), token))
    return pair


def _active_admins(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active.is_(True))
        )


def _retire(app, ids) -> None:
    """After a round, its two admins leave the stage (as trainees), so the next pair is again the last two."""
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.id.in_(ids))):
            user.role = Role.TRAINEE
        db.session.commit()


@pytest.mark.parametrize("first, second", [("demote", "demote"), ("deactivate", "deactivate"), ("erase", "demote")])
def test_two_admins_acting_on_each_other_at_once_leave_an_active_admin(app, make_user, live_server, first, second):
    for _ in range(ROUNDS):
        (a, a_cookie, a_token), (b, b_cookie, b_token) = _admin_pair(app, make_user)
        assert _active_admins(app) == 2
        posts = []
        for (actor_cookie, token), target, action in (
            ((a_cookie, a_token), b, first),
            ((b_cookie, b_token), a, second),
        ):
            path, form = ACTIONS[action]
            if action == "erase":  # the erase page asks for the account's email (audit 2026-12 F7)
                form = {**form, "confirm_email": target.email}
            posts.append(
                (
                    f"{live_server}/admin/users/{target.id}/{path}",
                    {**form, "reason": "race", "csrf_token": token},
                    actor_cookie,
                )
            )
        statuses = sorted(answer.status for answer in fire_together(posts))
        assert _active_admins(app) == 1, statuses
        # The loser is refused (409), or, when the winner committed before its request was even read, it
        # is no longer an admin (403) or no longer signed in (302, deactivated or erased).
        assert statuses.count(303) == 1 and set(statuses) - {303} <= {302, 403, 409}, statuses
        _retire(app, [a.id, b.id])
