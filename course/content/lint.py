"""Quiz and lesson lint: warnings about items that work but teach or measure badly.

These follow common item-writing guidance (and Moodle's statistics notes): a "select all" prompt must say
so, the right answer should not be guessable from its length, and a pool must be large enough that retakes
draw fresh questions.
"""

from __future__ import annotations

import re

from .model import Catalog, Module, Question
from .problems import Problem

ABOVE = re.compile(r"\b(?:all|none)\s+of\s+the\s+above\b", re.I)
SELECT_ALL = re.compile(r"select\s+all\s+that\s+apply", re.I)
MIN_WORDS, MAX_WORDS = 500, 1500
POOL_FACTOR = 3


def _question_warnings(path: str, q: Question) -> list[Problem]:
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
    return found


def _longest_is_correct(q: Question) -> bool:
    correct = next(o for o in q.options if o.correct)
    return all(len(correct.text) > len(o.text) for o in q.options if o is not correct)


def _module_warnings(module: Module) -> list[Problem]:
    lesson_path = module.path
    found: list[Problem] = []
    if not MIN_WORDS <= module.words <= MAX_WORDS:
        found.append(Problem(lesson_path, 1, f"module has {module.words} words; {MIN_WORDS}-{MAX_WORDS} expected"))
    quiz = module.quiz
    if quiz is None:
        found.append(Problem(lesson_path, 1, f"module '{module.slug}' has no quiz"))
        return found
    quiz_path = quiz.path
    for q in quiz.questions:
        found += _question_warnings(quiz_path, q)
    singles = [q for q in quiz.questions if q.type == "single"]
    longest = sum(_longest_is_correct(q) for q in singles)
    if singles and longest * 2 > len(singles):
        found.append(
            Problem(quiz_path, 1, f"the correct option is the longest in {longest} of {len(singles)} single questions")
        )
    if len(quiz.questions) < quiz.questions_per_attempt * POOL_FACTOR:
        found.append(
            Problem(
                quiz_path,
                1,
                f"pool of {len(quiz.questions)} is smaller than questions_per_attempt x {POOL_FACTOR} "
                f"({quiz.questions_per_attempt * POOL_FACTOR}): retakes would repeat questions",
            )
        )
    return found


def lint(catalog: Catalog) -> list[Problem]:
    return sorted(p for module in catalog.modules for p in _module_warnings(module))
