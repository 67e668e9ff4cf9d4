"""`course.yaml`: the course version and a change log written for trainees.

The file sits at the content root, next to `lessons/` and `quizzes/`. Attempts and certificates record the
version they were taken under, so a trainee who passed before a change can be told what changed, in plain
words, and pointed at the page to reread; `material: true` marks a change to what a pass certifies.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from . import certification, fields, yamlfile
from .model import HOURS_KINDS, Change, Course, Hours, Release
from .problems import Collector, Problem

COURSE_FILE = "course.yaml"
TOP_FIELDS = {"version", "changes"}
OPTIONAL_FIELDS = {"certification", "hours"}
HOURS_FIELDS = {"amount", "kind"}
MAX_HOURS = 1000
RELEASE_FIELDS = {"version", "date", "changes"}
CHANGE_REQUIRED = {"text", "modules", "material"}
CHANGE_FIELDS = CHANGE_REQUIRED | {"lesson"}
MAX_VERSION = 20  # attempts and certificates store the version in a column of this width


def _change(item: object, modules: set[str], resolves: Callable[[str], bool], out: Collector) -> Change | None:
    if not fields.check_fields(item, CHANGE_REQUIRED, CHANGE_FIELDS, out, "a change") or not isinstance(
        item, yamlfile.LinedDict
    ):
        return None
    slugs = item.get("modules")
    if not isinstance(slugs, list) or not slugs or not all(isinstance(s, str) for s in slugs):
        out.add(item.line_of("modules"), "'modules' of a change must be a non-empty list of module slugs")
        slugs = []
    for slug in slugs:
        if slug not in modules:
            out.add(item.line_of("modules"), f"a change names unknown module '{slug}'")
    material = item.get("material")
    if "material" in item and not isinstance(material, bool):
        out.add(item.line_of("material"), "'material' of a change must be true or false")
    lesson = fields.text(item, "lesson", out, "a change")
    if lesson and not resolves(lesson):
        out.add(item.line_of("lesson"), f"lesson '{lesson}' of a change does not resolve to a page")
    elif lesson and lesson.partition("#")[0] not in slugs:
        out.add(item.line_of("lesson"), f"lesson '{lesson}' is not in one of the change's modules")
    return Change(fields.text(item, "text", out, "a change"), tuple(slugs), material is True, lesson)


def _release(item: object, modules: set[str], resolves: Callable[[str], bool], out: Collector) -> Release | None:
    if not fields.check_fields(item, RELEASE_FIELDS, RELEASE_FIELDS, out, "a release in 'changes'") or not (
        isinstance(item, yamlfile.LinedDict)
    ):
        return None
    version = item.get("version")
    if not isinstance(version, str) or not version.strip() or len(version.strip()) > MAX_VERSION:
        out.add(
            item.line_of("version"),
            f"a release's 'version' must be quoted text of at most {MAX_VERSION} characters, like \"2026.12\"",
        )
        version = ""
    day = fields.day(item, "date", out, "a release")
    raw = item.get("changes")
    if not isinstance(raw, list):
        out.add(item.line_of("changes"), "a release's 'changes' must be a list (empty for a first release)")
        raw = []
    changes = tuple(c for c in (_change(c, modules, resolves, out) for c in raw) if c is not None)
    return Release(version.strip(), day, changes) if version and day else None


def _hours(data: yamlfile.LinedDict, out: Collector) -> Hours | None:
    """The `hours:` block: `amount` (hours, in quarter hours) and `kind` (estimated unless said otherwise)."""
    if "hours" not in data:
        return None
    block = data.get("hours")
    if not isinstance(block, yamlfile.LinedDict):
        out.add(data.line_of("hours"), "'hours' must be a block with 'amount' (for example 3.5) and 'kind'")
        return None
    if not fields.check_fields(block, {"amount"}, HOURS_FIELDS, out, "'hours'"):
        return None
    amount, kind = block.get("amount"), block.get("kind", "estimated")
    wrong = []  # (line, message)
    if "amount" not in block:
        pass  # reported as a missing field
    elif isinstance(amount, bool) or not isinstance(amount, int | float) or not 0 < amount <= MAX_HOURS:
        wrong.append((block.line_of("amount"), f"'amount' in 'hours' must be a number above 0, at most {MAX_HOURS}"))
    elif amount * 4 != int(amount * 4):
        wrong.append((block.line_of("amount"), "'amount' in 'hours' must be whole or quarter hours (3, 3.25, 3.5)"))
    if kind not in HOURS_KINDS:
        wrong.append((block.line_of("kind"), f"'kind' in 'hours' must be one of: {', '.join(HOURS_KINDS)}"))
    for line, message in wrong:
        out.add(line, message)
    return None if wrong or "amount" not in block else Hours(float(amount), kind)


def parse_course(
    root: Path, modules: set[str], resolves: Callable[[str], bool], shown_root: Path
) -> tuple[Course, Collector, list[Problem]]:
    """Read `root/course.yaml`: the course, its errors, and a warning when there is no such file.

    A missing file is a warning, not an error: a copy of lessons/ and quizzes/ (a test, a preview) still
    serves, unversioned, while `--strict` keeps the real course from shipping without a version.
    """
    path = root / COURSE_FILE
    out = Collector(path, shown_root)
    if not path.is_file():
        missing = f"no {COURSE_FILE} next to lessons/ and quizzes/: the course has no version and no change log"
        return Course(), out, [Problem(out.path, 1, missing)]
    try:
        data = yamlfile.parse(path.read_text(encoding="utf-8"))
    except yamlfile.YamlSyntaxError as exc:
        out.add(exc.line, str(exc))
        return Course(), out, []
    if not fields.check_fields(data, TOP_FIELDS, TOP_FIELDS | OPTIONAL_FIELDS, out, COURSE_FILE):
        return Course(), out, []
    raw = data.get("changes")
    if not isinstance(raw, list) or not raw:
        out.add(data.line_of("changes"), "'changes' must list the releases, newest first")
        raw = []
    releases = tuple(r for r in (_release(r, modules, resolves, out) for r in raw) if r is not None)
    versions = [r.version for r in releases]
    for version in sorted({v for v in versions if versions.count(v) > 1}):
        out.add(data.line_of("changes"), f"release '{version}' appears more than once in 'changes'")
    if any(newer.date < older.date for newer, older in pairwise(releases)):
        out.add(data.line_of("changes"), "releases in 'changes' must be newest first (dates never increase)")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        out.add(data.line_of("version"), "'version' must be text in quotes, for example \"2026.12\"")
    elif releases and version.strip() != releases[0].version:
        out.add(data.line_of("version"), f"'version' {version} must be the newest release in 'changes'")
    current = version.strip() if isinstance(version, str) else ""
    return Course(current, releases, certification.parse(data, out), _hours(data, out)), out, []
