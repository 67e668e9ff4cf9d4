"""Turn a catalog question into the snapshot an attempt stores and serves. PURE: standard library only.

Options and matching items are shuffled, and each gets a random key for this attempt. The key is what
the form posts, so nothing in the page (not an index, not an order) says which option is right.
"""

from __future__ import annotations

import random
from typing import Any

from ..content.model import Question


def _keys(rng: random.Random, count: int) -> list[str]:
    keys: set[str] = set()
    while len(keys) < count:
        keys.add(f"{rng.getrandbits(40):010x}")
    return list(keys)


def serve(question: Question, rng: random.Random) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "theme": question.theme,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "lesson": question.lesson,
    }
    if question.type in ("single", "multiple"):
        options = list(question.options)
        rng.shuffle(options)
        snapshot["options"] = [
            {"key": key, "text": o.text, "correct": o.correct, "feedback": o.feedback}
            for key, o in zip(_keys(rng, len(options)), options, strict=True)
        ]
    elif question.type == "true_false":
        snapshot["options"] = [
            {"key": "true", "text": "True", "correct": question.answer is True, "feedback": ""},
            {"key": "false", "text": "False", "correct": question.answer is False, "feedback": ""},
        ]
    elif question.type == "matching":
        keys = _keys(rng, 2 * len(question.pairs))
        left_keys, right_keys = keys[: len(question.pairs)], keys[len(question.pairs) :]
        lefts = [
            {"key": lk, "text": p.left, "answer": rk}
            for lk, rk, p in zip(left_keys, right_keys, question.pairs, strict=True)
        ]
        rights = [{"key": rk, "text": p.right} for rk, p in zip(right_keys, question.pairs, strict=True)]
        rng.shuffle(lefts)
        rng.shuffle(rights)
        snapshot["lefts"], snapshot["rights"] = lefts, rights
    return snapshot


def public_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What an open attempt may show: the snapshot without answers, feedback or explanation."""
    view = {k: snapshot[k] for k in ("id", "type", "prompt")}
    if "options" in snapshot:
        view["options"] = [{"key": o["key"], "text": o["text"]} for o in snapshot["options"]]
    if "lefts" in snapshot:
        view["lefts"] = [{"key": item["key"], "text": item["text"]} for item in snapshot["lefts"]]
        view["rights"] = [dict(item) for item in snapshot["rights"]]
    return view
