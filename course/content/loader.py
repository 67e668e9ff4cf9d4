"""Read `lessons/*.md` and `quizzes/*.yaml` into a Catalog, collecting every problem before failing.

Course authors are not programmers: one run of the validator should tell them everything that is wrong,
each with the file and line, rather than stop at the first mistake.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from . import currency, fields, lint, promotion, yamlfile
from .coursefile import parse_course
from .figures import FigureStore
from .model import (
    GRADING_METHODS,
    LEVELS,
    REVIEW_PARTS,
    REVIEW_WHEN,
    THEMES,
    Catalog,
    Module,
    Page,
    Question,
    Quiz,
    ReviewPolicy,
    Source,
)
from .problems import Collector, ContentError, Problem
from .render import FIGURE_URL, FigureHook, FigureRef, ShownFigure, render, slugify, word_count
from .types import TYPES

PageUrl = Callable[[str, "str | None"], str]

LESSON_NAME = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
QUIZ_NAME = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.ya?ml$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING = re.compile(r"^##\s+(?P<title>.+?)(?:\s*\{#(?P<anchor>[^}]*)\})?\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")

MODULE_FIELDS = {"slug", "title", "summary", "minutes", "objectives", "sources"}
MODULE_OPTIONAL = {"reviewed"}  # missing: a warning (currency.py), so --strict still demands it
QUIZ_REQUIRED = {"module", "title", "pass_mark", "questions_per_attempt", "questions"}
QUIZ_OPTIONAL = {"max_attempts", "retake_wait_minutes", "grading", "review"}
QUESTION_COMMON = {"id", "type", "theme", "objective", "prompt", "explanation", "lesson"}
QUESTION_OPTIONAL = {"level"}  # an unknown value is an error here; a missing one is a lint warning
SOURCE_FIELDS = {"title", "url"}
SOURCE_OPTIONAL = {"checked"}  # missing: a warning (currency.py)
MIN_PAGES, MAX_PAGES = 2, 6


def default_page_url(slug: str, anchor: str | None) -> str:
    return f"/modules/{slug}/pages/{anchor}" if anchor else f"/modules/{slug}"


@dataclass
class Report:
    """The result of checking the content: the catalog when there are no errors, plus every problem."""

    catalog: Catalog | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw_texts: dict[str, str] = field(default_factory=dict)


# --- lessons --------------------------------------------------------------------------------------


def _split_front_matter(text: str, out: Collector) -> tuple[str, str, int] | None:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        out.add(1, "missing front matter: the file must start with a line '---'")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            front = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 1
    out.add(1, "front matter is not closed: add a line '---' after it")
    return None


def _split_pages(body: str, first_line: int, out: Collector) -> tuple[str, list[tuple[str, str, str, int]]]:
    """Split the body on `##` headings (outside code fences): (intro, [(title, anchor, text, line)])."""
    intro: list[str] = []
    pages: list[tuple[str, str, list[str], int]] = []
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            title = match["title"].strip()
            anchor = match["anchor"] if match["anchor"] is not None else slugify(title)
            pages.append((title, anchor, [], first_line + offset))
        elif pages:
            pages[-1][2].append(line)
        else:
            intro.append(line)
    seen: dict[str, int] = {}
    for _title, anchor, _, line in pages:
        if not SLUG.match(anchor):
            out.add(line, f"page anchor '{anchor}' must be lowercase letters, digits and hyphens")
        elif anchor in seen:
            out.add(line, f"duplicate page anchor '{anchor}' (also on line {seen[anchor]})")
        seen.setdefault(anchor, line)
    return "\n".join(intro), [(t, a, "\n".join(body_lines), ln) for t, a, body_lines, ln in pages]


def _sources(data: yamlfile.LinedDict, out: Collector) -> tuple[Source, ...]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        out.add(data.line_of("sources"), "'sources' must be a non-empty list of {title, url, checked}")
        return ()
    sources = []
    for item in raw:
        if fields.check_fields(item, SOURCE_FIELDS, SOURCE_FIELDS | SOURCE_OPTIONAL, out, "a source"):
            url = fields.text(item, "url", out, "a source")
            if url and not url.startswith(("https://", "http://")):
                out.add(item.line_of("url"), "a source's url must start with https:// or http://")
            checked = fields.day(item, "checked", out, "a source")
            sources.append(Source(fields.text(item, "title", out, "a source"), url, checked))
    return tuple(sources)


def _objectives(data: yamlfile.LinedDict, out: Collector) -> tuple[str, ...]:
    raw = data.get("objectives")
    if not isinstance(raw, list) or not 2 <= len(raw) <= 4 or not all(isinstance(o, str) and o.strip() for o in raw):
        out.add(data.line_of("objectives"), "'objectives' must be a list of 2 to 4 sentences")
        return ()
    return tuple(o.strip() for o in raw)


@dataclass
class _ParsedLesson:
    module: Module | None
    references: list[tuple[str, int]]  # module: links and the line they are on
    out: Collector


def _figure_hook(store: FigureStore, out: Collector, first_line: int) -> FigureHook:
    """Checks each image of one page (whose Markdown starts on `first_line`) and says how to show it."""

    def place(ref: FigureRef) -> ShownFigure | None:
        line = first_line + ref.line
        if not ref.standalone:
            out.add(line, f"image '{ref.src}' must stand alone in its own paragraph, to be shown as a figure")
            return None
        figure, problems = store.check(ref.src, ref.alt)
        for problem in problems:
            out.add(line, problem)
        return (
            None
            if figure is None
            else ShownFigure(f"{FIGURE_URL}{figure.name}?v={figure.version}", figure.width, figure.height)
        )

    return place


def _parse_lesson(
    path: Path, root: Path, page_url: PageUrl, raw_texts: dict[str, str], store: FigureStore
) -> _ParsedLesson | None:
    out = Collector(path, root)
    name = LESSON_NAME.match(path.name)
    text = path.read_text(encoding="utf-8")
    raw_texts[out.path] = text
    if not name:
        out.add(1, "lesson file names must look like 'NN-slug.md' (for example 03-mechanism.md)")
        return _ParsedLesson(None, [], out)
    split = _split_front_matter(text, out)
    if split is None:
        return _ParsedLesson(None, [], out)
    front, body, body_start = split
    try:
        data = yamlfile.parse(front, line_offset=1)
    except yamlfile.YamlSyntaxError as exc:
        out.add(exc.line, str(exc))
        return _ParsedLesson(None, [], out)
    if not fields.check_fields(data, MODULE_FIELDS, MODULE_FIELDS | MODULE_OPTIONAL, out, "the front matter"):
        return _ParsedLesson(None, [], out)
    slug = fields.text(data, "slug", out, "the front matter")
    if slug and not SLUG.match(slug):
        out.add(data.line_of("slug"), f"slug '{slug}' must be lowercase letters, digits and hyphens")
    elif slug and slug != name[2]:
        out.add(data.line_of("slug"), f"slug '{slug}' does not match the file name '{path.name}'")
    minutes = fields.integer(data, "minutes", out, 1, 600) or 0

    intro_md, raw_pages = _split_pages(body, body_start + 1, out)
    if not MIN_PAGES <= len(raw_pages) <= MAX_PAGES:
        out.add(
            body_start,
            f"a module needs {MIN_PAGES} to {MAX_PAGES} lesson pages ('## ' headings); found {len(raw_pages)}",
        )
    references: list[tuple[str, int]] = []
    intro_html, refs = render(intro_md, page_url, _figure_hook(store, out, body_start + 1))
    references += [(r, body_start) for r in refs]
    pages = []
    for title, anchor, page_md, line in raw_pages:
        html, refs = render(page_md, page_url, _figure_hook(store, out, line + 1))
        references += [(r, line) for r in refs]
        pages.append(Page(anchor=anchor, title=title, html=html, words=word_count(page_md)))
    module = Module(
        number=int(name[1]),
        slug=slug,
        title=fields.text(data, "title", out, "the front matter"),
        summary=fields.text(data, "summary", out, "the front matter"),
        minutes=minutes,
        objectives=_objectives(data, out),
        sources=_sources(data, out),
        intro_html=intro_html,
        pages=tuple(pages),
        path=out.path,
        reviewed=fields.day(data, "reviewed", out, "the front matter"),
    )
    return _ParsedLesson(module, references, out)


# --- quizzes --------------------------------------------------------------------------------------


def _question(q: Any, out: Collector) -> Question | None:
    if not isinstance(q, yamlfile.LinedDict):
        out.add(1, "each question must be a mapping of fields")
        return None
    kind = TYPES.get(q.get("type"))
    if kind is None:
        out.add(q.line_of("type"), f"unknown question type '{q.get('type')}' (use one of: {', '.join(TYPES)})")
        any_type = QUESTION_COMMON | QUESTION_OPTIONAL | set().union(*(t.fields for t in TYPES.values()))
        fields.check_fields(q, QUESTION_COMMON, any_type, out, "a question")
        return None
    allowed = QUESTION_COMMON | QUESTION_OPTIONAL | kind.fields
    fields.check_fields(q, QUESTION_COMMON | kind.fields, allowed, out, f"a {kind.name} question")
    theme = q.get("theme")
    if "theme" in q and theme not in THEMES:
        out.add(q.line_of("theme"), f"unknown theme '{theme}' (use one of: {', '.join(THEMES)})")
    level = q.get("level")
    if "level" in q and level not in LEVELS:
        out.add(q.line_of("level"), f"unknown level '{level}' (use one of: {', '.join(LEVELS)})")
    qid = fields.text(q, "id", out, "a question")
    if qid and not SLUG.match(qid):
        out.add(q.line_of("id"), f"question id '{qid}' must be lowercase letters, digits and hyphens")
    lesson = fields.text(q, "lesson", out, "a question")
    if lesson and "#" not in lesson:
        out.add(q.line_of("lesson"), f"lesson '{lesson}' must look like 'module-slug#page-anchor'")
    return Question(
        id=qid,
        type=kind.name,
        theme=theme if isinstance(theme, str) else "",
        prompt=fields.text(q, "prompt", out, "a question"),
        explanation=fields.text(q, "explanation", out, "a question"),
        lesson=lesson,
        objective=fields.integer(q, "objective", out, 1, 4) or 0,
        level=level if level in LEVELS else "",
        line=q.line,
        **kind.validate(q, out),
    )


def _review(data: yamlfile.LinedDict, out: Collector) -> ReviewPolicy:
    raw = data.get("review")
    if raw is None:
        return ReviewPolicy()
    if not fields.check_fields(raw, set(), set(REVIEW_PARTS), out, "'review'"):
        return ReviewPolicy()
    values = {}
    for part in REVIEW_PARTS:
        value = raw.get(part, "after_pass")
        if value not in REVIEW_WHEN:
            out.add(raw.line_of(part), f"unknown review '{part}: {value}' (use one of: {', '.join(REVIEW_WHEN)})")
            value = "after_pass"
        values[part] = value
    return ReviewPolicy(**values)


def _parse_quiz(path: Path, root: Path, raw_texts: dict[str, str]) -> tuple[Quiz | None, Collector]:
    out = Collector(path, root)
    text = path.read_text(encoding="utf-8")
    raw_texts[out.path] = text
    if not QUIZ_NAME.match(path.name):
        out.add(1, "quiz file names must look like 'NN-slug.yaml' (for example 03-mechanism.yaml)")
        return None, out
    try:
        data = yamlfile.parse(text)
    except yamlfile.YamlSyntaxError as exc:
        out.add(exc.line, str(exc))
        return None, out
    if not fields.check_fields(data, QUIZ_REQUIRED, QUIZ_REQUIRED | QUIZ_OPTIONAL, out, "the quiz"):
        return None, out
    grading = data.get("grading", "highest")
    if grading not in GRADING_METHODS:
        out.add(data.line_of("grading"), f"unknown grading '{grading}' (use one of: {', '.join(GRADING_METHODS)})")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        out.add(data.line_of("questions"), "'questions' must be a non-empty list")
        raw_questions = []
    questions = tuple(q for q in (_question(item, out) for item in raw_questions) if q is not None)
    per_attempt = fields.integer(data, "questions_per_attempt", out, 1, 100) or 0
    if per_attempt and len(questions) < per_attempt:
        out.add(
            data.line_of("questions_per_attempt"),
            f"the pool has {len(questions)} questions, fewer than questions_per_attempt ({per_attempt})",
        )
    quiz = Quiz(
        module=fields.text(data, "module", out, "the quiz"),
        title=fields.text(data, "title", out, "the quiz"),
        pass_mark=fields.integer(data, "pass_mark", out, 1, 100) or 0,
        questions_per_attempt=per_attempt,
        max_attempts=fields.integer(data, "max_attempts", out, 1, 1000),
        retake_wait_minutes=fields.integer(data, "retake_wait_minutes", out, 0, 60 * 24 * 30) or 0,
        grading=grading if grading in GRADING_METHODS else "highest",
        questions=questions,
        version=hashlib.sha256(text.encode()).hexdigest()[:12],
        path=out.path,
        review=_review(data, out),
    )
    return quiz, out


# --- the whole course -------------------------------------------------------------------------------


def check_content(
    lessons_dir: Path,
    quizzes_dir: Path,
    page_url: PageUrl = default_page_url,
    *,
    today: date | None = None,
    review_months: int | None = None,
) -> Report:
    """Parse and cross-check everything; the catalog is only returned when there is no error.

    `today` (default: the UTC date) and `review_months` (default: CONTENT_REVIEW_MONTHS, else 12) decide
    which lessons are overdue for review; tests pass both.
    """
    root = lessons_dir.resolve().parent
    raw_texts: dict[str, str] = {}
    collectors: list[Collector] = []
    store = FigureStore(lessons_dir)
    lessons = [_parse_lesson(p.resolve(), root, page_url, raw_texts, store) for p in sorted(lessons_dir.glob("*.md"))]
    collectors += [lesson.out for lesson in lessons if lesson]
    modules: dict[str, Module] = {}
    for lesson in lessons:
        if lesson is None or lesson.module is None or not lesson.module.slug:
            continue
        slug = lesson.module.slug
        if slug in modules:
            lesson.out.add(1, f"duplicate module slug '{slug}'")
        else:
            modules[slug] = lesson.module
    numbers = sorted(m.number for m in modules.values())
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        collectors.append(Collector(lessons_dir.resolve(), root))
        collectors[-1].add(1, f"modules must be numbered 01, 02, ... without gaps; found {numbers}")

    def resolves(reference: str) -> bool:
        slug, _, anchor = reference.partition("#")
        module = modules.get(slug)
        return module is not None and (not anchor or module.page(anchor) is not None)

    for lesson in lessons:
        for reference, line in lesson.references if lesson else ():
            if not resolves(reference):
                lesson.out.add(line, f"link 'module:{reference}' does not resolve to a module or page")

    quizzes: dict[str, Quiz] = {}
    question_ids: dict[str, str] = {}
    for path in sorted([*quizzes_dir.glob("*.yaml"), *quizzes_dir.glob("*.yml")]):
        quiz, out = _parse_quiz(path.resolve(), root, raw_texts)
        collectors.append(out)
        if quiz is None:
            continue
        if quiz.module and quiz.module not in modules:
            out.add(1, f"quiz for unknown module '{quiz.module}'")
        elif quiz.module in quizzes:
            out.add(1, f"a second quiz for module '{quiz.module}'")
        elif quiz.module:
            quizzes[quiz.module] = quiz
        for question in quiz.questions:
            where = f"{out.path}:{question.line}"
            if question.id in question_ids:
                out.add(question.line, f"duplicate question id '{question.id}' (also at {question_ids[question.id]})")
            elif question.id:
                question_ids[question.id] = where
            if question.lesson and "#" in question.lesson and not resolves(question.lesson):
                out.add(question.line, f"lesson '{question.lesson}' does not resolve to a page")
            module = modules.get(quiz.module)
            if module and module.objectives and question.objective > len(module.objectives):
                out.add(
                    question.line,
                    f"'{question.id}': objective {question.objective} is not one of module "
                    f"'{module.slug}''s {len(module.objectives)} objectives",
                )

    course, course_out, course_warnings = parse_course(root, set(modules), resolves, root)
    collectors.append(course_out)
    errors = [p for c in collectors for p in c.problems]
    errors += [p for path, text in raw_texts.items() for p in promotion.scan(path, text)]
    if not modules and not errors:
        errors.append(Problem(str(lessons_dir), 1, "no lesson files found"))
    if errors:
        return Report(None, errors=sorted(errors), raw_texts=raw_texts)
    ordered = sorted(modules.values(), key=lambda m: m.number)
    catalog = Catalog(
        tuple(_with_quiz(m, quizzes.get(m.slug)) for m in ordered), figures=dict(store.figures), course=course
    )
    today = today or datetime.now(UTC).date()
    months = review_months or currency.review_months()
    warnings = sorted([*lint.lint(catalog), *currency.review_warnings(catalog, today, months), *course_warnings])
    return Report(catalog, warnings=warnings, raw_texts=raw_texts)


def _with_quiz(module: Module, quiz: Quiz | None) -> Module:
    return replace(module, quiz=quiz)


def load_catalog(lessons_dir: Path, quizzes_dir: Path, page_url: PageUrl = default_page_url) -> Catalog:
    """The catalog, or ContentError with every error; warnings (lint, review dates) do not stop it."""
    report = check_content(lessons_dir, quizzes_dir, page_url)
    if report.catalog is None:
        raise ContentError(report.errors)
    return report.catalog
