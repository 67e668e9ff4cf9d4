"""Problems found in content files, reported all at once as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when the content cannot be served; carries every error, not just the first."""

    def __init__(self, problems: list[Problem], headline: str = "The course content has errors"):
        self.problems = sorted(problems)
        super().__init__("\n".join([f"{headline}:", *(str(p) for p in self.problems)]))


class Collector:
    """Accumulates problems for one file, so each check can report and carry on."""

    def __init__(self, path: Path, root: Path | None = None):
        self.path = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))
