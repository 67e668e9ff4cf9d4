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
    for path in PACKAGE.rglob("views.py"):
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
