"""Every CSV the app writes goes through here, so no cell can run as a spreadsheet formula.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula (or becomes one) in
Excel, LibreOffice and Google Sheets: a trainee named `=HYPERLINK("http://evil.example","Click")` would
put a live link, or worse, in an instructor's spreadsheet. As OWASP's "CSV Injection" page advises, such
text cells are prefixed with a single quote, which the spreadsheet shows as text. Numbers are written as
numbers (a negative score is a number, not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[list], flush_at: int = 64 * 1024) -> Iterator[str]:
    """The CSV text of `rows`, in chunks of about `flush_at` characters, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        if buffer.tell() > flush_at:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
