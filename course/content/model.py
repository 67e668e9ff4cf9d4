"""The course catalog: immutable values loaded once from `lessons/` and `quizzes/`.

Frozen dataclasses and tuples, so a request can never change what every other request sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from .figures import Figure

THEMES = ("mechanism", "risks", "legal", "clinical")
GRADING_METHODS = ("highest", "latest", "first", "average")
REVIEW_WHEN = ("after_pass", "after_last_attempt", "always")
REVIEW_PARTS = ("right_answer", "explanation")
LEVELS = ("recall", "understanding", "application")
"""Cognitive level of a question. recall: a practice-relevant fact; understanding: why, what follows, or
telling two concepts apart; application: the stem puts the trainee in a clinic situation (a patient, a
colleague, a leaflet, an offer) and asks for a reply, an action or a judgement."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    checked: date | None = None  # when an author last checked the module against this source


@dataclass(frozen=True)
class Page:
    """One `##` section of a module: one lesson page and one unit of progress."""

    anchor: str
    title: str
    html: str
    words: int


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Pair:
    left: str
    right: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    theme: str
    prompt: str
    explanation: str
    lesson: str  # "module-slug#page-anchor"
    options: tuple[Option, ...] = ()
    answer: bool | None = None  # true_false only
    pairs: tuple[Pair, ...] = ()  # matching only
    objective: int = 0  # 1-based number of the module objective this question tests
    level: str = ""  # one of LEVELS
    line: int = 0

    @property
    def lesson_module(self) -> str:
        return self.lesson.partition("#")[0]

    @property
    def lesson_anchor(self) -> str:
        return self.lesson.partition("#")[2]


@dataclass(frozen=True)
class ReviewPolicy:
    """When a trainee may see the key of a submitted attempt (Moodle's review options, simplified)."""

    right_answer: str = "after_pass"
    explanation: str = "after_pass"


@dataclass(frozen=True)
class Quiz:
    module: str
    title: str
    pass_mark: int
    questions_per_attempt: int
    max_attempts: int | None
    retake_wait_minutes: int
    grading: str
    questions: tuple[Question, ...]
    version: str  # short hash of the file, recorded with every attempt
    path: str = ""
    review: ReviewPolicy = ReviewPolicy()


@dataclass(frozen=True)
class Module:
    number: int
    slug: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    sources: tuple[Source, ...]
    intro_html: str
    pages: tuple[Page, ...]
    quiz: Quiz | None = None
    path: str = ""
    reviewed: date | None = None  # when the module was last checked against its sources

    def page(self, anchor: str) -> Page | None:
        return next((p for p in self.pages if p.anchor == anchor), None)

    def next_page(self, anchor: str) -> Page | None:
        anchors = [p.anchor for p in self.pages]
        index = anchors.index(anchor) + 1
        return self.pages[index] if index < len(self.pages) else None

    def previous_page(self, anchor: str) -> Page | None:
        index = [p.anchor for p in self.pages].index(anchor)
        return self.pages[index - 1] if index > 0 else None

    @property
    def words(self) -> int:
        return sum(p.words for p in self.pages)


@dataclass(frozen=True)
class Change:
    """One change a trainee may need to know about, in words written for them."""

    text: str  # "The UK position on ketamine's class, January 2026"
    modules: tuple[str, ...]  # slugs of the modules it touches
    material: bool  # True when it changes what a pass certifies
    lesson: str = ""  # optional "module-slug#page-anchor": where to reread just that


@dataclass(frozen=True)
class Release:
    version: str
    date: date
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Certification:
    """How long a pass stays true (`certification:` in `course.yaml`).

    A pass is valid for `valid_for_months` (None: it never expires). A module stays current while its
    refreshers are kept up: no objective overdue by more than `overdue_days`, and at least `right_percent`
    of the last `last_answers` refresher answers right (checked once that many are given); otherwise it
    lapses. A lapsed module, and every module in the `window_days` before its expiry, can be renewed by a
    pass of its quiz; a module still current at its expiry is renewed by its refreshers.
    """

    valid_for_months: int | None = None
    window_days: int = 60
    overdue_days: int = 30
    right_percent: int = 80
    last_answers: int = 10


HOURS_KINDS = ("estimated", "continuing-education")
"""estimated: the study time the authors estimate; continuing-education: hours an accrediting body granted."""


@dataclass(frozen=True)
class Hours:
    """The course's length as its certificate states it (`hours:` in `course.yaml`)."""

    amount: float
    kind: str = "estimated"  # one of HOURS_KINDS

    @property
    def words(self) -> str:
        """The line the certificate prints: "3.5 continuing-education hours", "Estimated study time: 3.5 hours"."""
        amount = f"{self.amount:g} hour{'' if self.amount == 1 else 's'}"
        if self.kind == "continuing-education":
            return amount.replace(" hour", " continuing-education hour")
        return f"Estimated study time: {amount}"


@dataclass(frozen=True)
class Course:
    """`course.yaml` at the content root: the course version and its change log, newest release first, how
    long a pass stays true, and the hours the certificate states (None: it states none)."""

    version: str = ""
    releases: tuple[Release, ...] = ()
    certification: Certification = Certification()
    hours: Hours | None = None

    def changes_since(self, version: str | None) -> tuple[Release, ...]:
        """The releases after `version`, newest first: none for the current version or an unknown one.

        An unknown version (a record from before versioning, or a typo) returns nothing rather than the
        whole log, so nobody is told that everything changed.
        """
        versions = [r.version for r in self.releases]
        if version not in versions:
            return ()
        return self.releases[: versions.index(version)]

    def material_change_since(self, version: str | None) -> bool:
        return any(c.material for r in self.changes_since(version) for c in r.changes)


@dataclass(frozen=True)
class Catalog:
    modules: tuple[Module, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict)  # the checked figure files, by file name
    course: Course = Course()
    _by_slug: Mapping[str, Module] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", MappingProxyType({m.slug: m for m in self.modules}))
        object.__setattr__(self, "figures", MappingProxyType(dict(self.figures)))

    def figure(self, name: str) -> Figure | None:
        return self.figures.get(name)

    def module(self, slug: str) -> Module | None:
        return self._by_slug.get(slug)

    def next_module(self, slug: str) -> Module | None:
        slugs = [m.slug for m in self.modules]
        index = slugs.index(slug) + 1
        return self.modules[index] if index < len(self.modules) else None

    @property
    def total_pages(self) -> int:
        return sum(len(m.pages) for m in self.modules)

    @property
    def pass_marks(self) -> tuple[int, ...]:
        """The distinct pass marks of the quizzes, lowest first: pages state the rule from these."""
        return tuple(sorted({m.quiz.pass_mark for m in self.modules if m.quiz}))
