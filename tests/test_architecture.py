"""The rules of direction in DESIGN.md, checked on the imports of every module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course"
PURE = [
    "content",
    "quizzes/grading.py",
    "quizzes/selection.py",
    "quizzes/serving.py",
    "quizzes/rules.py",
    "instructor/statistics.py",
]
WEB_OR_DB = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms", "jinja2")


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def files(relative: str) -> list[Path]:
    target = PACKAGE / relative
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


def test_pure_core_imports_neither_flask_nor_sqlalchemy():
    for relative in PURE:
        for path in files(relative):
            bad = {name for name in imports(path) if name.startswith(WEB_OR_DB)}
            assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_views_do_not_touch_the_database_directly():
    for path in PACKAGE.rglob("*views.py"):
        source = path.read_text()
        assert "db.session" not in source and "select(" not in source, path


def test_models_import_only_extensions():
    for path in PACKAGE.rglob("models.py"):
        local = {name for name in imports(path) if name.startswith(".")}
        assert local <= {"..extensions"}, (path, local)


def test_nothing_imports_the_instructor_package():
    for path in PACKAGE.rglob("*.py"):
        if "instructor" in path.parts or (path.name == "__init__.py" and path.parent == PACKAGE):
            continue
        assert not any("instructor" in name for name in imports(path)), path


DOMAINS = ("accounts", "learning", "quizzes", "instructor")
WEB_LAYER = {"views.py", "cli.py", "forms.py", "auth.py", "sessions.py", "__init__.py"}  # request plumbing


def course_imports(path: Path) -> set[str]:
    """The course packages and modules `path` imports, as dotted names from the package root."""
    here = path.relative_to(PACKAGE).parent.parts
    found = set()
    for name in imports(path):
        if name.startswith("course."):
            found.add(name.removeprefix("course."))
        elif name.startswith("."):
            level = len(name) - len(name.lstrip("."))
            base = here[: len(here) - (level - 1)] if level > 1 else here
            found.add(".".join([*base, name.lstrip(".")]).strip("."))
    return found


def test_quizzes_reads_only_the_models_of_learning():
    """learning builds on quizzes; quizzes may read learning's tables, nothing else of it."""
    for path in files("quizzes"):
        bad = {name for name in course_imports(path) if name.startswith("learning") and name != "learning.models"}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_content_needs_only_the_question_types():
    """The content package is the bottom layer; it looks question types up in their one home."""
    for path in files("content"):
        bad = {n for n in course_imports(path) if not n.startswith("content") and n != "quizzes.types"}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
    assert course_imports(PACKAGE / "quizzes" / "types.py") <= {
        "content",
        "content.model",
        "content.problems",
        "content.yamlfile",
        "content.fields",
    }


def test_services_get_the_app_state_they_need_as_arguments():
    """No `current_app` and no catalog lookup below the views: a service is called with what it needs."""
    for domain in DOMAINS:
        for path in files(domain):
            if path.name in WEB_LAYER or path.name.endswith(("_views.py", "_cli.py")) or path.name == "emails.py":
                continue
            source = path.read_text()
            assert "current_app" not in source, path.relative_to(PACKAGE)
            assert "catalog" not in course_imports(path), path.relative_to(PACKAGE)
