"""Grades back to the LMS (LTI AGS): each module's score and pass, and course completion, posted to the
line item of every link the trainee launched, through an outbox with retries.

A score is queued in the transaction that grades the attempt (`core.signals.attempt_graded`), so it is
never lost while the LMS is down; `send_due` posts what is due (client-credentials token signed with the
tool's key, then `POST {lineitem}/scores`), backing off on failure. After `MAX_TRIES` a score is marked
failed; instructors see pending and failed scores and can send them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from pylti1p3.contrib.flask import FlaskServiceConnector as ServiceConnector  # caches tokens per process
from pylti1p3.exception import LtiException
from sqlalchemy import delete, select

from ..content.model import Catalog
from ..core import backoff
from ..core.backoff import next_try
from ..errors import NotFound
from ..extensions import db
from ..learning.models import ModuleSummary
from ..quizzes.models import QuizAttempt
from .models import LtiIdentity, LtiLink, LtiLinkUser, LtiPlatform, LtiScore
from .platforms import registration_for

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
MAX_TRIES = 12  # with the backoff's 6-hour ceiling, about two and a half days


def scores_url(lineitem: str) -> str:
    """`{lineitem}/scores`, keeping the line item URL's query string where it belongs."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _utc(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds") + "Z"


def _score(user_subject: str, link: LtiLink, user_id: int, catalog: Catalog, now: datetime) -> dict:
    summaries = {
        s.module_slug: s for s in db.session.scalars(select(ModuleSummary).where(ModuleSummary.user_id == user_id))
    }
    base = {"userId": user_subject, "timestamp": _utc(now), "gradingProgress": "FullyGraded"}
    if link.module_slug:
        summary = summaries.get(link.module_slug)
        passed = bool(summary and summary.passed)
        return {
            **base,
            "scoreGiven": round(summary.score or 0.0, 2) if summary else 0.0,
            "scoreMaximum": 100,
            "activityProgress": "Completed",
            "comment": "Passed" if passed else "Not passed yet",
        }
    passed = sum(1 for m in catalog.modules if summaries.get(m.slug) and summaries[m.slug].passed)
    total = len(catalog.modules)
    return {
        **base,
        "scoreGiven": passed,
        "scoreMaximum": total,
        "activityProgress": "Completed" if passed == total else "InProgress",
        "comment": f"{passed} of {total} modules passed",
    }


def queue_for_attempt(attempt: QuizAttempt, catalog: Catalog, now: datetime) -> int:
    """Queue, in the caller's transaction, a score for each link the trainee launched that this attempt
    moves: the attempt's module, or the course. A newer score replaces one still waiting."""
    rows = db.session.execute(
        select(LtiLink, LtiIdentity.subject)
        .join(LtiLinkUser, LtiLinkUser.link_id == LtiLink.id)
        .join(
            LtiIdentity, (LtiIdentity.platform_id == LtiLink.platform_id) & (LtiIdentity.user_id == LtiLinkUser.user_id)
        )
        .where(LtiLinkUser.user_id == attempt.user_id, LtiLink.lineitem_url.is_not(None))
    ).all()
    queued = 0
    for link, subject in rows:
        if link.module_slug not in (None, attempt.module_slug):
            continue
        db.session.execute(
            delete(LtiScore).where(
                LtiScore.link_id == link.id, LtiScore.user_id == attempt.user_id, LtiScore.status == "pending"
            )
        )
        score = _score(subject, link, attempt.user_id, catalog, now)
        db.session.add(LtiScore(link_id=link.id, user_id=attempt.user_id, score=score, created_at=now, next_try_at=now))
        queued += 1
    return queued


Post = Callable[[LtiPlatform, str, dict], None]  # platform, scores URL, score; raises on failure


def poster(key_dir: Path, timeout: float) -> Post:
    def post(platform: LtiPlatform, url: str, score: dict) -> None:
        session = requests.Session()
        session.request = _with_timeout(session.request, timeout)
        connector = ServiceConnector(registration_for(platform, key_dir), requests_session=session)
        connector.make_service_request(
            [SCORE_SCOPE], url, is_post=True, data=json.dumps(score), content_type=SCORE_TYPE
        )

    return post


def _with_timeout(request, timeout: float):
    def bounded(*args, **kwargs):
        kwargs.setdefault("timeout", timeout)
        return request(*args, **kwargs)

    return bounded


def send_due(post: Post, now: datetime, limit: int = 500) -> tuple[int, int]:
    """Post the due scores; (sent, not sent). Commits after each, so a crash loses nothing sent."""
    due = backoff.due(LtiScore, now, limit)
    sent = failed = 0
    for row in due:
        link = db.session.get(LtiLink, row.link_id)
        platform = db.session.get(LtiPlatform, link.platform_id)
        try:
            post(platform, scores_url(link.lineitem_url), row.score)
        except (LtiException, requests.RequestException, ValueError) as exc:
            row.tries += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:300]
            row.next_try_at = next_try(row.tries, now)
            row.status = "failed" if row.tries >= MAX_TRIES else "pending"
            failed += 1
        else:
            row.status, row.sent_at, row.last_error = "sent", now, None
            sent += 1
        db.session.commit()
    return sent, failed


def waiting(user_ids: list[int] | None = None) -> list[LtiScore]:
    """Scores pending or failed, newest first (for the instructor's page); all when user_ids is None."""
    query = select(LtiScore).where(LtiScore.status.in_(("pending", "failed"))).order_by(LtiScore.id.desc())
    if user_ids is not None:
        query = query.where(LtiScore.user_id.in_(user_ids))
    return list(db.session.scalars(query.limit(500)))


def resend(score_id: int, now: datetime, user_ids: list[int] | None = None) -> LtiScore:
    """Make a pending or failed score due now (the instructor's "Send again"); only for `user_ids` when given."""
    row = db.session.get(LtiScore, score_id)
    if row is None or row.status == "sent" or (user_ids is not None and row.user_id not in user_ids):
        raise NotFound("No such score waiting to be sent.")
    row.status, row.next_try_at = "pending", now
    db.session.commit()
    return row


def backing_off(now: datetime) -> bool:
    """Whether a score failed lately and is not due yet: then a submission does not wait on the LMS."""
    return (
        db.session.scalar(
            select(LtiScore.id)
            .where(LtiScore.status == "pending", LtiScore.tries > 0, LtiScore.next_try_at > now)
            .limit(1)
        )
        is not None
    )
