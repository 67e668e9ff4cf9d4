"""Marking: a response per question, an attempt's result, a module's score. PURE: standard library only.

What each question type accepts and how it scores lives with the type (`types.py`, partial credit
explained there); this module applies it to whole attempts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..content import types
from ..content.types import Form, InvalidAnswer

__all__ = ["Form", "InvalidAnswer", "Result", "grade", "module_score", "parse_answer", "right_answer", "score_answer"]


def parse_answer(snapshot: dict, form: Form) -> dict | None:
    """The response to store; InvalidAnswer for a field or value that was not part of the served question."""
    kind = types.of(snapshot)
    if set(form) - kind.form_fields(snapshot):
        raise InvalidAnswer("That answer is not part of this question.")
    return kind.parse(snapshot, form)


def score_answer(snapshot: dict, response: dict | None) -> float:
    return types.of(snapshot).score(snapshot, response)


def answer_parts(snapshot: dict, response: dict | None) -> list[str]:
    """The answer in words, one part per chosen option or matched item; empty when unanswered."""
    return types.of(snapshot).describe(snapshot, response)


def describe_answer(snapshot: dict, response: dict | None) -> str:
    """The answer in words on one line, for exports."""
    return "; ".join(answer_parts(snapshot, response)) or "(no answer)"


def right_answer(snapshot: dict) -> dict:
    """The response that scores 1: used to show the right answer after submission."""
    return types.of(snapshot).right_answer(snapshot)


@dataclass(frozen=True)
class Result:
    item_scores: tuple[float, ...]
    score: float
    max_score: float
    percent: float
    passed: bool


def grade(snapshots: Sequence[dict], responses: Sequence[dict | None], pass_mark: int) -> Result:
    scores = tuple(round(score_answer(s, r), 4) for s, r in zip(snapshots, responses, strict=True))
    total, maximum = round(sum(scores), 4), float(len(scores))
    percent = round(100 * total / maximum, 1) if maximum else 0.0
    return Result(scores, total, maximum, percent, percent >= pass_mark)


def module_score(percents: Sequence[float], method: str) -> float | None:
    """The score that counts for a module, from its counted attempts in the order they were taken."""
    if not percents:
        return None
    pick: dict[str, Callable[[Sequence[float]], Any]] = {
        "highest": max,
        "latest": lambda p: p[-1],
        "first": lambda p: p[0],
        "average": lambda p: round(sum(p) / len(p), 1),
    }
    return pick[method](percents)
