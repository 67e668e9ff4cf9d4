"""The per-question review of a submitted attempt, as the trainee and their instructor both see it."""

from __future__ import annotations

from . import grading, types


def review_rows(attempt) -> list[dict]:
    """Per question: what the trainee answered, the right answer, the mark, the explanation, the lesson."""
    rows = []
    for item in attempt.items:
        snapshot = item.snapshot
        rows.append(
            {
                "item": item,
                "snapshot": snapshot,
                "given": grading.answer_parts(snapshot, item.response),
                "right": grading.answer_parts(snapshot, grading.right_answer(snapshot)),
                "score": item.score or 0.0,
                "feedback": types.of(snapshot).feedback(snapshot, item.response),
                "lesson_module": snapshot["lesson"].partition("#")[0],
                "lesson_anchor": snapshot["lesson"].partition("#")[2],
            }
        )
    return rows
