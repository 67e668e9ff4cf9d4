"""Turn a catalog question into the snapshot an attempt stores and serves. PURE: standard library only.

Options and matching items are shuffled, and each gets a random key for this attempt (see `types`). The
key is what the form posts, so nothing in the page (not an index, not an order) says which option is right.
"""

from __future__ import annotations

import random
from typing import Any

from ..content import types
from ..content.model import Question

COMMON = ("id", "type", "theme", "objective", "prompt", "explanation", "lesson")


def serve(question: Question, rng: random.Random) -> dict[str, Any]:
    snapshot: dict[str, Any] = {key: getattr(question, key) for key in COMMON}
    return snapshot | types.of(question).serve(question, rng)


def public_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What an open attempt may show: the snapshot without answers, feedback or explanation."""
    return {k: snapshot[k] for k in ("id", "type", "prompt")} | types.of(snapshot).public(snapshot)
