"""What every bank format shares: the tags that carry our fields, imported questions, and import errors.

GIFT, Moodle XML and Aiken know a question's text, its answers with their grades, its general feedback, an
id and free tags. Our fields with no place of their own (theme, objective, lesson page, level) travel as
tags `name:value`, so a bank that leaves for Moodle and comes back is the same bank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Question
from ..types import by_moodle

TAGGED = ("theme", "objective", "lesson", "level")  # carried as tags; `level` only when the catalog has it
MAX_BYTES = 2 * 1024 * 1024  # an import larger than this is refused before parsing
NOT_IN_ANY_FORMAT = (
    "quiz settings (pass_mark, questions_per_attempt, max_attempts, retake_wait_minutes, grading, review): "
    "set them on the quiz in the LMS"
)
SLUG = re.compile(r"[^a-z0-9]+")


class BankImportError(ValueError):
    """The file cannot become a quiz bank; carries every problem as (line, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("\n".join(f"line {line}: {message}" for line, message in self.problems))


def too_large(text: str) -> None:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise BankImportError([(1, f"the file is larger than {MAX_BYTES // 1024 // 1024} MiB; split the bank")])


def tags(question: Question) -> list[str]:
    """Our fields as `name:value` tags, in a fixed order."""
    values = {name: getattr(question, name, None) for name in TAGGED}
    return [f"{name}:{value}" for name, value in values.items() if value not in (None, "", 0)]


def percent(fraction: float) -> str:
    """A grade as Moodle writes it: 100, 50, 33.33333, -25."""
    return f"{fraction:.5f}".rstrip("0").rstrip(".")


@dataclass
class Parsed:
    """One question as a format read it, before it becomes a quiz-file mapping."""

    line: int
    qtype: str  # Moodle's: multichoice, truefalse, match, or one the course has not (essay, numerical...)
    prompt: str
    single_answer: bool = True
    name: str = ""
    idnumber: str = ""
    explanation: str = ""
    tags: list[str] = field(default_factory=list)
    answers: list[tuple[str, float, str]] = field(default_factory=list)  # text, grade %, feedback
    truth: bool | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)


def slug(text: str) -> str:
    return SLUG.sub("-", text.lower()).strip("-")[:60]


def to_mapping(p: Parsed, module: str, number: int, problems: list, warnings: list) -> dict[str, Any] | None:
    """The quiz-file mapping of one parsed question, in the loader's field order; problems for what cannot be."""
    kind = by_moodle(p.qtype, p.single_answer)
    if kind is None:
        problems.append(
            (p.line, f"'{p.qtype}' questions have no equivalent here (single, multiple, true/false, matching)")
        )
        return None
    qid = slug(p.idnumber or p.name) or f"{module}-{number}"
    out: dict[str, Any] = {"id": qid, "type": kind.name}
    fields: dict[str, Any] = {}
    for tag in p.tags:
        name, _, value = tag.partition(":")
        if name in TAGGED and value:
            fields[name] = int(value) if name == "objective" and value.isdigit() else value
        else:
            warnings.append((p.line, f"'{qid}': tag '{tag}' has no place in the quiz file and was left out"))
    for name in ("theme", "objective"):
        if name in fields:
            out[name] = fields.pop(name)
    out["prompt"] = p.prompt.strip()
    if kind.moodle == "multichoice":
        out["options"] = [_option(text, grade > 0, feedback) for text, grade, feedback in p.answers]
    elif kind.moodle == "truefalse":
        if p.truth is None:
            problems.append((p.line, f"'{qid}': a true/false question needs its answer"))
        out["answer"] = p.truth
    else:
        out["pairs"] = [{"left": left, "right": right} for left, right in p.pairs]
    out["explanation"] = p.explanation.strip()
    out.update(fields)  # lesson, level
    missing = [name for name in ("theme", "objective", "lesson") if name not in out]
    if missing or not out["explanation"]:
        what = ", ".join([*missing, *([] if out["explanation"] else ["explanation"])])
        warnings.append((p.line, f"'{qid}': no {what}; add it before `flask content check` passes"))
    return out


def _option(text: str, correct: bool, feedback: str) -> dict[str, Any]:
    option: dict[str, Any] = {"text": text}
    if correct:
        option["correct"] = True
    if feedback:
        option["feedback"] = feedback
    return option
