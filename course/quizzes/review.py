"""The per-question review of a submitted attempt, as the trainee and their instructor both see it."""

from __future__ import annotations

from ..content import types
from . import grading
from .rules import FULL_REVIEW, Reveal


def review_rows(attempt, shown: Reveal = FULL_REVIEW) -> list[dict]:
    """Per question: what the trainee answered, the mark and the lesson; the right answer, the explanation
    and the option feedback only as far as `shown` allows (None where withheld)."""
    rows = []
    for item in attempt.items:
        snapshot = item.snapshot
        rows.append(
            {
                "item": item,
                "question_id": snapshot["id"],
                "theme": snapshot["theme"],
                "prompt": snapshot["prompt"],
                "given": grading.answer_parts(snapshot, item.response),
                "right": grading.answer_parts(snapshot, grading.right_answer(snapshot)) if shown.right_answer else None,
                "explanation": snapshot["explanation"] if shown.explanation else None,
                "score": item.score or 0.0,
                "feedback": types.of(snapshot).feedback(snapshot, item.response) if shown.explanation else [],
                "lesson": snapshot["lesson"],
                "lesson_module": snapshot["lesson"].partition("#")[0],
                "lesson_anchor": snapshot["lesson"].partition("#")[2],
            }
        )
    return rows
