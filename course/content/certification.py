"""The `certification:` block of `course.yaml`: how long a pass is valid and what keeps it current.

    certification:
      valid_for_months: 12     # or `none`: a pass never expires
      window_days: 60          # a pass of the module quiz renews it this many days before expiry
      current_while:           # a module stays current while its refreshers are kept up:
        overdue_days: 30       #   no objective overdue by more than this,
        right_percent: 80      #   and at least this share right
        last_answers: 10       #   over the last this many refresher answers

Every key is optional; a missing block means the defaults of `model.Certification` (never expires).
"""

from __future__ import annotations

from . import fields, yamlfile
from .model import Certification
from .problems import Collector

BLOCK_FIELDS = {"valid_for_months", "window_days", "current_while"}
RULE_FIELDS = {"overdue_days", "right_percent", "last_answers"}
LIMITS = {
    "valid_for_months": (1, 120),
    "window_days": (1, 365),
    "overdue_days": (1, 365),
    "right_percent": (0, 100),
    "last_answers": (1, 100),
}


def _numbers(data: yamlfile.LinedDict, keys: set[str], out: Collector) -> dict[str, int]:
    found = {}
    for key in sorted(keys & set(data)):
        if key == "valid_for_months" and data.get(key) in (None, "none"):
            continue  # `none` (or an empty value) says it never expires
        value = fields.integer(data, key, out, *LIMITS[key])
        if value is None and data.get(key) is None:
            out.add(data.line_of(key), f"'{key}' must be a whole number from {LIMITS[key][0]} to {LIMITS[key][1]}")
        if value is not None:
            found[key] = value
    return found


def parse(data: yamlfile.LinedDict, out: Collector) -> Certification:
    """The course's certification rules; each bad value is reported at its line and left at its default."""
    if "certification" not in data:
        return Certification()
    block = data.get("certification")
    if not fields.check_fields(block, set(), BLOCK_FIELDS, out, "'certification'"):
        return Certification()
    values = _numbers(block, BLOCK_FIELDS - {"current_while"}, out)
    if "current_while" in block:
        rule = block.get("current_while")
        if fields.check_fields(rule, set(), RULE_FIELDS, out, "'current_while'"):
            values |= _numbers(rule, RULE_FIELDS, out)
    return Certification(**values)
