"""Field checks shared by the lesson, quiz and question-type parsers: each reports and carries on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from . import yamlfile
from .problems import Collector


def check_fields(data: Any, required: set[str], allowed: set[str], out: Collector, what: str) -> bool:
    """Report duplicate, unknown and missing fields; False when `data` is not a mapping at all."""
    if not isinstance(data, yamlfile.LinedDict):
        out.add(getattr(data, "line", 1), f"{what} must be a mapping of fields")
        return False
    for key, line in data.duplicate_keys:
        out.add(line, f"duplicate field '{key}' in {what}")
    for key in sorted(set(data) - allowed, key=str):
        out.add(data.line_of(key), f"unknown field '{key}' in {what}")
    for key in sorted(required - set(data)):
        out.add(data.line, f"missing field '{key}' in {what}")
    return True


def text(data: yamlfile.LinedDict, key: str, out: Collector, what: str) -> str:
    value = data.get(key)
    if key in data and (not isinstance(value, str) or not value.strip()):
        out.add(data.line_of(key), f"'{key}' in {what} must be non-empty text")
        return ""
    return value.strip() if isinstance(value, str) else ""


def integer(data: yamlfile.LinedDict, key: str, out: Collector, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        out.add(data.line_of(key), f"'{key}' must be a whole number from {low} to {high}")
        return None
    return value


def day(data: yamlfile.LinedDict, key: str, out: Collector, what: str) -> date | None:
    """A calendar date written YYYY-MM-DD (YAML reads it as a date); a datetime or text is reported."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        out.add(data.line_of(key), f"'{key}' in {what} must be a date written YYYY-MM-DD")
        return None
    return value
