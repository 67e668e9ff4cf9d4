"""Classical test theory item analysis of a quiz's attempts, after Moodle's quiz statistics report.
PURE: standard library only, so every number can be checked by hand without an app or a database.

An instructor needs to know which questions to rewrite: the ones nearly everyone misses or gets (facility),
and the ones whose marks say nothing about how well the trainee knows the rest of the course
(discrimination). Moodle's definitions are followed so that its documentation explains these numbers too:

- Scales. Facility, item SD, discrimination and efficiency are shown as Moodle shows them, on 0-100;
  attempt scores are percentages of the marks the attempt served; alpha stays a fraction (0-1).
- Variances are sample variances (n - 1), as Moodle's, so an item served once has no SD.
- Discrimination correlates an item with the REST of the attempt (total minus this item), because the
  total includes the item itself and would flatter it, worst of all when attempts serve few questions.
- Efficiency divides that covariance by the largest one the two distributions allow (both sorted
  ascending), so a hard or an easy item is not blamed for a ceiling its facility imposes.

Attempts draw a random subset of a pool, so each item's statistics use only the attempts that served it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_ATTEMPTS = 10  # below this, the numbers are mostly noise: the report says "too few attempts" instead
MIN_RESPONSES = 20  # no question is flagged on fewer answers than this (the STATS_MIN_RESPONSES setting)

TOO_HARD_BELOW = 30.0  # facility, percent
TOO_EASY_ABOVE = 95.0  # facility, percent
WEAK_DISCRIMINATION_BELOW = 15.0  # discrimination index, x100

TOO_HARD = "too hard"
TOO_EASY = "too easy"
WEAK_DISCRIMINATION = "weak discrimination"

# Marks are in [0, 1], so a variance this small is rounding error, not spread: dividing by it would report
# a correlation made of noise.
_ZERO = 1e-12


@dataclass(frozen=True)
class ItemStats:
    """One question, over the attempts that served it. Values that need spread are None without it."""

    question_id: str
    responses: int
    facility: float  # mean mark, percent
    sd: float | None  # sample SD of the marks, percent of the question's mark
    discrimination: float | None  # corrected item-total Pearson r, x100
    efficiency: float | None  # cov(item, rest) / max attainable cov, x100
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizStats:
    """The whole quiz. `enough_data` is False below MIN_ATTEMPTS: callers show no numbers then."""

    attempts: int
    questions_per_attempt: int | None  # None when attempts served different numbers of questions
    mean: float | None  # mean attempt score, percent
    sd: float | None  # sample SD of attempt scores, percent
    alpha: float | None  # Cronbach's alpha, a fraction
    sem: float | None  # standard error of measurement, percentage points
    enough_data: bool
    items: tuple[ItemStats, ...]  # sorted by question id


def analyse(attempts: Sequence[Mapping[str, float]], min_responses: int = MIN_RESPONSES) -> QuizStats:
    """Attempts that served no question carry no information and are left out of every count. A question
    answered fewer than `min_responses` times carries no flag: its numbers are shown, not judged.

    Raises ValueError for a mark outside [0, 1]: every question is worth one mark, so such a mark means
    the caller forgot to scale it, and the statistics would silently be wrong.
    """
    served = [attempt for attempt in attempts if attempt]
    for attempt in served:
        for question_id, mark in attempt.items():
            if not 0.0 <= mark <= 1.0:  # also refuses NaN
                raise ValueError(f"Mark {mark!r} for question {question_id!r} is not between 0 and 1.")

    totals = [math.fsum(attempt.values()) for attempt in served]
    marks: dict[str, list[float]] = {}
    rests: dict[str, list[float]] = {}
    for attempt, total in zip(served, totals, strict=True):
        for question_id, mark in attempt.items():
            marks.setdefault(question_id, []).append(mark)
            rests.setdefault(question_id, []).append(total - mark)

    items = tuple(
        _item(question_id, marks[question_id], rests[question_id], min_responses) for question_id in sorted(marks)
    )
    counts = {len(attempt) for attempt in served}
    k = counts.pop() if len(counts) == 1 else None
    scores = [100.0 * total / len(attempt) for attempt, total in zip(served, totals, strict=True)]
    variance = _covariance(scores, scores)
    sd = math.sqrt(variance) if variance is not None else None
    alpha = _alpha(k, totals, [_covariance(marks[q], marks[q]) for q in sorted(marks)])
    return QuizStats(
        attempts=len(served),
        questions_per_attempt=k,
        mean=math.fsum(scores) / len(scores) if scores else None,
        sd=sd,
        alpha=alpha,
        sem=sd * math.sqrt(1.0 - alpha) if sd is not None and alpha is not None and 0.0 <= alpha <= 1.0 else None,
        enough_data=len(served) >= MIN_ATTEMPTS,
        items=items,
    )


def _item(question_id: str, marks: list[float], rests: list[float], min_responses: int) -> ItemStats:
    # 100 * sum / n rather than 100 * mean: 3 of 10 must be exactly 30.0 at the "too hard" boundary.
    facility = 100.0 * math.fsum(marks) / len(marks)
    variance = _covariance(marks, marks)
    discrimination = efficiency = None
    covariance = _covariance(marks, rests)
    rest_variance = _covariance(rests, rests)
    if covariance is not None and variance > _ZERO and rest_variance > _ZERO:
        r = covariance / math.sqrt(variance * rest_variance)
        discrimination = 100.0 * max(-1.0, min(1.0, r))
        # Pairing both sorted ascending maximises the covariance (rearrangement inequality).
        ceiling = _covariance(sorted(marks), sorted(rests))
        if ceiling > _ZERO:
            efficiency = 100.0 * covariance / ceiling
    flags = []
    if len(marks) < min_responses:
        pass  # too few answers to judge
    elif facility < TOO_HARD_BELOW:
        flags.append(TOO_HARD)
    elif facility > TOO_EASY_ABOVE:
        flags.append(TOO_EASY)
    if len(marks) >= min_responses and discrimination is not None and discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append(WEAK_DISCRIMINATION)
    return ItemStats(
        question_id=question_id,
        responses=len(marks),
        facility=facility,
        sd=100.0 * math.sqrt(variance) if variance is not None else None,
        discrimination=discrimination,
        efficiency=efficiency,
        flags=tuple(flags),
    )


def _alpha(k: int | None, totals: list[float], item_variances: list[float | None]) -> float | None:
    """Cronbach's alpha, adapted to attempts that each serve k questions drawn from a larger pool.

    alpha = k / (k - 1) * (1 - S / var(totals)), where S must be the sum of the variances of the k
    questions an attempt served. With random draws those k differ between attempts, so S is estimated
    as k times the mean item variance: each item's variance over the attempts that served it, averaged
    over the questions that have one (two or more responses). When every attempt serves the whole pool
    this is exactly the textbook sum, so the usual alpha comes out.

    The formula assumes every total is a sum of k items, so alpha is None when attempts served different
    numbers of questions (this app fixes questions_per_attempt), when k < 2, and when the totals have
    no spread. Treat it as an estimate: with random draws it can fall below 0.
    """
    if k is None or k < 2:
        return None
    total_variance = _covariance(totals, totals)
    defined = [v for v in item_variances if v is not None]
    if total_variance is None or total_variance <= _ZERO or not defined:
        return None
    expected_sum = k * math.fsum(defined) / len(defined)
    return k / (k - 1) * (1.0 - expected_sum / total_variance)


def _covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance (n - 1), as Moodle uses; None below two values, where it is undefined."""
    n = len(xs)
    if n < 2:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    return math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / (n - 1)


# What each flag asks of a training lead, in plain words first (the figures stay one click away).
ADVICE = {
    TOO_HARD: "Most trainees get this wrong: check the key or the lesson.",
    TOO_EASY: "Almost everyone gets this right: it tells you little about what they know.",
    WEAK_DISCRIMINATION: "Trainees who do well overall do no better on this one: it may be ambiguous or off-topic.",
}


def verdict(item: ItemStats, min_responses: int = MIN_RESPONSES) -> str:
    """One question's statistics as one sentence, with the number of answers it rests on."""
    if item.responses < min_responses:
        return f"Too few answers to judge yet ({item.responses} of the {min_responses} needed)."
    if not item.flags:
        return "Works as intended."
    return " ".join(ADVICE[flag] for flag in item.flags)
