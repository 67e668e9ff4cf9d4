"""Untrusted text and numbers from requests, checked in one place.

- `reject_nul`: a request whose path, query or form carries a NUL byte is refused with 400 before any view
  runs. PostgreSQL cannot store or even compare a string with NUL, so without this a NUL in a log-in
  email or a certificate code was a 500 there.
- `query_int`: a query-string number, ASCII digits only and within bounds. `str.isdigit()` is true for
  `²` and `٣`, which `int()` then refuses or reads as a number nobody typed.
- `SingleLine`: a WTForms validator for names shown to other people: no control characters and no
  bidirectional overrides (they make a name display as something else: "Trojan Source").
- `escape_like`: a user's search text used literally inside a LIKE pattern.
"""

from __future__ import annotations

import re

from flask import request
from werkzeug.exceptions import BadRequest
from wtforms.validators import ValidationError

from .converters import ID_MAX

NUL = "\x00"
# U+200E/U+200F marks, U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, U+061C Arabic mark.
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
LIKE_ESCAPE = "\\"


class BadRequestWithReason(BadRequest):
    """A 400 whose description is safe and useful to show on the error page."""

    show_description = True


def _has_nul(values) -> bool:
    return any(NUL in key or any(NUL in value for value in values.getlist(key)) for key in values)


def reject_nul():
    """before_request: no view ever sees a NUL byte."""
    if NUL in request.path or _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
        raise BadRequestWithReason("The request contains a character this site does not accept (NUL).")
    return None


def query_int(value: str | None, low: int = 1, high: int = ID_MAX) -> int | None:
    """The number in a query parameter, or None when it is absent, not plain ASCII digits, or out of range."""
    if value is None or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def text_problem(value: str) -> str | None:
    if _CONTROL.search(value):
        return "Use letters, digits and punctuation only: no control characters."
    if any(char in BIDI_CONTROLS for char in value):
        return "Remove the invisible text-direction characters."
    return None


class SingleLine:
    """Refuses control characters and bidirectional controls in a one-line text field."""

    def __call__(self, form, field) -> None:
        problem = text_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def escape_like(text: str) -> str:
    """`text` matched literally by LIKE ... ESCAPE '\\': its own %, _ and backslashes escaped."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
