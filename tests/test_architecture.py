"""The layers of DESIGN.md, checked on the imports of every module.

One table says which package may import which: a module imports from its own layer or below, never above.
Adding a package means adding it to the table, so the tree and this test cannot drift apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "course"

# Top to bottom. A row's packages may import each other (instructor, admin and privacy read across domains),
# and every row below them. The root modules are named by their module name ("course" is the factory).
LAYERS: list[set[str]] = [
    {"course", "demo"},  # the factory and the demo seeder know every package
    {"instructor", "admin", "privacy", "xapi", "lti"},
    {"learning", "recertification"},  # recertification keeps learning's certificate current
    {"quizzes"},
    {"enrolment"},
    {"audit"},  # reads who acted (identity's users); identity itself records nothing
    {"identity"},
    {"web"},
    {"core"},
    {"config", "extensions", "errors", "clock"},  # wiring every layer shares
    {"content"},  # PURE: the catalog model, loader and question types
]
# The one edge up the table, by design: the quiz gate reads which lesson pages a trainee completed.
ALLOWED_UPWARD = {("quizzes", "learning.models")}

PURE = [
    "content",
    "quizzes/grading.py",
    "quizzes/selection.py",
    "quizzes/serving.py",
    "quizzes/rules.py",
    "recertification/schedule.py",
    "recertification/policy.py",
    "instructor/statistics.py",
    "web/charts.py",
]
WEB_OR_DB = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms", "jinja2")


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add("." * node.level + node.module)
        elif isinstance(node, ast.ImportFrom):  # `from .. import audit` imports the module `audit`
            names |= {"." * node.level + alias.name for alias in node.names}
    return names


def files(relative: str) -> list[Path]:
    target = PACKAGE / relative
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


def course_imports(path: Path, root: Path = PACKAGE) -> set[str]:
    """The course modules `path` imports, as dotted names from the package root ("" for the root itself)."""
    here = path.relative_to(root).parent.parts
    found = set()
    for name in imports(path):
        if name.startswith("course."):
            found.add(name.removeprefix("course."))
        elif name.startswith("."):
            level = len(name) - len(name.lstrip("."))
            base = here[: len(here) - (level - 1)] if level > 1 else here
            found.add(".".join([*base, name.lstrip(".")]).strip("."))
    return found


def unit(path: Path, root: Path = PACKAGE) -> str:
    """The package a module belongs to in the table: its top folder, or its own name at the root."""
    parts = path.relative_to(root).parts
    if len(parts) > 1:
        return parts[0]
    return "course" if parts[0] == "__init__.py" else parts[0].removesuffix(".py")


def rank(name: str) -> int:
    return next(i for i, row in enumerate(LAYERS) if name in row)


def upward_imports(root: Path = PACKAGE) -> list[str]:
    """Every import that points up the table, as 'module -> imported'."""
    wrong = []
    for path in sorted(root.rglob("*.py")):
        source = unit(path, root)
        for name in course_imports(path, root):
            target = name.split(".")[0] or "course"
            if rank(target) < rank(source) and (source, name) not in ALLOWED_UPWARD:
                wrong.append(f"{path.relative_to(root)} -> {name}")
    return wrong


def test_every_package_has_a_layer():
    on_disk = {unit(path) for path in PACKAGE.rglob("*.py")}
    assert on_disk == set().union(*LAYERS), "add the package to LAYERS (or remove a stale row)"


def test_imports_point_down_the_layers():
    assert upward_imports() == []


def test_the_layers_test_sees_an_upward_import(tmp_path):
    """The scanner itself: a module of `identity` that imports `learning` is reported."""
    (tmp_path / "identity").mkdir()
    (tmp_path / "identity" / "bad.py").write_text("from ..learning.models import Certificate\n")
    (tmp_path / "learning").mkdir()
    (tmp_path / "learning" / "fine.py").write_text("from ..identity.models import User\n")
    assert upward_imports(tmp_path) == ["identity/bad.py -> learning.models"]


def test_pure_core_imports_neither_flask_nor_sqlalchemy():
    for relative in PURE:
        for path in files(relative):
            bad = {name for name in imports(path) if name.startswith(WEB_OR_DB)}
            assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_views_do_not_touch_the_database_directly():
    for path in PACKAGE.rglob("*views.py"):
        source = path.read_text()
        assert "db.session" not in source and "select(" not in source, path


def test_models_import_only_extensions_and_other_models():
    for path in PACKAGE.rglob("models.py"):
        bad = {n for n in course_imports(path) if n != "extensions" and not n.endswith(".models")}
        assert not bad, (path, bad)


def test_nothing_imports_the_instructor_package():
    for path in PACKAGE.rglob("*.py"):
        if unit(path) in ("instructor", "course"):
            continue
        assert not any(name.startswith("instructor") for name in course_imports(path)), path


# Modules that serve a request or a command and may read the app's state; everything else takes it as arguments.
WEB_FACING = ("views.py", "cli.py", "forms.py", "emails.py", "auth.py", "sessions.py", "__init__.py")
DOMAINS = ("identity", "enrolment", "privacy", "admin", "learning", "quizzes", "instructor", "audit", "xapi", "lti")


def test_services_get_the_app_state_they_need_as_arguments():
    """No `current_app` and no catalog lookup below the views: a service is called with what it needs."""
    for domain in DOMAINS:
        for path in files(domain):
            if path.name.endswith(WEB_FACING):
                continue
            source = path.read_text()
            assert "current_app" not in source, path.relative_to(PACKAGE)
            assert "core.catalog" not in course_imports(path), path.relative_to(PACKAGE)
