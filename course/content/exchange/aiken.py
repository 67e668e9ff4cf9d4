"""Aiken (Moodle's `question/format/aiken`): single-answer multiple choice only, no feedback, no ids.

The format has no comment syntax, so what it cannot carry goes in a note beside the file (`notes`), never
inside it, where Moodle would read it as a question.
"""

from __future__ import annotations

from ..model import Quiz

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def exportable(quiz: Quiz) -> list:
    return [q for q in quiz.questions if q.type == "single" and len(q.options) <= len(LETTERS)]


def write(quiz: Quiz, title: str) -> str:
    blocks = []
    for question in exportable(quiz):
        lines = [_one_line(question.prompt)]
        lines += [f"{LETTERS[i]}) {_one_line(o.text)}" for i, o in enumerate(question.options)]
        right = next(i for i, o in enumerate(question.options) if o.correct)
        lines.append(f"ANSWER: {LETTERS[right]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def notes(quiz: Quiz, title: str) -> str:
    left_out = [q.id for q in quiz.questions if q not in exportable(quiz)]
    return "\n".join(
        [
            f"{title}: the bank of module '{quiz.module}' in Aiken format.",
            f"Exported {len(exportable(quiz))} of {len(quiz.questions)} questions.",
            "Not carried by Aiken: multiple-answer, true/false and matching questions; question ids and tags;",
            "explanations and option feedback; quiz settings (pass mark, questions per attempt, attempts, grading).",
            "Left out: " + (", ".join(left_out) if left_out else "none"),
            "",
        ]
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
