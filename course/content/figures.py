"""Lesson figures: image files under `lessons/figures/`, checked before they can reach a page.

A lesson refers to a figure as `![alt text](figures/NAME.svg "Caption")`. The checks here are pure (no
Flask): the path must stay inside `lessons/figures/`, the file must exist, be SVG, PNG or WebP, and weigh at
most 300 KB, and an SVG must be a drawing only -- no script, no event handler, no `javascript:` and no
reference to anything outside the file. The site also serves SVGs only through `<img>` and with a CSP that
forbids scripts, so these checks are the first of two locks, not the only one.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "figures"
MAX_BYTES = 300 * 1024
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
NAME = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*\.(?:svg|png|webp)$")

# What an SVG figure may not contain. Only `#fragment` references inside the file are allowed.
_SVG_FORBIDDEN = (
    (re.compile(r"<\s*script", re.I), "a <script> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute (on...=)"),
    (re.compile(r"javascript\s*:", re.I), "a javascript: URL"),
    (re.compile(r"<\s*foreignObject", re.I), "a <foreignObject> element"),
    (re.compile(r"""\b(?:xlink:)?(?:href|src)\s*=\s*["']\s*(?!#)""", re.I), "an external reference (href/src)"),
    (re.compile(r"""url\(\s*["']?\s*(?!#)""", re.I), "an external reference (url(...))"),
    (re.compile(r"@import", re.I), "an external reference (@import)"),
    (re.compile(r"<!ENTITY", re.I), "an entity declaration"),
)
_VIEWBOX = re.compile(r"<svg\b[^>]*?\bviewBox\s*=\s*[\"']\s*([-\d.]+)[\s,]+([-\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)", re.I)


@dataclass(frozen=True)
class Figure:
    """A checked figure file: what the page needs to show it and the route needs to serve it."""

    name: str  # file name inside lessons/figures/, also its URL segment
    path: Path
    media_type: str
    width: int
    height: int
    version: str  # short content hash, so a changed file gets a new URL despite long caching
    data: bytes = field(repr=False, compare=False)  # read once, like the lessons, and served from memory


def svg_problems(text: str) -> list[str]:
    """What makes an SVG unsafe or unusable as a figure (empty when it is fine)."""
    problems = [
        f"the SVG contains {what}; figures must be drawings only" for rx, what in _SVG_FORBIDDEN if rx.search(text)
    ]
    if not _VIEWBOX.search(text):
        problems.append("the SVG needs a viewBox on its <svg> element, so it can scale")
    return problems


def _svg_size(data: bytes) -> tuple[int, int] | None:
    match = _VIEWBOX.search(data.decode("utf-8", "replace"))
    return (round(float(match[3])), round(float(match[4]))) if match else None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


_SIZE_READERS = {".svg": _svg_size, ".png": _png_size, ".webp": _webp_size}


class FigureStore:
    """Resolves and checks the figures a course refers to, each file once."""

    def __init__(self, lessons_dir: Path):
        self.folder = (lessons_dir / FOLDER).resolve()
        self.figures: dict[str, Figure] = {}
        self._checked: dict[str, tuple[Figure | None, list[str]]] = {}

    def check(self, src: str, alt: str) -> tuple[Figure | None, list[str]]:
        """The figure a Markdown image source names, and every problem with the reference or the file."""
        problems = [] if alt.strip() else ["empty alt text: describe what the figure shows"]
        figure, file_problems = self._checked.get(src) or self._check_file(src)
        self._checked[src] = (figure, file_problems)
        return (None if problems else figure), problems + file_problems

    def _check_file(self, src: str) -> tuple[Figure | None, list[str]]:
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.I):
            return None, [f"figure '{src}' must be a file in lessons/{FOLDER}/, not a web address"]
        normal = posixpath.normpath(src)
        folder, _, name = normal.partition("/")
        if src.startswith("/") or folder != FOLDER or not name or (self.folder / name).resolve().parent != self.folder:
            return None, [f"figure '{src}' escapes lessons/{FOLDER}/: write it as {FOLDER}/NAME.svg"]
        suffix = Path(name).suffix.lower()
        if suffix not in MEDIA_TYPES:
            return None, [f"figure '{src}' has an unsupported type; use .svg (preferred), .png or .webp"]
        if not NAME.match(name):
            return None, [f"figure name '{name}' must be lowercase letters, digits and hyphens, e.g. 03-synapse.svg"]
        path = self.folder / name
        if not path.is_file():
            return None, [f"figure file lessons/{FOLDER}/{name} does not exist"]
        data = path.read_bytes()
        problems = []
        if len(data) > MAX_BYTES:
            problems.append(f"figure '{name}' is {len(data) // 1024} KB; the limit is {MAX_BYTES // 1024} KB")
        if suffix == ".svg":
            problems += [f"figure '{name}': {p}" for p in svg_problems(data.decode("utf-8", "replace"))]
        size = _SIZE_READERS[suffix](data)
        if size is None and suffix != ".svg":
            problems.append(f"figure '{name}' is not a readable {suffix[1:].upper()} image")
        if problems or size is None:
            return None, problems
        version = hashlib.sha256(data).hexdigest()[:10]
        figure = Figure(name, path, MEDIA_TYPES[suffix], size[0], size[1], version, data)
        self.figures[name] = figure
        return figure, []
