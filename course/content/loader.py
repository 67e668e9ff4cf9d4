"""Read `lessons/*.md` and `quizzes/*.yaml` into a Catalog, collecting every problem before failing.

Course authors are not programmers: one run of the validator should tell them everything that is wrong,
each with the file and line, rather than stop at the first mistake.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import lint, promotion, yamlfile
from .figures import FigureStore
from .model import (
    GRADING_METHODS,
    QUESTION_TYPES,
    REVIEW_PARTS,
    REVIEW_WHEN,
    THEMES,
    Catalog,
    Module,
    Option,
    Page,
    Pair,
    Question,
    Quiz,
    ReviewPolicy,
    Source,
)
from .problems import Collector, ContentError, Problem
from .render import FIGURE_URL, FigureHook, FigureRef, ShownFigure, render, slugify, word_count

PageUrl = Callable[[str, "str | None"], str]

LESSON_NAME = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
QUIZ_NAME = re.compile(r"^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.ya?ml$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING = re.compile(r"^##\s+(?P<title>.+?)(?:\s*\{#(?P<anchor>[^}]*)\})?\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")

MODULE_FIELDS = {"slug", "title", "summary", "minutes", "objectives", "sources"}
QUIZ_REQUIRED = {"module", "title", "pass_mark", "questions_per_attempt", "questions"}
QUIZ_OPTIONAL = {"max_attempts", "retake_wait_minutes", "grading", "review"}
QUESTION_COMMON = {"id", "type", "theme", "prompt", "explanation", "lesson"}
QUESTION_OPTIONAL = {"objective"}
QUESTION_BY_TYPE = {
    "single": {"options"},
    "multiple": {"options"},
    "true_false": {"answer"},
    "matching": {"pairs"},
}
MIN_PAGES, MAX_PAGES = 2, 6
MIN_PAIRS, MAX_PAIRS = 3, 6


def default_page_url(slug: str, anchor: str | None) -> str:
    return f"/modules/{slug}/pages/{anchor}" if anchor else f"/modules/{slug}"


@dataclass
class Report:
    """The result of checking the content: the catalog when there are no errors, plus every problem."""

    catalog: Catalog | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw_texts: dict[str, str] = field(default_factory=dict)


# --- small field checks -------------------------------------------------------------------------


def _check_fields(data: Any, required: set[str], allowed: set[str], out: Collector, what: str) -> bool:
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


def _text(data: yamlfile.LinedDict, key: str, out: Collector, what: str) -> str:
    value = data.get(key)
    if key in data and (not isinstance(value, str) or not value.strip()):
        out.add(data.line_of(key), f"'{key}' in {what} must be non-empty text")
        return ""
    return value.strip() if isinstance(value, str) else ""


def _integer(data: yamlfile.LinedDict, key: str, out: Collector, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        out.add(data.line_of(key), f"'{key}' must be a whole number from {low} to {high}")
        return None
    return value


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
        out.add(data.line_of("sources"), "'sources' must be a non-empty list of {title, url}")
        return ()
    sources = []
    for item in raw:
        if _check_fields(item, {"title", "url"}, {"title", "url"}, out, "a source"):
            url = _text(item, "url", out, "a source")
            if url and not url.startswith(("https://", "http://")):
                out.add(item.line_of("url"), "a source's url must start with https:// or http://")
            sources.append(Source(_text(item, "title", out, "a source"), url))
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
    if not _check_fields(data, MODULE_FIELDS, MODULE_FIELDS, out, "the front matter"):
        return _ParsedLesson(None, [], out)
    slug = _text(data, "slug", out, "the front matter")
    if slug and not SLUG.match(slug):
        out.add(data.line_of("slug"), f"slug '{slug}' must be lowercase letters, digits and hyphens")
    elif slug and slug != name[2]:
        out.add(data.line_of("slug"), f"slug '{slug}' does not match the file name '{path.name}'")
    minutes = _integer(data, "minutes", out, 1, 600) or 0

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
        title=_text(data, "title", out, "the front matter"),
        summary=_text(data, "summary", out, "the front matter"),
        minutes=minutes,
        objectives=_objectives(data, out),
        sources=_sources(data, out),
        intro_html=intro_html,
        pages=tuple(pages),
        path=out.path,
    )
    return _ParsedLesson(module, references, out)


# --- quizzes --------------------------------------------------------------------------------------


def _options(q: yamlfile.LinedDict, out: Collector) -> tuple[Option, ...]:
    raw = q.get("options")
    if not isinstance(raw, list) or len(raw) < 2:
        out.add(q.line_of("options"), "'options' must be a list of at least 2 options")
        return ()
    options = []
    for item in raw:
        if not _check_fields(item, {"text"}, {"text", "correct", "feedback"}, out, "an option"):
            continue
        correct = item.get("correct", False)
        if not isinstance(correct, bool):
            out.add(item.line_of("correct"), "'correct' must be true or false")
        feedback = item.get("feedback", "")
        if not isinstance(feedback, str):
            out.add(item.line_of("feedback"), "'feedback' must be text")
            feedback = ""
        options.append(Option(_text(item, "text", out, "an option"), correct is True, feedback.strip()))
    return tuple(options)


def _pairs(q: yamlfile.LinedDict, out: Collector) -> tuple[Pair, ...]:
    raw = q.get("pairs")
    if not isinstance(raw, list):
        out.add(q.line_of("pairs"), "'pairs' must be a list of {left, right}")
        return ()
    pairs = []
    for item in raw:
        if _check_fields(item, {"left", "right"}, {"left", "right"}, out, "a pair"):
            pairs.append(Pair(_text(item, "left", out, "a pair"), _text(item, "right", out, "a pair")))
    if not MIN_PAIRS <= len(pairs) <= MAX_PAIRS:
        out.add(q.line_of("pairs"), f"a matching question needs {MIN_PAIRS} to {MAX_PAIRS} pairs; found {len(pairs)}")
    for side in ("left", "right"):
        values = [getattr(p, side) for p in pairs]
        if len(set(values)) != len(values):
            out.add(q.line_of("pairs"), f"the {side} items of a matching question must all differ")
    return tuple(pairs)


def _question(q: Any, out: Collector) -> Question | None:
    if not isinstance(q, yamlfile.LinedDict):
        out.add(1, "each question must be a mapping of fields")
        return None
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        out.add(q.line_of("type"), f"unknown question type '{qtype}' (use one of: {', '.join(QUESTION_TYPES)})")
        _check_fields(q, QUESTION_COMMON, QUESTION_COMMON | {"options", "answer", "pairs"}, out, "a question")
        return None
    specific = QUESTION_BY_TYPE[qtype]
    _check_fields(
        q, QUESTION_COMMON | specific, QUESTION_COMMON | QUESTION_OPTIONAL | specific, out, f"a {qtype} question"
    )
    theme = q.get("theme")
    if "theme" in q and theme not in THEMES:
        out.add(q.line_of("theme"), f"unknown theme '{theme}' (use one of: {', '.join(THEMES)})")
    qid = _text(q, "id", out, "a question")
    if qid and not SLUG.match(qid):
        out.add(q.line_of("id"), f"question id '{qid}' must be lowercase letters, digits and hyphens")
    options: tuple[Option, ...] = ()
    pairs: tuple[Pair, ...] = ()
    answer = None
    if qtype in ("single", "multiple") and "options" in q:
        options = _options(q, out)
        correct = sum(o.correct for o in options)
        if qtype == "single" and correct != 1:
            out.add(q.line, f"a single question needs exactly one correct option; found {correct}")
        if qtype == "multiple" and correct < 2:
            out.add(q.line, f"a multiple question needs at least two correct options; found {correct}")
        if qtype == "multiple" and options and correct == len(options):
            out.add(q.line, "a multiple question needs at least one wrong option")
    elif qtype == "true_false" and "answer" in q:
        answer = q["answer"]
        if not isinstance(answer, bool):
            out.add(q.line_of("answer"), "'answer' must be true or false")
    elif qtype == "matching" and "pairs" in q:
        pairs = _pairs(q, out)
    lesson = _text(q, "lesson", out, "a question")
    if lesson and "#" not in lesson:
        out.add(q.line_of("lesson"), f"lesson '{lesson}' must look like 'module-slug#page-anchor'")
    return Question(
        id=qid,
        type=qtype,
        theme=theme if isinstance(theme, str) else "",
        prompt=_text(q, "prompt", out, "a question"),
        explanation=_text(q, "explanation", out, "a question"),
        lesson=lesson,
        options=options,
        answer=answer if isinstance(answer, bool) else None,
        pairs=pairs,
        objective=_integer(q, "objective", out, 1, 4) or 0,
        line=q.line,
    )


def _review(data: yamlfile.LinedDict, out: Collector) -> ReviewPolicy:
    raw = data.get("review")
    if raw is None:
        return ReviewPolicy()
    if not _check_fields(raw, set(), set(REVIEW_PARTS), out, "'review'"):
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
    if not _check_fields(data, QUIZ_REQUIRED, QUIZ_REQUIRED | QUIZ_OPTIONAL, out, "the quiz"):
        return None, out
    grading = data.get("grading", "highest")
    if grading not in GRADING_METHODS:
        out.add(data.line_of("grading"), f"unknown grading '{grading}' (use one of: {', '.join(GRADING_METHODS)})")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        out.add(data.line_of("questions"), "'questions' must be a non-empty list")
        raw_questions = []
    questions = tuple(q for q in (_question(item, out) for item in raw_questions) if q is not None)
    per_attempt = _integer(data, "questions_per_attempt", out, 1, 100) or 0
    if per_attempt and len(questions) < per_attempt:
        out.add(
            data.line_of("questions_per_attempt"),
            f"the pool has {len(questions)} questions, fewer than questions_per_attempt ({per_attempt})",
        )
    quiz = Quiz(
        module=_text(data, "module", out, "the quiz"),
        title=_text(data, "title", out, "the quiz"),
        pass_mark=_integer(data, "pass_mark", out, 1, 100) or 0,
        questions_per_attempt=per_attempt,
        max_attempts=_integer(data, "max_attempts", out, 1, 1000),
        retake_wait_minutes=_integer(data, "retake_wait_minutes", out, 0, 60 * 24 * 30) or 0,
        grading=grading if grading in GRADING_METHODS else "highest",
        questions=questions,
        version=hashlib.sha256(text.encode()).hexdigest()[:12],
        path=out.path,
        review=_review(data, out),
    )
    return quiz, out


# --- the whole course -------------------------------------------------------------------------------


def check_content(lessons_dir: Path, quizzes_dir: Path, page_url: PageUrl = default_page_url) -> Report:
    """Parse and cross-check everything; the catalog is only returned when there is no error."""
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

    errors = [p for c in collectors for p in c.problems]
    errors += [p for path, text in raw_texts.items() for p in promotion.scan(path, text)]
    if not modules and not errors:
        errors.append(Problem(str(lessons_dir), 1, "no lesson files found"))
    if errors:
        return Report(None, errors=sorted(errors), raw_texts=raw_texts)
    ordered = sorted(modules.values(), key=lambda m: m.number)
    catalog = Catalog(tuple(_with_quiz(m, quizzes.get(m.slug)) for m in ordered), figures=dict(store.figures))
    return Report(catalog, warnings=lint.lint(catalog), raw_texts=raw_texts)


def _with_quiz(module: Module, quiz: Quiz | None) -> Module:
    return replace(module, quiz=quiz)


def load_catalog(lessons_dir: Path, quizzes_dir: Path, page_url: PageUrl = default_page_url) -> Catalog:
    report = check_content(lessons_dir, quizzes_dir, page_url)
    if report.catalog is None:
        raise ContentError(report.errors)
    return report.catalog
