"""Reading a list of people to invite, the way people paste or export one. PURE: the standard library and
email_validator only, so it is tested without an app.

What it reads:
- pasted text, entries separated by newlines, `;` or `,`: `ana@clinic.org`, `Ana Ruiz <ana@clinic.org>`,
  `"Ruiz, Ana" <ana@clinic.org>`, or the older `ana@clinic.org, Ana Ruiz` (a name right after an email
  belongs to it). An Outlook "To" line (`Ruiz, Ana <ana@clinic.org>; Li, Bo <bo@clinic.org>`) is one
  line of such entries: a name may hold a comma when its email is in angle brackets;
- a CSV (or a pasted table) whose first row names its columns: `email` (or `e-mail`, `email address`),
  and `name` (or `full name`, `display name`), or `first name` and `last name` (`given name`, `surname`,
  `family name`); other columns are ignored, and so are empty rows.

Every usable entry becomes a row; a repeated email is merged into its first row silently (keeping a name
given later when the first had none). Entries that cannot be used are reported by line, and the rest still
go through: one bad line never sinks a list. Only a list longer than `max_rows` is refused whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

SEPARATORS = re.compile(r"[;\n]")
BRACKETED = re.compile(r"(?P<name>[^<>]*)<(?P<email>[^<>]*)>")
HEADERS = {
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "name": ("name", "full name", "display name"),
    "first": ("first name", "given name", "firstname", "first"),
    "last": ("last name", "surname", "family name", "lastname", "last"),
}


class TooLong(ValueError):
    """The list as a whole is longer than may be invited at once."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    name: str


@dataclass(frozen=True)
class Roster:
    rows: tuple[RosterRow, ...]
    problems: tuple[str, ...]  # the entries left out, by line


@dataclass(frozen=True)
class Limits:
    max_rows: int
    email_max: int
    name_max: int
    name_problem: Callable[[str], str | None] = lambda name: None  # e.g. control or bidi characters


@dataclass(frozen=True)
class _Entry:
    line: int
    raw: str  # as written, for the message
    email: str
    name: str


def parse(text: str, limits: Limits) -> Roster:
    """The rows to invite and the entries left out, from pasted text or a decoded CSV file."""
    lines = text.lstrip("\ufeff").splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    columns = _header(lines[first]) if first is not None else None
    if columns is not None:
        entries = _table(lines, first, *columns)
    else:
        entries = [entry for number, line in enumerate(lines, start=1) for entry in _free_line(number, line)]
    return _checked(entries, limits)


# --- a table with a header row --------------------------------------------------------------------------


def _delimiter(line: str) -> str:
    return max((";", ",", "\t"), key=line.count)


def _cells(line: str, delimiter: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader(io.StringIO(line), delimiter=delimiter), [])]


def _header(line: str) -> tuple[str, dict[str, int]] | None:
    """(delimiter, {role: column}) when the line names an email column, else None (no header row)."""
    delimiter = _delimiter(line)
    names = [" ".join(cell.lower().replace("_", " ").split()) for cell in _cells(line, delimiter)]
    columns = {}
    for role, spellings in HEADERS.items():
        column = next((n for n, name in enumerate(names) if name in spellings), None)
        if column is not None:
            columns[role] = column
    return (delimiter, columns) if "email" in columns else None


def _table(lines: list[str], header: int, delimiter: str, columns: dict[str, int]) -> list[_Entry]:
    entries = []
    for number, line in enumerate(lines[header + 1 :], start=header + 2):
        cells = _cells(line, delimiter)
        if not any(cells):
            continue  # an empty row, or one of only separators (a spreadsheet's trailing rows)
        value = {role: cells[column] if column < len(cells) else "" for role, column in columns.items()}
        name = value.get("name") or " ".join(filter(None, (value.get("first"), value.get("last"))))
        entries.append(_Entry(number, line.strip(), value["email"], name))
    return entries


# --- free text ------------------------------------------------------------------------------------------


def _plain(number: int, text: str, entries: list[_Entry]) -> None:
    """Comma-separated emails, each optionally followed by its name (`ana@clinic.org, Ana Ruiz`); a name in
    double quotes may hold a comma (`ana@clinic.org,"Ruiz, Ana"`, as a spreadsheet writes it)."""
    cells = next(csv.reader([text], skipinitialspace=True), [])
    for part in (cell.strip().strip('"').strip() for cell in cells):
        if not part:
            continue
        if "@" not in part and entries and not entries[-1].name and entries[-1].line == number:
            last = entries.pop()  # the name belongs to the email before it
            entries.append(_Entry(number, f"{last.raw}, {part}", last.email, part))
        else:
            entries.append(_Entry(number, part, part, ""))


def _free_line(number: int, line: str) -> list[_Entry]:
    entries: list[_Entry] = []
    for piece in SEPARATORS.split(line):
        end = 0
        for bracketed in BRACKETED.finditer(piece):  # Name <email>: the name may hold commas ("Ruiz, Ana")
            name = bracketed["name"].strip(" \t,").strip("\"'").strip()
            entries.append(_Entry(number, bracketed[0].strip(" \t,"), bracketed["email"].strip(), name))
            end = bracketed.end()
        _plain(number, piece[end:], entries)
    return entries


# --- checking -------------------------------------------------------------------------------------------


def _email(raw: str, limits: Limits) -> str | None:
    if not raw or len(raw) > limits.email_max:
        return None
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _checked(entries: list[_Entry], limits: Limits) -> Roster:
    if len(entries) > limits.max_rows:
        raise TooLong(
            f"The list has {len(entries):,} entries; at most {limits.max_rows:,} can be invited at once. "
            "Split it into smaller lists. Nothing was changed."
        )
    rows: dict[str, RosterRow] = {}
    problems = []
    for entry in entries:
        email = _email(entry.email, limits)
        if email is None:
            shown = entry.raw if len(entry.raw) <= 60 else entry.raw[:59] + "…"
            problems.append(f"Line {entry.line}: “{shown}” has no usable email address.")
            continue
        name = " ".join(entry.name.split())
        problem = limits.name_problem(name) or (
            f"the name is longer than {limits.name_max} characters." if len(name) > limits.name_max else None
        )
        if problem:
            problems.append(f"Line {entry.line}: {email}: {problem}")
            continue
        kept = rows.get(email)
        if kept is None:
            rows[email] = RosterRow(entry.line, email, name)
        elif not kept.name and name:
            rows[email] = RosterRow(kept.line, email, name)
    if not rows and not problems:
        problems.append("The list is empty: give one email per line, or paste the addresses from your email program.")
    return Roster(
        tuple(RosterRow(r.line, r.email, r.name or r.email.split("@")[0]) for r in rows.values()), tuple(problems)
    )
