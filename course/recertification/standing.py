"""What a pass, a lapse and a renewal change, and the sweep that records them as time goes by.

A pass starts (or, where renewal is open, renews) the module's period and schedules its objectives. The
sweep (`flask reminders send` runs it first, and a trainee's own pages run it for them) applies the
staying-current rule of `policy.py` to every period, records each lapse and renewal in the audit trail,
and renews the certificate when its end date moves. Services take the time, the catalog and the FSRS
settings as arguments and never read the app.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select

from .. import audit
from ..content.model import Catalog, Module
from ..enrolment.models import Cohort, CohortMember
from ..extensions import db
from ..learning.models import Certificate
from . import policy, schedule
from .models import ModuleCertification, RefresherCard, RefresherItem


def _period(row: ModuleCertification) -> policy.Period:
    return policy.Period(row.certified_at, row.valid_until, row.lapsed_at, row.renewals)


def _store(row: ModuleCertification, period: policy.Period) -> None:
    row.certified_at, row.valid_until = period.certified_at, period.valid_until
    row.lapsed_at, row.renewals = period.lapsed_at, period.renewals


def periods_of(user_id: int) -> dict[str, ModuleCertification]:
    rows = db.session.scalars(select(ModuleCertification).where(ModuleCertification.user_id == user_id))
    return {row.module_slug: row for row in rows}


def record_pass(
    user_id: int,
    module: Module,
    objectives: Iterable[tuple[int, float]],
    now: datetime,
    catalog: Catalog,
    fsrs: schedule.SchedulerSettings,
) -> None:
    """A passing attempt: where renewal is open (never passed, lapsed, expiring, expired), a new period from
    today and every objective scheduled afresh; a pass while current (practice) changes nothing. The
    caller commits (the quiz's submission, in the same transaction)."""
    rules = catalog.course.certification
    row = db.session.scalar(
        select(ModuleCertification).where(
            ModuleCertification.user_id == user_id, ModuleCertification.module_slug == module.slug
        )
    )
    old = _period(row) if row is not None else None
    if old is not None and not policy.renewal_open(policy.module_state(old, now, rules)):
        return
    if row is None:
        row = ModuleCertification(user_id=user_id, module_slug=module.slug)
        db.session.add(row)
    else:
        audit.record(user_id, user_id, "renewal", "Renewed by a pass of the module quiz", now, module.slug)
    _store(row, policy.renewed_by_pass(old, now, rules))
    _schedule(user_id, module, objectives, now, fsrs, first_time=old is None)
    if old is not None:
        db.session.flush()
        _renew_certificate(user_id, catalog, now)


def _schedule(
    user_id: int,
    module: Module,
    objectives: Iterable[tuple[int, float]],
    now: datetime,
    fsrs_settings: schedule.SchedulerSettings,
    first_time: bool = False,
) -> None:
    """Every objective of the module gets a card whose first review is the pass (objectives the attempt did
    not ask count as right: the pass vouches for the module). A first pass inserts them in one statement."""
    missed = {objective for objective, score in objectives if score < 1}
    fsrs = schedule.scheduler(fsrs_settings)
    fresh = {
        number: schedule.first_review(fsrs, number, now, fully_right=number not in missed)
        for number in range(1, len(module.objectives) + 1)
    }
    if first_time:
        rows = [
            {"user_id": user_id, "module_slug": module.slug, "objective": number, "card": first.card}
            | {"due_at": first.due_at, "reviewed_at": now}
            for number, first in fresh.items()
        ]
        db.session.execute(insert(RefresherCard), rows)
        return
    cards = db.session.scalars(
        select(RefresherCard).where(RefresherCard.user_id == user_id, RefresherCard.module_slug == module.slug)
    )
    have = {card.objective: card for card in cards}
    for number, first in fresh.items():
        card = have.get(number) or RefresherCard(user_id=user_id, module_slug=module.slug, objective=number)
        card.card, card.due_at, card.reviewed_at = first.card, first.due_at, now
        db.session.add(card)


def new_code() -> str:
    raw = secrets.token_hex(6).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificate_dates(user_id: int, catalog: Catalog) -> tuple[datetime, datetime | None] | None:
    """The certificate's date and end from the trainee's periods; None while a module has none."""
    periods = periods_of(user_id)
    if any(m.slug not in periods for m in catalog.modules):
        return None
    return policy.certificate_dates([_period(periods[m.slug]) for m in catalog.modules])


def current_certificate(user_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.current_of == user_id))


def _renew_certificate(user_id: int, catalog: Catalog, now: datetime) -> Certificate | None:
    """A renewal that moved the certificate's end: a new certificate (new code) supersedes the one in force.
    Nothing while the trainee holds none (it is issued when they ask for it) or while a module is unpassed."""
    old = current_certificate(user_id)
    dates = certificate_dates(user_id, catalog)
    if old is None or old.revoked_at is not None or dates is None or dates[1] == old.valid_until:
        return None
    old.current_of, old.superseded_at = None, now
    db.session.flush()
    new = Certificate(
        user_id=user_id,
        current_of=user_id,
        code=new_code(),
        holder_name=old.holder_name,
        issued_at=now,
        completed_at=dates[0],
        valid_until=dates[1],
        scores=old.scores,
    )
    db.session.add(new)
    db.session.flush()
    old.superseded_by_id = new.id
    until = f"valid until {new.valid_until:%d %B %Y}" if new.valid_until else "never expires"
    audit.record(user_id, user_id, "certificate-renewal", f"{new.code} replaces {old.code}; {until}", now)
    return new


@dataclass(frozen=True)
class Swept:
    lapses: int = 0
    renewals: int = 0
    certificates: int = 0


def _overdue_days(now: datetime, user_ids: Sequence[int] | None) -> dict[tuple[int, str], float]:
    """Per trainee and module: how many days its most overdue objective is past due (negative: none due)."""
    query = select(RefresherCard.user_id, RefresherCard.module_slug, func.min(RefresherCard.due_at)).group_by(
        RefresherCard.user_id, RefresherCard.module_slug
    )
    if user_ids is not None:
        query = query.where(RefresherCard.user_id.in_(user_ids))
    return {(u, m): (now - due).total_seconds() / 86400 for u, m, due in db.session.execute(query)}


def recent_scores(last: int, user_ids: Sequence[int] | None) -> dict[tuple[int, str], list[float]]:
    """Per trainee and module: the scores of their latest `last` refresher answers, newest first."""
    newest = (
        func.row_number()
        .over(
            partition_by=(RefresherItem.user_id, RefresherItem.module_slug),
            order_by=(RefresherItem.answered_at.desc(), RefresherItem.id.desc()),
        )
        .label("n")
    )
    ranked = select(RefresherItem.user_id, RefresherItem.module_slug, RefresherItem.score, newest).where(
        RefresherItem.answered_at.is_not(None)
    )
    if user_ids is not None:
        ranked = ranked.where(RefresherItem.user_id.in_(user_ids))
    ranked = ranked.subquery()
    found: dict[tuple[int, str], list[float]] = defaultdict(list)
    rows = db.session.execute(
        select(ranked.c.user_id, ranked.c.module_slug, ranked.c.score).where(ranked.c.n <= last).order_by(ranked.c.n)
    )
    for user_id, slug, score in rows:
        found[(user_id, slug)].append(score or 0.0)
    return found


def sweep(now: datetime, catalog: Catalog, user_ids: Sequence[int] | None = None) -> Swept:
    """Apply the staying-current rule to every period (or those of `user_ids`) as of `now`: record each
    lapse and renewal, renew the certificates whose end moved. Idempotent: a second sweep at the same
    moment changes nothing. One commit."""
    query = select(ModuleCertification).where(ModuleCertification.lapsed_at.is_(None))
    if user_ids is not None:
        query = query.where(ModuleCertification.user_id.in_(user_ids))
    overdue = _overdue_days(now, user_ids)
    scores = recent_scores(catalog.course.certification.last_answers, user_ids)
    swept = _apply(list(db.session.scalars(query)), overdue, scores, now, catalog)
    db.session.commit()
    return swept


def _apply(
    rows: Iterable[ModuleCertification],
    overdue: dict[tuple[int, str], float],
    scores: dict[tuple[int, str], list[float]],
    now: datetime,
    catalog: Catalog,
) -> Swept:
    """The sweep's work on periods already read; the caller commits."""
    rules = catalog.course.certification
    lapses = renewals = 0
    renewed: set[int] = set()
    for row in rows:
        key = (row.user_id, row.module_slug)
        keeps = policy.kept_up([overdue.get(key, 0.0)], scores.get(key, []), rules)
        period, events = policy.advance(_period(row), keeps, now, rules)
        if not events:
            continue
        _store(row, period)
        for event in events:
            if event is policy.Event.LAPSE:
                lapses += 1
                reason = _lapse_reason(overdue.get(key), rules)
                audit.record(row.user_id, row.user_id, "lapse", reason, now, row.module_slug)
            else:
                renewals += 1
                renewed.add(row.user_id)
                audit.record(row.user_id, row.user_id, "renewal", "Renewed by refreshers kept up", now, row.module_slug)
    if lapses or renewals:
        db.session.flush()
    certificates = sum(_renew_certificate(user_id, catalog, now) is not None for user_id in sorted(renewed))
    return Swept(lapses, renewals, certificates)


def _lapse_reason(overdue_days: float | None, rules) -> str:
    if overdue_days is not None and overdue_days > rules.overdue_days:
        return f"A refresher was overdue by more than {rules.overdue_days} days"
    return f"Fewer than {rules.right_percent}% right over the last {rules.last_answers} refresher answers"


def backfill(user_id: int, catalog: Catalog, passed_at: dict[str, datetime], fsrs: schedule.SchedulerSettings) -> None:
    """Periods for modules passed before periods existed (an upgraded database): each from its first pass,
    its objectives scheduled as if all were right. The caller commits."""
    have = periods_of(user_id)
    for slug, when in passed_at.items():
        module = catalog.module(slug)
        if module is None or slug in have:
            continue
        row = ModuleCertification(user_id=user_id, module_slug=slug)
        _store(row, policy.renewed_by_pass(None, when, catalog.course.certification))
        db.session.add(row)
        _schedule(user_id, module, (), when, fsrs, first_time=True)
    db.session.flush()


@dataclass(frozen=True)
class Standing:
    """Where a trainee stands in staying current, for their dashboard and their reminders."""

    periods: dict[str, policy.Period]
    states: dict[str, policy.ModuleState]
    refreshers_due: int  # objectives due now
    due_modules: frozenset[str]  # the modules those objectives belong to
    next_refresher: datetime | None  # when the next objective comes due, if none is due now
    certificate: Certificate | None
    certificate_state: policy.CertificateState | None
    due_on: date | None  # the earliest "complete by" date of the trainee's cohorts
    deadline: policy.Deadline | None
    today: date

    @property
    def days_left(self) -> int | None:
        """Days until the "complete by" date (negative once it has passed)."""
        return (self.due_on - self.today).days if self.due_on else None

    @property
    def renewal_open(self) -> list[str]:
        """Modules a pass of the quiz would renew now (lapsed, expiring or expired), in catalog order."""
        return [slug for slug, state in self.states.items() if state is not policy.ModuleState.CURRENT]


def standing_of(user_id: int, catalog: Catalog, now: datetime, complete: bool) -> Standing:
    """The trainee's standing as of `now`, after recording what time changed (a lapse, a renewal): the
    sweep's rule applied to the rows read here, so a dashboard costs five reads, not ten."""
    rows = periods_of(user_id)
    cards = list(db.session.scalars(select(RefresherCard).where(RefresherCard.user_id == user_id)))
    overdue: dict[tuple[int, str], float] = {}
    for card in cards:
        days = (now - card.due_at).total_seconds() / 86400
        overdue[(user_id, card.module_slug)] = max(days, overdue.get((user_id, card.module_slug), days))
    scores = recent_scores(catalog.course.certification.last_answers, [user_id]) if cards else {}
    if _apply([r for r in rows.values() if r.lapsed_at is None], overdue, scores, now, catalog) != Swept():
        db.session.commit()
    rules = catalog.course.certification
    periods = {m.slug: _period(rows[m.slug]) for m in catalog.modules if m.slug in rows}
    states = {slug: policy.module_state(p, now, rules) for slug, p in periods.items()}
    dues = [c.due_at for c in cards]
    certificate = current_certificate(user_id)
    state = (
        policy.certificate_state(certificate.revoked_at, None, certificate.valid_until, now)[0] if certificate else None
    )
    due_on = db.session.scalar(
        select(func.min(Cohort.due_on)).join(CohortMember).where(CohortMember.user_id == user_id)
    )
    return Standing(
        periods,
        states,
        sum(1 for d in dues if d <= now),
        frozenset(c.module_slug for c in cards if c.due_at <= now),
        min((d for d in dues if d > now), default=None),
        certificate,
        state,
        due_on,
        policy.deadline(due_on, complete, now.date()),
        now.date(),
    )
