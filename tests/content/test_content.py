"""The content pipeline, without an app: loading, rendering, and every validator error at path:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course.content import ContentError, check_content, load_catalog
from course.content.render import render

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def course_copy(tmp_path: Path, replace: dict[str, str] | None = None) -> tuple[Path, Path]:
    """A copy of the valid fixture course, with some files replaced by broken ones."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", target)
    for relative, broken in (replace or {}).items():
        shutil.copy(FIXTURES / "broken" / broken, target / relative)
    return target / "lessons", target / "quizzes"


def test_valid_fixture_course_loads(tmp_path):
    catalog = load_catalog(*course_copy(tmp_path))
    assert [m.slug for m in catalog.modules] == ["alpha", "beta"]
    alpha = catalog.module("alpha")
    assert [p.anchor for p in alpha.pages] == ["first", "second-page"]
    assert alpha.quiz.questions_per_attempt == 2 and len(alpha.quiz.questions) == 6
    assert catalog.module("beta").quiz is None


def test_markdown_is_rendered_once_with_anchors_and_resolved_links(tmp_path):
    first = load_catalog(*course_copy(tmp_path)).module("alpha").page("first")
    assert "<strong>first fact</strong>" in first.html
    assert '<h2 id="a-sub-heading">' in first.html  # `###` in a page is one level below its h1
    assert 'href="/modules/beta"' in first.html and 'href="/modules/beta/pages/second-page"' in first.html


def test_raw_html_and_scripts_never_survive_rendering():
    html, _ = render(
        "Hi <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>", lambda s, a: "/"
    )
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html


def test_table_alignment_becomes_classes_not_inline_styles():
    html, _ = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n", lambda s, a: "/")
    assert '<th class="align-left">a</th><th class="align-center">b</th><th class="align-right">c</th>' in (
        html.replace("\n", "")
    )
    assert '<td class="align-right">3</td>' in html and "style=" not in html
    forged, _ = render('| <td class="x" style="color:red">a</td> |\n|--|\n| b |\n', lambda s, a: "/")
    assert "<th>&lt;td class=" in forged  # raw HTML in a cell stays text, never markup


def test_catalog_is_immutable(tmp_path):
    catalog = load_catalog(*course_copy(tmp_path))
    with pytest.raises(AttributeError):
        catalog.modules[0].title = "changed"


BROKEN = [
    # (file replaced, broken fixture, expected "path:line: message" fragment)
    ("quizzes/01-alpha.yaml", "unknown-field.yaml", "quizzes/01-alpha.yaml:8: unknown field 'shuffle'"),
    ("quizzes/01-alpha.yaml", "missing-field.yaml", "quizzes/01-alpha.yaml:1: missing field 'title'"),
    ("quizzes/01-alpha.yaml", "duplicate-question-id.yaml", "duplicate question id 'alpha-single'"),
    (
        "quizzes/01-alpha.yaml",
        "unresolved-lesson.yaml",
        "quizzes/01-alpha.yaml:21: lesson 'alpha#no-such-page' does not resolve",
    ),
    (
        "quizzes/01-alpha.yaml",
        "single-two-correct.yaml",
        "quizzes/01-alpha.yaml:9: a single question needs exactly one correct option; found 2",
    ),
    (
        "quizzes/01-alpha.yaml",
        "multiple-one-correct.yaml",
        "a multiple question needs at least two correct options; found 1",
    ),
    ("quizzes/01-alpha.yaml", "matching-two-pairs.yaml", "a matching question needs 3 to 6 pairs; found 2"),
    (
        "quizzes/01-alpha.yaml",
        "pool-too-small.yaml",
        "quizzes/01-alpha.yaml:4: the pool has 6 questions, fewer than questions_per_attempt (7)",
    ),
    ("quizzes/01-alpha.yaml", "unknown-theme.yaml", "quizzes/01-alpha.yaml:11: unknown theme 'pharmacology'"),
    ("quizzes/01-alpha.yaml", "unknown-type.yaml", "unknown question type 'essay'"),
    (
        "quizzes/01-alpha.yaml",
        "review-unknown.yaml",
        "quizzes/01-alpha.yaml:9: unknown review 'right_answer: sometimes' (use one of: after_pass,",
    ),
    (
        "quizzes/01-alpha.yaml",
        "objective-unknown.yaml",
        "'alpha-single': objective 3 is not one of module 'alpha''s 2 objectives",
    ),
    ("quizzes/01-alpha.yaml", "yaml-syntax.yaml", "quizzes/01-alpha.yaml:13: YAML syntax error"),
    ("quizzes/01-alpha.yaml", "promotion.yaml", "promotional content (a call to buy): 'Visit our'"),
    ("lessons/02-beta.md", "duplicate-slug.md", "lessons/02-beta.md:1: duplicate module slug 'alpha'"),
    ("lessons/02-beta.md", "front-matter-syntax.md", "lessons/02-beta.md:4: YAML syntax error"),
    (
        "lessons/02-beta.md",
        "lesson-unknown-field.md",
        "lessons/02-beta.md:6: unknown field 'author' in the front matter",
    ),
    ("lessons/02-beta.md", "lesson-missing-field.md", "missing field 'summary' in the front matter"),
    ("lessons/02-beta.md", "broken-link.md", "link 'module:alpha#nowhere' does not resolve"),
]


@pytest.mark.parametrize(("target", "broken", "expected"), BROKEN, ids=[b[1] for b in BROKEN])
def test_each_broken_file_is_reported_with_path_and_line(tmp_path, target, broken, expected):
    report = check_content(*course_copy(tmp_path, {target: broken}))
    assert report.catalog is None
    messages = [str(p) for p in report.errors]
    assert any(expected in m for m in messages), messages


def test_every_problem_is_reported_at_once(tmp_path):
    lessons, quizzes = course_copy(tmp_path, {"quizzes/01-alpha.yaml": "unknown-theme.yaml"})
    shutil.copy(FIXTURES / "broken" / "lesson-unknown-field.md", lessons / "02-beta.md")
    with pytest.raises(ContentError) as raised:
        load_catalog(lessons, quizzes)
    text = str(raised.value)
    assert "unknown theme 'pharmacology'" in text and "unknown field 'author'" in text


def test_promotion_scan_catches_each_kind_in_one_planted_file(tmp_path):
    lessons, quizzes = course_copy(tmp_path)
    planted = (lessons / "02-beta.md").read_text() + (
        "\nAt Ketamines Store USA we care.\nSee https://shop.example.com/ketamine now.\n"
        "Explore our range today 🌿.\nEsketamine (Spravato®) is a beacon of hope.\n"
    )
    (lessons / "02-beta.md").write_text(planted)
    messages = [str(p) for p in check_content(lessons, quizzes).errors]
    for label in (
        "the store's name",
        "a shop or store link",
        "a call to buy",
        "an emoji",
        "a trademark symbol",
        "a hype phrase",
    ):
        assert any(label in m for m in messages), (label, messages)


def test_lint_warns_without_failing(tmp_path):
    report = check_content(*course_copy(tmp_path, {"quizzes/01-alpha.yaml": "lint.yaml"}))
    assert report.catalog is not None
    warnings = [str(w) for w in report.warnings]
    assert any("should say 'Select all that apply'" in w for w in warnings)
    assert any("avoid 'all of the above'" in w for w in warnings)
    assert any("smaller than questions_per_attempt x 3" in w for w in warnings)
    assert any("the correct option is the longest in 1 of 1" in w for w in warnings)
    assert any("module has" in w and "words" in w for w in warnings)


def test_duplicate_options_are_a_lint_warning(tmp_path):
    lessons, quizzes = course_copy(tmp_path)
    quiz = quizzes / "01-alpha.yaml"
    quiz.write_text(quiz.read_text().replace("- text: The third fact", "- text: the first FACT"))
    assert any("duplicate options" in str(w) for w in check_content(lessons, quizzes).warnings)


# --- the real course ---------------------------------------------------------------------------------


def test_real_course_has_no_errors_and_no_warnings():
    report = check_content(ROOT / "lessons", ROOT / "quizzes")
    assert [str(p) for p in report.errors] == []
    assert [str(p) for p in report.warnings] == []


def test_real_course_shape_and_theme_quotas():
    catalog = load_catalog(ROOT / "lessons", ROOT / "quizzes")
    assert [m.number for m in catalog.modules] == list(range(1, len(catalog.modules) + 1))
    core = {"mechanism", "risks", "legal-status"}
    themes: dict[str, int] = {}
    for module in catalog.modules:
        quiz = module.quiz
        assert 2 <= len(module.pages) <= 6 and 500 <= module.words <= 1500
        assert 2 <= len(module.objectives) <= 4 and module.sources
        assert quiz.pass_mark == 80
        assert len(quiz.questions) >= (14 if module.slug in core else 8)
        assert quiz.questions_per_attempt == (6 if module.slug in core else 5)
        assert {q.type for q in quiz.questions} == {"single", "multiple", "true_false", "matching"}
        for q in quiz.questions:
            themes[q.theme] = themes.get(q.theme, 0) + 1
            assert q.explanation and q.lesson_module == module.slug
    assert themes["mechanism"] >= 25 and themes["risks"] >= 30 and themes["legal"] >= 30


REMOVED_CLAIMS = [
    "up to 70% of patients",
    "doesn't suppress breathing",
    "low-dose ketamine stabilizes mood",
    "low addiction potential",
    "micro-dosing protocols for sustained",
    "quality-controlled ketamine products",
]


def test_removed_claims_are_absent_from_the_real_course():
    texts = [p.read_text().lower() for p in [*ROOT.glob("lessons/*.md"), *ROOT.glob("quizzes/*.yaml")]]
    for claim in REMOVED_CLAIMS:
        assert not any(claim.lower() in t for t in texts), claim


CORRECTED_FACTS = {
    # QUALIFY items and the corrected version the course must teach (module file, phrase)
    "lessons/04-medical-uses.md": ["52%", "very low"],
    "lessons/07-risks.md": ["bladder", "blood pressure", "contraindicat"],
    "lessons/08-legal-status.md": ["Schedule III", "Class B", "1999", "2014", "WHO"],
    "lessons/03-mechanism.md": ["NMDA", "BDNF", "animal"],
}


def test_corrected_facts_are_taught():
    for path, phrases in CORRECTED_FACTS.items():
        text = (ROOT / path).read_text()
        for phrase in phrases:
            assert phrase.lower() in text.lower(), (path, phrase)


def test_no_lesson_page_or_module_intro_skips_a_heading_level_or_has_an_empty_header(app):
    """A page's title is its h1, so its sections start at h2 and go down one level at a time; every table
    header cell has text (WCAG 1.3.1)."""
    skips = []
    for module in app.extensions["catalog"].modules:
        for where, html in [(module.slug, module.intro_html)] + [
            (f"{module.slug}/{p.anchor}", p.html) for p in module.pages
        ]:
            level = 1
            for found in re.findall(r"<h([1-6])\b", html):
                if int(found) > level + 1:
                    skips.append(f"{where}: h{level} to h{found}")
                level = int(found)
            if re.search(r"<th\b[^>]*>\s*</th>", html):
                skips.append(f"{where}: an empty table header cell")
    assert not skips, skips
