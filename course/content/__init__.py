"""Course content: Markdown lessons and YAML quizzes, loaded once into an immutable catalog.

Pure Python: imports neither Flask nor SQLAlchemy, so authors' checks and tests run without an app.
"""

from .loader import Report, check_content, load_catalog
from .model import Catalog, Module, Option, Page, Pair, Question, Quiz
from .problems import ContentError, Problem

__all__ = [
    "Catalog", "ContentError", "Module", "Option", "Page", "Pair", "Problem", "Question", "Quiz", "Report",
    "check_content", "load_catalog",
]  # fmt: skip
