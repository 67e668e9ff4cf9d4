"""Answer checkers, one per question type, in a registry. PURE: standard library only.

Each checker has two jobs: `parse` turns posted form values into a response, refusing anything that is
not part of the served question (a forged option), and `score` marks a response from 0 to 1.

Partial credit:
- single, true_false: 1 for the right option, else 0.
- multiple: (right options chosen - wrong options chosen) / number of right options, never below 0.
  Ticking every box therefore earns nothing, and missing one of three right options earns 2/3.
- matching: the share of left items matched to their right item.
An unanswered question scores 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Form = Mapping[str, Sequence[str]]  # field name -> posted values


class InvalidAnswer(ValueError):
    """The posted answer does not fit the question as it was served."""


@dataclass(frozen=True)
class Checker:
    parse: Callable[[dict, Form], dict | None]
    score: Callable[[dict, dict | None], float]
    describe: Callable[[dict, dict | None], list[str]]  # one part per chosen option or matched item


def _option_keys(snapshot: dict) -> set[str]:
    return {o["key"] for o in snapshot["options"]}


def _option_texts(snapshot: dict, keys: Sequence[str]) -> list[str]:
    return [o["text"] for o in snapshot["options"] if o["key"] in keys]


def _parse_choice(snapshot: dict, form: Form) -> dict | None:
    values = list(form.get("choice", ()))
    if not values or values == [""]:
        return None
    if len(values) > 1 or values[0] not in _option_keys(snapshot):
        raise InvalidAnswer("That answer is not part of this question.")
    return {"choice": values[0]}


def _score_choice(snapshot: dict, response: dict | None) -> float:
    if not response:
        return 0.0
    right = next(o["key"] for o in snapshot["options"] if o["correct"])
    return 1.0 if response.get("choice") == right else 0.0


def _describe_choice(snapshot: dict, response: dict | None) -> list[str]:
    return _option_texts(snapshot, [response["choice"]] if response else [])


def _parse_choices(snapshot: dict, form: Form) -> dict | None:
    values = [v for v in form.get("choice", ()) if v]
    if not values:
        return None
    if len(set(values)) != len(values) or not set(values) <= _option_keys(snapshot):
        raise InvalidAnswer("That answer is not part of this question.")
    return {"choices": sorted(values)}


def _score_choices(snapshot: dict, response: dict | None) -> float:
    if not response:
        return 0.0
    right = {o["key"] for o in snapshot["options"] if o["correct"]}
    chosen = set(response.get("choices", ()))
    return max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))


def _describe_choices(snapshot: dict, response: dict | None) -> list[str]:
    return _option_texts(snapshot, response["choices"] if response else [])


def _parse_matches(snapshot: dict, form: Form) -> dict | None:
    right_keys = {r["key"] for r in snapshot["rights"]}
    matches = {}
    for left in snapshot["lefts"]:
        values = [v for v in form.get(f"match-{left['key']}", ()) if v]
        if len(values) > 1 or (values and values[0] not in right_keys):
            raise InvalidAnswer("That answer is not part of this question.")
        if values:
            matches[left["key"]] = values[0]
    return {"matches": matches} if matches else None


def _score_matches(snapshot: dict, response: dict | None) -> float:
    if not response:
        return 0.0
    matches = response.get("matches", {})
    right = sum(matches.get(left["key"]) == left["answer"] for left in snapshot["lefts"])
    return right / len(snapshot["lefts"])


def _describe_matches(snapshot: dict, response: dict | None) -> list[str]:
    if not response:
        return []
    rights = {r["key"]: r["text"] for r in snapshot["rights"]}
    matches = response.get("matches", {})
    return [f"{left['text']} → {rights.get(matches.get(left['key']), '(none)')}" for left in snapshot["lefts"]]


CHECKERS: dict[str, Checker] = {
    "single": Checker(_parse_choice, _score_choice, _describe_choice),
    "true_false": Checker(_parse_choice, _score_choice, _describe_choice),
    "multiple": Checker(_parse_choices, _score_choices, _describe_choices),
    "matching": Checker(_parse_matches, _score_matches, _describe_matches),
}


def _expected_fields(snapshot: dict) -> set[str]:
    if snapshot["type"] == "matching":
        return {f"match-{left['key']}" for left in snapshot["lefts"]}
    return {"choice"}


def parse_answer(snapshot: dict, form: Form) -> dict | None:
    if set(form) - _expected_fields(snapshot):
        raise InvalidAnswer("That answer is not part of this question.")
    return CHECKERS[snapshot["type"]].parse(snapshot, form)


def score_answer(snapshot: dict, response: dict | None) -> float:
    return CHECKERS[snapshot["type"]].score(snapshot, response)


def answer_parts(snapshot: dict, response: dict | None) -> list[str]:
    """The answer in words, one part per chosen option or matched item; empty when unanswered."""
    return CHECKERS[snapshot["type"]].describe(snapshot, response)


def describe_answer(snapshot: dict, response: dict | None) -> str:
    """The answer in words on one line, for exports."""
    return "; ".join(answer_parts(snapshot, response)) or "(no answer)"


def right_answer(snapshot: dict) -> dict:
    """The response that scores 1: used to show the right answer after submission."""
    if snapshot["type"] == "matching":
        return {"matches": {left["key"]: left["answer"] for left in snapshot["lefts"]}}
    right = [o["key"] for o in snapshot["options"] if o["correct"]]
    return {"choices": right} if snapshot["type"] == "multiple" else {"choice": right[0]}


@dataclass(frozen=True)
class Result:
    item_scores: tuple[float, ...]
    score: float
    max_score: float
    percent: float
    passed: bool


def grade(snapshots: Sequence[dict], responses: Sequence[dict | None], pass_mark: int) -> Result:
    scores = tuple(round(score_answer(s, r), 4) for s, r in zip(snapshots, responses, strict=True))
    total, maximum = round(sum(scores), 4), float(len(scores))
    percent = round(100 * total / maximum, 1) if maximum else 0.0
    return Result(scores, total, maximum, percent, percent >= pass_mark)


def module_score(percents: Sequence[float], method: str) -> float | None:
    """The score that counts for a module, from its counted attempts in the order they were taken."""
    if not percents:
        return None
    pick: dict[str, Callable[[Sequence[float]], Any]] = {
        "highest": max,
        "latest": lambda p: p[-1],
        "first": lambda p: p[0],
        "average": lambda p: round(sum(p) / len(p), 1),
    }
    return pick[method](percents)
