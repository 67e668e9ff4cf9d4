"""The LMS course's members into its cohort (LTI NRPS), when an instructor asks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import requests
from pylti1p3.contrib.flask import FlaskServiceConnector as ServiceConnector  # caches tokens per process
from pylti1p3.exception import LtiException
from sqlalchemy import select

from ..enrolment.models import Cohort, CohortInstructor, CohortMember
from ..errors import CourseError, NotFound
from ..extensions import db
from ..identity.models import Role
from . import launch
from .models import LtiContext, LtiPlatform
from .platforms import registration_for

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
NRPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


def contexts_for_cohorts(cohort_ids: list[int]) -> list[LtiContext]:
    return list(db.session.scalars(select(LtiContext).where(LtiContext.cohort_id.in_(cohort_ids))))


def pull(context_id: int, key_dir: Path, now: datetime, timeout: float = 10) -> int:
    """Add every active member of the LMS course to the cohort (accounts made as a launch would); the
    number of members read."""
    context = db.session.get(LtiContext, context_id)
    if context is None:
        raise NotFound("No such LMS course.")
    if not context.memberships_url:
        raise CourseError("The LMS did not offer its roster for this course (no Names and Role service).")
    platform = db.session.get(LtiPlatform, context.platform_id)
    session = requests.Session()
    connector = ServiceConnector(registration_for(platform, key_dir), requests_session=session)
    try:
        members = []
        for page in connector.get_paginated_data([NRPS_SCOPE], context.memberships_url, accept=NRPS_TYPE):
            members += (page.get("body") or {}).get("members", [])
    except (LtiException, requests.RequestException, ValueError) as exc:
        raise CourseError(f"The LMS did not give its roster: {type(exc).__name__}. Try again later.") from None
    count = 0
    for member in members:
        if member.get("status", "Active") != "Active" or not member.get("user_id"):
            continue
        claims = {"sub": member["user_id"], "email": member.get("email"), "name": member.get("name"),
                  launch.CLAIM + "roles": member.get("roles", [])}  # fmt: skip
        try:
            user = launch.person(platform, claims, now)
        except launch.LaunchRefused:
            continue  # a staff account with the same email: left for the admin to link
        launch.join_cohort(context.cohort_id, user)
        count += 1
    db.session.commit()
    return count


def followed_cohorts(user) -> list[int]:
    """The cohorts whose LMS courses and scores a staff member may act on: those they follow (all, for admins)."""
    if user.role == Role.ADMIN:
        return list(db.session.scalars(select(Cohort.id)))
    return list(db.session.scalars(select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == user.id)))


def members(cohort_ids: list[int]) -> list[int]:
    return list(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohort_ids))))


def context_in(context_id: int, cohort_ids: list[int]) -> LtiContext:
    context = db.session.get(LtiContext, context_id)
    if context is None or context.cohort_id not in cohort_ids:
        raise NotFound("No such LMS course among your cohorts.")
    return context
