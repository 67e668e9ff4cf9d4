"""Whether a module, a certificate and a trainee are current. PURE: standard library and the content model.

The rules, in the words of the README ("Staying current"):

- A pass is valid for the course's `valid_for_months` (none: it never expires).
- A module stays current while its refreshers are kept up: no objective overdue by more than
  `overdue_days`, and, once `last_answers` refresher answers are given, at least `right_percent` of the
  latest `last_answers` fully right. Otherwise it lapses (and stays lapsed until renewed).
- A module still current when its period ends is renewed by its refreshers: a new period from the old
  expiry. A lapsed module, an expired one, and any module in the `window_days` before its expiry can be
  renewed by a pass of its quiz: a new period from that pass.
- The certificate is dated the day the last module was passed (or renewed) and is valid until the
  earliest expiry of its modules; a renewal that moves that date issues a new certificate, and the old
  code verifies as superseded.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from ..content.model import Certification

EXPIRING_DAYS = 30  # "expiring": within this many days of the end of validity (reminders, compliance)
DUE_SOON_DAYS = 14  # a cohort's "complete by" date this close: "due soon"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, clamped to the month's end (31 January + 1 = 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def valid_until(certified_at: datetime, rules: Certification) -> datetime | None:
    return add_months(certified_at, rules.valid_for_months) if rules.valid_for_months else None


def kept_up(overdue_days: Sequence[float], recent_scores: Sequence[float], rules: Certification) -> bool:
    """The staying-current rule: `overdue_days` of each scheduled objective (negative: not yet due), and
    the scores of the trainee's refresher answers in this module, newest first."""
    if any(days > rules.overdue_days for days in overdue_days):
        return False
    latest = list(recent_scores[: rules.last_answers])
    if len(latest) < rules.last_answers:
        return True
    right = sum(1 for score in latest if score >= 1)
    return right * 100 >= rules.right_percent * len(latest)


@dataclass(frozen=True)
class Period:
    """A module's certification period as stored (`ModuleCertification`)."""

    certified_at: datetime
    valid_until: datetime | None
    lapsed_at: datetime | None = None
    renewals: int = 0


class Event(StrEnum):
    LAPSE = "lapse"
    RENEWAL_BY_REFRESHERS = "renewal-refreshers"


def advance(period: Period, keeps_up: bool, now: datetime, rules: Certification) -> tuple[Period, list[Event]]:
    """What time and the refreshers did to a period by `now`: a lapse, then renewals at each expiry passed
    while current (one per period, so a sweep that missed a year still counts each)."""
    events = []
    if period.lapsed_at is None and not keeps_up:
        period = replace(period, lapsed_at=now)
        events.append(Event.LAPSE)
    while period.lapsed_at is None and period.valid_until is not None and now >= period.valid_until:
        period = replace(period, valid_until=valid_until(period.valid_until, rules), renewals=period.renewals + 1)
        events.append(Event.RENEWAL_BY_REFRESHERS)
    return period, events


class ModuleState(StrEnum):
    CURRENT = "current"
    EXPIRING = "expiring"  # in the window before expiry: a pass renews it (refreshers kept up renew it too)
    LAPSED = "lapsed"  # refreshers not kept up: still valid until its date, renewed only by a pass
    EXPIRED = "expired"


def module_state(period: Period, now: datetime, rules: Certification) -> ModuleState:
    if period.valid_until is not None and now >= period.valid_until:
        return ModuleState.EXPIRED
    if period.lapsed_at is not None:
        return ModuleState.LAPSED
    if period.valid_until is not None and now >= period.valid_until - timedelta(days=rules.window_days):
        return ModuleState.EXPIRING
    return ModuleState.CURRENT


def renewal_open(state: ModuleState | None) -> bool:
    """A pass of the module quiz starts a new period: never passed (None), lapsed, expired, or expiring."""
    return state is not ModuleState.CURRENT


def renewed_by_pass(period: Period | None, passed_at: datetime, rules: Certification) -> Period:
    renewals = period.renewals + 1 if period is not None else 0
    return Period(passed_at, valid_until(passed_at, rules), None, renewals)


class CertificateState(StrEnum):
    CURRENT = "current"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


def certificate_state(
    revoked_at: datetime | None, superseded_at: datetime | None, valid_until: datetime | None, now: datetime
) -> tuple[CertificateState, datetime | None]:
    """The state of a certificate today, and since when (None for a current one)."""
    if revoked_at is not None:
        return CertificateState.REVOKED, revoked_at
    if superseded_at is not None:
        return CertificateState.SUPERSEDED, superseded_at
    if valid_until is not None and now >= valid_until:
        return CertificateState.EXPIRED, valid_until
    return CertificateState.CURRENT, None


def certificate_dates(periods: Sequence[Period]) -> tuple[datetime, datetime | None]:
    """The certificate's date (the last pass or renewal of its modules) and its end (the earliest expiry)."""
    ends = [p.valid_until for p in periods if p.valid_until is not None]
    return max(p.certified_at for p in periods), min(ends, default=None)


class Compliance(StrEnum):
    """One trainee's standing for the compliance record, worst first in the order a lead acts on it."""

    EXPIRED = "expired"
    OVERDUE = "overdue"
    EXPIRING = "expiring"
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    COMPLETE = "complete"


class Deadline(StrEnum):
    ON_TIME = "on time"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    DONE = "done"


def deadline(due_on: date | None, complete: bool, today: date) -> Deadline | None:
    """Where a trainee stands against their cohort's "complete by" date; None without a date."""
    if due_on is None:
        return None
    if complete:
        return Deadline.DONE
    if today > due_on:
        return Deadline.OVERDUE
    return Deadline.DUE_SOON if (due_on - today).days <= DUE_SOON_DAYS else Deadline.ON_TIME
