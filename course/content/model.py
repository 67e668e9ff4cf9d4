"""The course catalog: immutable values loaded once from `lessons/` and `quizzes/`.

Frozen dataclasses and tuples, so a request can never change what every other request sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .figures import Figure

THEMES = ("mechanism", "risks", "legal", "clinical")
GRADING_METHODS = ("highest", "latest", "first", "average")
REVIEW_WHEN = ("after_pass", "after_last_attempt", "always")
REVIEW_PARTS = ("right_answer", "explanation")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


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
class Catalog:
    modules: tuple[Module, ...]
    figures: Mapping[str, Figure] = field(default_factory=dict)  # the checked figure files, by file name
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
