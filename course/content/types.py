"""One home per question type. PURE: standard library and the content model only.

A type is everything the app needs to know about one kind of question, in one class: the quiz-file fields
it reads and how they are validated, how it is served (shuffled, with random per-attempt keys), which form
fields its page posts, how a response is parsed and scored, how an answer is put into words, its xAPI
interaction type, and the template partial that draws its controls. Everything else (the loader,
serving, grading, review, exports, the demo data) looks the type up in `TYPES`; adding a type is adding a
class here and a partial under `templates/quizzes/types/`.

Partial credit:
- single, true_false: 1 for the right option, else 0.
- multiple: (right options chosen - wrong options chosen) / number of right options, never below 0.
  Ticking every box therefore earns nothing, and missing one of three right options earns 2/3.
- matching: the share of left items matched to their right item.
An unanswered question scores 0.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from . import fields
from .model import Option, Pair, Question
from .problems import Collector
from .yamlfile import LinedDict

Form = Mapping[str, Sequence[str]]  # field name -> posted values
Snapshot = dict[str, Any]
Response = dict[str, Any] | None

MIN_PAIRS, MAX_PAIRS = 3, 6


class InvalidAnswer(ValueError):
    """The posted answer does not fit the question as it was served."""


def random_keys(rng: random.Random, count: int) -> list[str]:
    """Distinct random keys: what the form posts, so nothing in the page says which option is right."""
    keys: set[str] = set()
    while len(keys) < count:
        keys.add(f"{rng.getrandbits(40):010x}")
    return list(keys)


class QuestionType:
    """The interface every type implements; see the module docstring."""

    name: str
    fields: frozenset[str]  # quiz-file fields besides the common ones (id, type, theme, prompt, ...)
    xapi: str  # the xAPI interactionType of an answer statement
    template: str  # the partial that draws the controls of an open question
    hint: str = ""  # shown above the controls
    # True when "Right"/"Wrong" beside the trainee's answer gives the right answer away (two options):
    # the draw then counts the question as revealed once a review has shown its verdict.
    verdict_reveals_key: bool = False
    moodle: str  # the Moodle question type a bank exports it as (GIFT and Moodle XML): multichoice, truefalse, match
    single_answer: bool = True  # Moodle multichoice's <single>: one right option, or several

    def validate(self, q: LinedDict, out: Collector) -> dict[str, Any]:
        """The type's Question fields (options, answer or pairs), reporting every problem to `out`."""
        raise NotImplementedError

    def serve(self, question: Question, rng: random.Random) -> Snapshot:
        """The type's part of an attempt's snapshot: shuffled, keyed, with the right answer recorded."""
        raise NotImplementedError

    def public(self, snapshot: Snapshot) -> Snapshot:
        """What an open attempt may show of the type's part: no answers, no feedback."""
        raise NotImplementedError

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        raise NotImplementedError

    def parse(self, snapshot: Snapshot, form: Form) -> Response:
        """The response to store, or None when unanswered; InvalidAnswer for anything not served."""
        raise NotImplementedError

    def score(self, snapshot: Snapshot, response: Response) -> float:
        raise NotImplementedError

    def describe(self, snapshot: Snapshot, response: Response) -> list[str]:
        """The answer in words, one part per chosen option or matched item; empty when unanswered."""
        raise NotImplementedError

    def right_answer(self, snapshot: Snapshot) -> dict[str, Any]:
        """The response that scores 1."""
        raise NotImplementedError

    def feedback(self, snapshot: Snapshot, response: Response) -> list[str]:
        """The authors' feedback on what the trainee chose."""
        return []

    def wrong_answers(self, question: Question, snapshot: Snapshot) -> list[dict[str, Any]]:
        """Plausible wrong responses, for demo data; the catalog's first distractor is the most tempting,
        so distractor analysis has a favourite to find."""
        raise NotImplementedError


# --- options: single, multiple, true/false ---------------------------------------------------------


class _Options(QuestionType):
    """Shared by the types whose snapshot is a list of options, each with a key and a `correct` flag."""

    def public(self, snapshot: Snapshot) -> Snapshot:
        return {"options": [{"key": o["key"], "text": o["text"]} for o in snapshot["options"]]}

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        return {"choice"}

    def _texts(self, snapshot: Snapshot, keys: Sequence[str]) -> list[str]:
        return [o["text"] for o in snapshot["options"] if o["key"] in keys]

    def _right_keys(self, snapshot: Snapshot) -> list[str]:
        return [o["key"] for o in snapshot["options"] if o["correct"]]

    def _chosen(self, response: Response) -> list[str]:
        raise NotImplementedError

    def describe(self, snapshot: Snapshot, response: Response) -> list[str]:
        return self._texts(snapshot, self._chosen(response))

    def feedback(self, snapshot: Snapshot, response: Response) -> list[str]:
        chosen = self._chosen(response)
        return [o["feedback"] for o in snapshot["options"] if o.get("feedback") and o["key"] in chosen]


class _AuthoredOptions(_Options):
    """Options written in the quiz file: validated there, shuffled on serving."""

    fields = frozenset({"options"})
    xapi = "choice"
    moodle = "multichoice"

    def fractions(self, question: Question) -> list[float]:
        """Each option's Moodle grade in percent, in the file's order: the same credit as `score`."""
        raise NotImplementedError

    def _options(self, q: LinedDict, out: Collector) -> tuple[Option, ...]:
        raw = q.get("options")
        if not isinstance(raw, list) or len(raw) < 2:
            out.add(q.line_of("options"), "'options' must be a list of at least 2 options")
            return ()
        options = []
        for item in raw:
            if not fields.check_fields(item, {"text"}, {"text", "correct", "feedback"}, out, "an option"):
                continue
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                out.add(item.line_of("correct"), "'correct' must be true or false")
            feedback = item.get("feedback", "")
            if not isinstance(feedback, str):
                out.add(item.line_of("feedback"), "'feedback' must be text")
                feedback = ""
            options.append(Option(fields.text(item, "text", out, "an option"), correct is True, feedback.strip()))
        return tuple(options)

    def serve(self, question: Question, rng: random.Random) -> Snapshot:
        options = list(question.options)
        rng.shuffle(options)
        keyed = zip(random_keys(rng, len(options)), options, strict=True)
        return {"options": [{"key": k, "text": o.text, "correct": o.correct, "feedback": o.feedback} for k, o in keyed]}

    def _keys_by_text(self, question: Question, snapshot: Snapshot) -> tuple[list[str], list[str]]:
        key_of = {o["text"]: o["key"] for o in snapshot["options"]}
        right = [key_of[o.text] for o in question.options if o.correct]
        wrong = [key_of[o.text] for o in question.options if not o.correct]
        return right, wrong


class _OneChoice(_Options):
    template = "quizzes/types/one_choice.html"

    def parse(self, snapshot: Snapshot, form: Form) -> Response:
        values = list(form.get("choice", ()))
        if not values or values == [""]:
            return None
        if len(values) > 1 or values[0] not in {o["key"] for o in snapshot["options"]}:
            raise InvalidAnswer("That answer is not part of this question.")
        return {"choice": values[0]}

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        return 1.0 if response.get("choice") == self._right_keys(snapshot)[0] else 0.0

    def _chosen(self, response: Response) -> list[str]:
        return [response["choice"]] if response else []

    def right_answer(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"choice": self._right_keys(snapshot)[0]}


class Single(_OneChoice, _AuthoredOptions):
    name = "single"

    def fractions(self, question: Question) -> list[float]:
        return [100.0 if o.correct else 0.0 for o in question.options]

    def validate(self, q: LinedDict, out: Collector) -> dict[str, Any]:
        options = self._options(q, out) if "options" in q else ()
        correct = sum(o.correct for o in options)
        if options and correct != 1:
            out.add(q.line, f"a single question needs exactly one correct option; found {correct}")
        return {"options": options}

    def wrong_answers(self, question: Question, snapshot: Snapshot) -> list[dict[str, Any]]:
        _, wrong = self._keys_by_text(question, snapshot)
        return [{"choice": key} for key in wrong]


class TrueFalse(_OneChoice):
    name = "true_false"
    fields = frozenset({"answer"})
    xapi = "true-false"
    verdict_reveals_key = True  # "Wrong" beside "True" says "False"
    moodle = "truefalse"

    def validate(self, q: LinedDict, out: Collector) -> dict[str, Any]:
        answer = q.get("answer")
        if "answer" in q and not isinstance(answer, bool):
            out.add(q.line_of("answer"), "'answer' must be true or false")
        return {"answer": answer if isinstance(answer, bool) else None}

    def serve(self, question: Question, rng: random.Random) -> Snapshot:
        return {
            "options": [
                {"key": "true", "text": "True", "correct": question.answer is True, "feedback": ""},
                {"key": "false", "text": "False", "correct": question.answer is False, "feedback": ""},
            ]
        }

    def wrong_answers(self, question: Question, snapshot: Snapshot) -> list[dict[str, Any]]:
        return [{"choice": "false" if question.answer else "true"}]


class Multiple(_AuthoredOptions):
    name = "multiple"
    template = "quizzes/types/many_choices.html"
    hint = "More than one answer may be right."
    single_answer = False

    def fractions(self, question: Question) -> list[float]:
        """+100/n for each of the n right options, -100/n for each wrong one: Moodle floors the sum at 0
        as `score` does."""
        share = 100.0 / sum(o.correct for o in question.options)
        return [share if o.correct else -share for o in question.options]

    def validate(self, q: LinedDict, out: Collector) -> dict[str, Any]:
        options = self._options(q, out) if "options" in q else ()
        correct = sum(o.correct for o in options)
        if options and correct < 2:
            out.add(q.line, f"a multiple question needs at least two correct options; found {correct}")
        if options and correct == len(options):
            out.add(q.line, "a multiple question needs at least one wrong option")
        return {"options": options}

    def parse(self, snapshot: Snapshot, form: Form) -> Response:
        values = [v for v in form.get("choice", ()) if v]
        if not values:
            return None
        if len(set(values)) != len(values) or not set(values) <= {o["key"] for o in snapshot["options"]}:
            raise InvalidAnswer("That answer is not part of this question.")
        return {"choices": sorted(values)}

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        right = set(self._right_keys(snapshot))
        chosen = set(response.get("choices", ()))
        return max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))

    def _chosen(self, response: Response) -> list[str]:
        return list(response["choices"]) if response else []

    def right_answer(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"choices": sorted(self._right_keys(snapshot))}

    def wrong_answers(self, question: Question, snapshot: Snapshot) -> list[dict[str, Any]]:
        right, wrong = self._keys_by_text(question, snapshot)
        answers = [{"choices": sorted([*right, wrong[0]])}, {"choices": sorted(wrong[:1])}]
        if len(right) > 1:
            answers.insert(0, {"choices": sorted(right[:-1])})
        return answers


# --- matching --------------------------------------------------------------------------------------


class Matching(QuestionType):
    name = "matching"
    fields = frozenset({"pairs"})
    xapi = "matching"
    moodle = "match"
    template = "quizzes/types/matching.html"

    def validate(self, q: LinedDict, out: Collector) -> dict[str, Any]:
        if "pairs" not in q:
            return {"pairs": ()}
        raw = q.get("pairs")
        if not isinstance(raw, list):
            out.add(q.line_of("pairs"), "'pairs' must be a list of {left, right}")
            return {"pairs": ()}
        pairs = []
        for item in raw:
            if fields.check_fields(item, {"left", "right"}, {"left", "right"}, out, "a pair"):
                pairs.append(Pair(fields.text(item, "left", out, "a pair"), fields.text(item, "right", out, "a pair")))
        if not MIN_PAIRS <= len(pairs) <= MAX_PAIRS:
            out.add(
                q.line_of("pairs"), f"a matching question needs {MIN_PAIRS} to {MAX_PAIRS} pairs; found {len(pairs)}"
            )
        for side in ("left", "right"):
            values = [getattr(p, side) for p in pairs]
            if len(set(values)) != len(values):
                out.add(q.line_of("pairs"), f"the {side} items of a matching question must all differ")
        return {"pairs": tuple(pairs)}

    def serve(self, question: Question, rng: random.Random) -> Snapshot:
        count = len(question.pairs)
        keys = random_keys(rng, 2 * count)
        left_keys, right_keys = keys[:count], keys[count:]
        lefts = [
            {"key": lk, "text": p.left, "answer": rk}
            for lk, rk, p in zip(left_keys, right_keys, question.pairs, strict=True)
        ]
        rights = [{"key": rk, "text": p.right} for rk, p in zip(right_keys, question.pairs, strict=True)]
        rng.shuffle(lefts)
        rng.shuffle(rights)
        return {"lefts": lefts, "rights": rights}

    def public(self, snapshot: Snapshot) -> Snapshot:
        return {
            "lefts": [{"key": item["key"], "text": item["text"]} for item in snapshot["lefts"]],
            "rights": [dict(item) for item in snapshot["rights"]],
        }

    def form_fields(self, snapshot: Snapshot) -> set[str]:
        return {f"match-{left['key']}" for left in snapshot["lefts"]}

    def parse(self, snapshot: Snapshot, form: Form) -> Response:
        right_keys = {r["key"] for r in snapshot["rights"]}
        matches = {}
        for left in snapshot["lefts"]:
            values = [v for v in form.get(f"match-{left['key']}", ()) if v]
            if len(values) > 1 or (values and values[0] not in right_keys):
                raise InvalidAnswer("That answer is not part of this question.")
            if values:
                matches[left["key"]] = values[0]
        return {"matches": matches} if matches else None

    def score(self, snapshot: Snapshot, response: Response) -> float:
        if not response:
            return 0.0
        matches = response.get("matches", {})
        right = sum(matches.get(left["key"]) == left["answer"] for left in snapshot["lefts"])
        return right / len(snapshot["lefts"])

    def describe(self, snapshot: Snapshot, response: Response) -> list[str]:
        if not response:
            return []
        rights = {r["key"]: r["text"] for r in snapshot["rights"]}
        matches = response.get("matches", {})
        return [f"{left['text']} → {rights.get(matches.get(left['key']), '(none)')}" for left in snapshot["lefts"]]

    def right_answer(self, snapshot: Snapshot) -> dict[str, Any]:
        return {"matches": {left["key"]: left["answer"] for left in snapshot["lefts"]}}

    def wrong_answers(self, question: Question, snapshot: Snapshot) -> list[dict[str, Any]]:
        lefts = snapshot["lefts"]
        answers = [left["answer"] for left in lefts]
        rotated = dict(zip([left["key"] for left in lefts], answers[1:] + answers[:1], strict=True))
        swapped = {left["key"]: left["answer"] for left in lefts}
        swapped[lefts[0]["key"]], swapped[lefts[1]["key"]] = answers[1], answers[0]
        return [{"matches": swapped}, {"matches": rotated}]


TYPES: dict[str, QuestionType] = {t.name: t for t in (Single(), Multiple(), TrueFalse(), Matching())}


def by_moodle(qtype: str, single_answer: bool = True) -> QuestionType | None:
    """The type a bank's Moodle question type becomes on import; None for a type the course has not."""
    return next((t for t in TYPES.values() if t.moodle == qtype and t.single_answer == single_answer), None)


def of(snapshot_or_question: Snapshot | Question) -> QuestionType:
    kind = snapshot_or_question["type"] if isinstance(snapshot_or_question, dict) else snapshot_or_question.type
    return TYPES[kind]
