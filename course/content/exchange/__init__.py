"""Question banks in and out of the course: GIFT, Moodle XML and Aiken. PURE: standard library, PyYAML
and defusedxml.

`export_bank` writes one module's bank in a format; `import_bank` reads a GIFT or Moodle XML file into a
quiz file (YAML) for a module, with every problem by line. What a format cannot carry is said at the top
of the file it writes (for Aiken, which has no comments, in a note beside it).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ..model import Module
from . import aiken, gift, moodle_xml
from .bank import BankImportError, Parsed, to_mapping

__all__ = ["EXPORTS", "IMPORTS", "BankImportError", "Imported", "export_bank", "import_bank", "sniff"]

EXPORTS = {"gift": ".gift.txt", "moodle-xml": ".moodle.xml", "aiken": ".aiken.txt"}
IMPORTS = {"gift": gift.read, "moodle-xml": moodle_xml.read}
_WRITERS = {"gift": gift.write, "moodle-xml": moodle_xml.write, "aiken": aiken.write}


def export_bank(module: Module, fmt: str) -> dict[str, str]:
    """{file name: text} for one module's bank: the bank itself, and Aiken's note beside it."""
    quiz = module.quiz
    if quiz is None:
        return {}
    stem = f"{module.number:02d}-{module.slug}"
    files = {stem + EXPORTS[fmt]: _WRITERS[fmt](quiz, quiz.title)}
    if fmt == "aiken":
        files[stem + ".aiken-notes.txt"] = aiken.notes(quiz, quiz.title)
    return files


def sniff(text: str) -> str:
    """The import format of a file's text: Moodle XML when it starts like XML, else GIFT."""
    return "moodle-xml" if text.lstrip("\ufeff \t\r\n").startswith("<") else "gift"


@dataclass(frozen=True)
class Imported:
    yaml: str
    count: int
    warnings: list[tuple[int, str]]


def import_bank(text: str, module: str, fmt: str | None = None) -> Imported:
    """A quiz file for `module` from a bank's text; BankImportError with every problem by line."""
    parsed: list[Parsed] = IMPORTS[fmt or sniff(text)](text)
    if not parsed:
        raise BankImportError([(1, "the file holds no question")])
    problems: list[tuple[int, str]] = []
    warnings: list[tuple[int, str]] = []
    questions = [to_mapping(p, module, n, problems, warnings) for n, p in enumerate(parsed, start=1)]
    seen: dict[str, int] = {}
    for p, q in zip(parsed, questions, strict=True):
        if q and q["id"] in seen:
            problems.append((p.line, f"duplicate question id '{q['id']}' (also at line {seen[q['id']]})"))
        elif q:
            seen[q["id"]] = p.line
    if problems:
        raise BankImportError(problems)
    header = {
        "module": module,
        "title": f"{module.replace('-', ' ').capitalize()} check",
        "pass_mark": 80,
        "questions_per_attempt": min(5, len(questions)),
        "max_attempts": None,
        "retake_wait_minutes": 0,
        "grading": "highest",
    }
    body = yaml.safe_dump({**header, "questions": questions}, sort_keys=False, allow_unicode=True, width=110)
    note = "# Imported bank. The quiz settings above `questions:` are defaults (no bank format carries them).\n"
    return Imported(note + body, len(questions), warnings)
