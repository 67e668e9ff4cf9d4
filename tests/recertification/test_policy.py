"""The staying-current rules, without an app."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.model import Certification
from course.recertification import policy
from course.recertification.policy import Deadline, Event, ModuleState, Period

RULES = Certification(valid_for_months=12, window_days=60, overdue_days=30, right_percent=80, last_answers=10)
PASS = datetime(2025, 1, 31, 10, 0)


def test_months_are_added_as_calendar_months():
    assert policy.add_months(PASS, 1) == datetime(2025, 2, 28, 10, 0)
    assert policy.add_months(PASS, 12) == datetime(2026, 1, 31, 10, 0)
    assert policy.valid_until(PASS, Certification()) is None  # no validity set: never expires


def test_kept_up_needs_no_objective_long_overdue_and_enough_right():
    assert policy.kept_up([29.9], [], RULES)
    assert not policy.kept_up([30.5], [], RULES)
    assert policy.kept_up([0], [1.0] * 8 + [0.0] * 2, RULES)
    assert not policy.kept_up([0], [1.0] * 7 + [0.0] * 3, RULES)
    assert policy.kept_up([0], [0.0] * 9, RULES)  # fewer than 10 answers: the share is not judged yet
    assert not policy.kept_up([0], [0.5] * 10, RULES)  # partly right is not right


def test_a_period_lives_expires_lapses_and_renews():
    period = Period(PASS, policy.valid_until(PASS, RULES))
    assert policy.module_state(period, PASS + timedelta(days=100), RULES) is ModuleState.CURRENT
    window = period.valid_until - timedelta(days=59)
    assert policy.module_state(period, window, RULES) is ModuleState.EXPIRING
    assert policy.module_state(period, period.valid_until, RULES) is ModuleState.EXPIRED
    lapsed, events = policy.advance(period, False, PASS + timedelta(days=100), RULES)
    assert events == [Event.LAPSE] and lapsed.lapsed_at == PASS + timedelta(days=100)
    assert policy.module_state(lapsed, PASS + timedelta(days=101), RULES) is ModuleState.LAPSED
    assert policy.advance(lapsed, False, PASS + timedelta(days=200), RULES) == (lapsed, [])  # recorded once
    renewed, events = policy.advance(period, True, period.valid_until + timedelta(days=400), RULES)
    assert events == [Event.RENEWAL_BY_REFRESHERS] * 2  # two expiries passed while current: two periods
    assert renewed.valid_until == policy.add_months(PASS, 36) and renewed.renewals == 2
    by_pass = policy.renewed_by_pass(lapsed, PASS + timedelta(days=120), RULES)
    assert by_pass.lapsed_at is None and by_pass.certified_at == PASS + timedelta(days=120)
    assert not policy.renewal_open(ModuleState.CURRENT)
    assert all(policy.renewal_open(s) for s in (None, ModuleState.EXPIRING, ModuleState.LAPSED, ModuleState.EXPIRED))


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(1, 200), st.booleans()), max_size=20))
def test_advancing_never_moves_an_end_back_and_a_lapse_is_kept(steps):
    period, now = Period(PASS, policy.valid_until(PASS, RULES)), PASS
    for days, keeps in steps:
        now += timedelta(days=days)
        before = period
        period, _ = policy.advance(period, keeps, now, RULES)
        assert period.valid_until >= before.valid_until
        if before.lapsed_at is not None:
            assert period == before


def test_certificate_state_and_dates():
    now = datetime(2026, 6, 1)
    assert policy.certificate_state(None, None, None, now) == (policy.CertificateState.CURRENT, None)
    assert policy.certificate_state(None, None, now, now) == (policy.CertificateState.EXPIRED, now)
    assert policy.certificate_state(now, now, None, now)[0] is policy.CertificateState.REVOKED
    assert policy.certificate_state(None, now, None, now)[0] is policy.CertificateState.SUPERSEDED
    periods = [Period(PASS, datetime(2026, 1, 31)), Period(PASS + timedelta(days=3), datetime(2026, 2, 3))]
    assert policy.certificate_dates(periods) == (PASS + timedelta(days=3), datetime(2026, 1, 31))


def test_deadline():  # the compliance rule: tests/instructor/test_compliance.py, on the record itself
    now = datetime(2026, 6, 1)
    today = now.date()
    assert policy.deadline(None, False, today) is None
    assert policy.deadline(today + timedelta(days=30), False, today) is Deadline.ON_TIME
    assert policy.deadline(today + timedelta(days=14), False, today) is Deadline.DUE_SOON
    assert policy.deadline(today - timedelta(days=1), False, today) is Deadline.OVERDUE
    assert policy.deadline(today - timedelta(days=1), True, today) is Deadline.DONE
