"""Quiz and lesson lint: warnings about items that work but teach or measure badly.

These follow common item-writing guidance (and Moodle's statistics notes): a "select all" prompt must say
so, neither the wording (`itemlint.py`) nor the length of an option should give the key away, a bank's
true/false answers should not lean one way, a pool must be large enough that retakes draw fresh
questions, every objective needs enough questions to be retested unseen, no item should appear twice
in the course under two ids, a bank must test practice and not only recall (the share of each cognitive
level), and its multiple-select items must not all have the same number of wrong options.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .itemlint import question_warnings
from .model import LEVELS, Catalog, Module, Question, Quiz
from .problems import Problem

MIN_WORDS, MAX_WORDS = 500, 1500
POOL_FACTOR = 3
TRUE_SHARE = (40, 60)  # percent of a bank's true/false answers that may be "true"
MIN_TRUE_FALSE = 4  # below this, one item more or less swings the share too far to judge
MIN_PER_OBJECTIVE = 3  # docs/content-format.md: enough that a retake can use a question not seen answered
MIN_APPLICATION = 35  # percent of a bank's questions that put the trainee in a clinic situation, at least
MAX_RECALL = 40  # percent of a bank's questions that only ask for a fact, at most
"""Issue 22: a course for clinic staff must test what they do, not what they can repeat. Shares are of
the questions that carry a level (a missing level is reported on its own)."""
NEAR_DUPLICATE = 0.85
"""Similarity of two questions' normalised words (prompt, options, pairs), from 0 to 1, at which two
questions in different quizzes count as one item written twice.

The measure is the Dice coefficient of the two bags of words, 2 * shared words / all words, which is what
difflib's `SequenceMatcher.quick_ratio()` computes. It ignores word order, so a true/false statement with
its clauses swapped ("In the US, X is Y" / "X is Y in the US") still matches, and a changed answer ("is" /
"is not") does not hide a repeat. Words, not characters: over characters every English text shares most
letters, so the cheap bounds prune nothing and the check took a minute and a half on the ~190 items;
over words it takes a fraction of a second. 0.85 is about one word in seven changed: on the banks of
November 2026 every pair above it is the same item reworded, while pairs from 0.55 to 0.70 already include
distinct questions on one topic (a product's status vs. a country's law), which a strict check must not
fail on.
"""


def _key_length_warnings(quiz: Quiz) -> list[Problem]:
    """The right option of a single question should not stand out as the longest, nor as the shortest."""
    longest = shortest = 0
    singles = [q for q in quiz.questions if q.type == "single" and any(o.correct for o in q.options)]
    for q in singles:
        right = len(next(o for o in q.options if o.correct).text.strip())
        others = [len(o.text.strip()) for o in q.options if not o.correct]
        longest += all(right > n for n in others)
        shortest += all(right < n for n in others)
    return [
        Problem(quiz.path, 1, f"the correct option is the {which} in {count} of {len(singles)} single questions")
        for which, count in (("longest", longest), ("shortest", shortest))
        if count * 2 > len(singles)
    ]


def _true_false_warnings(quiz: Quiz) -> list[Problem]:
    """A bank whose true/false answers lean one way rewards always answering that way."""
    answers = [q.answer for q in quiz.questions if q.type == "true_false"]
    true = answers.count(True)
    low, high = TRUE_SHARE
    if len(answers) < MIN_TRUE_FALSE or low * len(answers) <= 100 * true <= high * len(answers):  # no rounding
        return []
    message = (
        f"{true} of {len(answers)} true/false answers are true ({round(100 * true / len(answers))}%); "
        f"keep the share of true answers between {low}% and {high}%"
    )
    return [Problem(quiz.path, 1, message)]


def _objective_warnings(module: Module, quiz: Quiz) -> list[Problem]:
    """Objectives with too few questions; a missing or unknown objective is the loader's error, not ours."""
    counts = dict.fromkeys(range(1, len(module.objectives) + 1), 0)
    for q in quiz.questions:
        if q.objective in counts:
            counts[q.objective] += 1
    found = []
    for number, count in counts.items():
        if count == 0:
            message = f"objective {number} of module '{module.slug}' has no question"
        elif count < MIN_PER_OBJECTIVE:
            message = (
                f"objective {number} of module '{module.slug}' has {count} question{'s' if count > 1 else ''}, "
                f"fewer than {MIN_PER_OBJECTIVE}: a trainee who misses it cannot be retested with an unseen question"
            )
        else:
            continue
        found.append(Problem(quiz.path, 1, message))
    return found


def _label_warnings(quiz: Quiz) -> list[Problem]:
    """Each question names its objective and level: objective coverage and level shares read them."""
    found = []
    for q in quiz.questions:
        missing = [name for name, value in (("objective", q.objective), ("level", q.level)) if not value]
        if q.level and q.level not in LEVELS:
            missing.append(f"a known level ({', '.join(LEVELS)})")
        if missing:
            found.append(Problem(quiz.path, q.line, f"'{q.id}': no {' and no '.join(missing)}"))
    return found


def _level_warnings(quiz: Quiz) -> list[Problem]:
    """Too few application questions, or too many recall questions, in one bank (integer arithmetic)."""
    levels = [q.level for q in quiz.questions if q.level in LEVELS]
    if not levels:
        return []
    total, application, recall = len(levels), levels.count("application"), levels.count("recall")
    found = []
    if 100 * application < MIN_APPLICATION * total:
        found.append(
            Problem(
                quiz.path,
                1,
                f"{application} of {total} questions are application ({round(100 * application / total)}%); "
                f"at least {MIN_APPLICATION}% should put the trainee in a clinic situation",
            )
        )
    if 100 * recall > MAX_RECALL * total:
        found.append(
            Problem(
                quiz.path,
                1,
                f"{recall} of {total} questions are recall ({round(100 * recall / total)}%); at most {MAX_RECALL}%",
            )
        )
    return found


def _multiple_select_warnings(quiz: Quiz) -> list[Problem]:
    """Multiple-select items that all have the same number of wrong options teach a rule ("untick the two
    least likely") that scores without knowledge; an item with no wrong option tests nothing."""
    multiples = [q for q in quiz.questions if q.type == "multiple"]
    wrong = {q.id: sum(not o.correct for o in q.options) for q in multiples}
    found = [
        Problem(quiz.path, q.line, f"'{q.id}': a multiple-select question with no wrong option")
        for q in multiples
        if wrong[q.id] == 0
    ]
    counts = set(wrong.values())
    if len(multiples) >= 2 and len(counts) == 1:
        (count,) = counts
        found.append(
            Problem(
                quiz.path,
                1,
                f"all {len(multiples)} multiple-select questions have {count} wrong option{'s' if count != 1 else ''}; "
                "vary the number (1 to 3) so it cannot be learnt",
            )
        )
    return found


def _module_warnings(module: Module) -> list[Problem]:
    lesson_path = module.path
    found: list[Problem] = []
    if not MIN_WORDS <= module.words <= MAX_WORDS:
        found.append(Problem(lesson_path, 1, f"module has {module.words} words; {MIN_WORDS}-{MAX_WORDS} expected"))
    quiz = module.quiz
    if quiz is None:
        found.append(Problem(lesson_path, 1, f"module '{module.slug}' has no quiz"))
        return found
    for q in quiz.questions:
        found += question_warnings(quiz.path, q)
    found += _key_length_warnings(quiz)
    found += _true_false_warnings(quiz)
    found += _objective_warnings(module, quiz)
    found += _label_warnings(quiz)
    found += _level_warnings(quiz)
    found += _multiple_select_warnings(quiz)
    if len(quiz.questions) < quiz.questions_per_attempt * POOL_FACTOR:
        found.append(
            Problem(
                quiz.path,
                1,
                f"pool of {len(quiz.questions)} is smaller than questions_per_attempt x {POOL_FACTOR} "
                f"({quiz.questions_per_attempt * POOL_FACTOR}): retakes would repeat questions",
            )
        )
    return found


def normalised_words(q: Question) -> list[str]:
    """A question's prompt, options and pairs as lowercase words without punctuation; options sorted."""
    parts = [q.prompt, *sorted(o.text for o in q.options), *sorted(f"{p.left} {p.right}" for p in q.pairs)]
    return re.sub(r"[^\w\s]", " ", " ".join(parts).lower()).split()


def _near_duplicate_warnings(quizzes: list[Quiz]) -> list[Problem]:
    """Every pair of questions in different quizzes: O(n^2), with a length bound to skip most pairs cheaply."""
    seen: list[tuple[Quiz, Question, list[str]]] = []
    found = []
    for quiz in quizzes:
        for q in quiz.questions:
            words = normalised_words(q)
            matcher = SequenceMatcher(None, b=words, autojunk=False)  # caches the counts of `words`
            for other_quiz, other, other_words in seen:
                if other_quiz is quiz:
                    continue
                matcher.set_seq1(other_words)
                if matcher.real_quick_ratio() < NEAR_DUPLICATE:  # an upper bound from the lengths alone
                    continue
                similarity = matcher.quick_ratio()
                if similarity >= NEAR_DUPLICATE:
                    found.append(
                        Problem(
                            quiz.path,
                            q.line,
                            f"'{q.id}' is a near-duplicate of '{other.id}' ({other_quiz.path}:{other.line}; "
                            f"similarity {similarity:.2f}): trainees would meet one item twice under two ids",
                        )
                    )
            seen.append((quiz, q, words))
    return found


def lint(catalog: Catalog) -> list[Problem]:
    found = [p for module in catalog.modules for p in _module_warnings(module)]
    found += _near_duplicate_warnings([m.quiz for m in catalog.modules if m.quiz is not None])
    return sorted(found)
