"""This course as an LTI 1.3 Advantage tool (issue 25): launches from an LMS with single sign-on, deep
linking, grades back (AGS) and rosters in (NRPS). Built on pylti1p3 (the `pylti1p3next` fork).

`launch` says which spec checks the library makes and which this package adds.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g

from ..clock import utcnow
from ..core import signals
from ..core.catalog import get_catalog
from ..extensions import db
from . import grades

log = logging.getLogger("course")
_connected = False


def _queue(attempt, now, **_) -> None:
    g.lti_scores_queued = grades.queue_for_attempt(attempt, get_catalog(), now)


def _send(_slug, **_) -> None:
    """After the grade's commit: post what was queued and is due, unless the LMS failed lately. Costs no
    query when the trainee has no LMS link; never fails the request."""
    if not g.pop("lti_scores_queued", 0):
        return
    config = current_app.config
    now = utcnow()
    try:
        if not grades.backing_off(now):
            grades.send_due(grades.poster(config["LTI_KEY_DIR"], config["LTI_TIMEOUT"]), now, limit=10)
    except Exception:  # the grade is committed; `flask lti send-grades` retries
        db.session.rollback()
        log.exception("LTI grade delivery failed; the scores stay queued")


def init_app(app: Flask) -> None:
    global _connected
    from .admin_views import bp as admin_bp
    from .cli import bp as cli_bp
    from .views import bp

    for blueprint in (bp, admin_bp, cli_bp):
        app.register_blueprint(blueprint)
    if not _connected:  # signals are process-wide
        signals.attempt_graded.connect(_queue, weak=False)
        signals.attempt_submitted.connect(_send, weak=False)
        _connected = True
