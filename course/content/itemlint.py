"""Lint for one question at a time: flaws a test-wise trainee can exploit without knowing the subject.

Pure functions of a Question; the bank- and course-wide rules live in `lint.py`.
"""

from __future__ import annotations

import re

from .model import Question
from .problems import Problem

ABOVE = re.compile(r"\b(?:all|none)\s+of\s+the\s+above\b", re.I)
SELECT_ALL = re.compile(r"select\s+all\s+that\s+apply", re.I)

ABSOLUTES = (
    "never", "always", "only", "completely", r"no\s+risks?", "guaranteed", "all", "none", "cannot", "can['’]t",
    "must", "every",
)  # fmt: skip
"""Words that make a claim absolute. Item-writing guides (Haladyna & Downing's rules, the NBME guide) warn
that absolutes are rarely true, so a trainee who has learnt only that rules out every option carrying one.
The lint flags them when they appear only in wrong options. "can't" counts as a spelling of "cannot"."""

HEDGES = ("can", "may", "might", "about", "often", "some", "usually", "likely", "sometimes")
"""Qualifiers that make a claim cautious, and so usually true: the mirror-image cue, flagged when they
appear only in right options. "can" never matches inside "cannot" or "can't"."""


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    # \b on both sides; the lookahead keeps the hedge "can" out of "can't" (an absolute).
    return re.compile(r"\b(?:" + "|".join(words) + r")\b(?!['’]t)", re.I)


ABSOLUTE = _words(ABSOLUTES)
HEDGE = _words(HEDGES)


def _found(pattern: re.Pattern[str], texts: list[str]) -> list[str]:
    """The distinct matches in `texts`, lowercased, in order of first appearance."""
    seen = {m.group().lower(): None for text in texts for m in pattern.finditer(text)}
    return list(seen)


def cue_words(q: Question) -> str | None:
    """Why the wording of a single or multiple question's options gives the key away, or None.

    Warns when at least one wrong option has an absolute word and no right option has one, or when a right
    option has a hedge and no wrong option has one.
    """
    if q.type not in ("single", "multiple"):
        return None
    right = [o.text for o in q.options if o.correct]
    wrong = [o.text for o in q.options if not o.correct]
    reasons = []
    absolutes = _found(ABSOLUTE, wrong)
    if absolutes and not _found(ABSOLUTE, right):
        reasons.append(f"absolute words ({', '.join(absolutes)}) appear only in wrong options")
    hedges = _found(HEDGE, right)
    if hedges and not _found(HEDGE, wrong):
        reasons.append(f"hedges ({', '.join(hedges)}) appear only in right options")
    return "; ".join(reasons) or None


def question_warnings(path: str, q: Question) -> list[Problem]:
    found = []
    if q.type == "multiple" and not SELECT_ALL.search(q.prompt):
        found.append(
            Problem(path, q.line, f"'{q.id}': a multiple question's prompt should say 'Select all that apply'")
        )
    texts = [o.text.strip().lower() for o in q.options]
    if len(set(texts)) != len(texts):
        found.append(Problem(path, q.line, f"'{q.id}': duplicate options"))
    if any(ABOVE.search(o.text) for o in q.options):
        found.append(Problem(path, q.line, f"'{q.id}': avoid 'all of the above' / 'none of the above'"))
    cue = cue_words(q)
    if cue:
        found.append(Problem(path, q.line, f"'{q.id}': {cue}, so the key can be guessed from the wording"))
    return found
