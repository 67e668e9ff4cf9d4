"""GIFT, Moodle's plain-text question format (docs.moodle.org/en/GIFT_format): write a bank, read one back.

Written as Moodle's own exporter does: a `// [id:...] [tag:...]` comment line, `::name::`, the text with
`~ = # { } :` and backslash escaped and line breaks as `\\n`, `{...}` with `=`/`~` answers, `%grade%`,
`#feedback` and `####general feedback`, and a blank line between questions.
"""

from __future__ import annotations

import re

from ..model import Question, Quiz
from ..types import TYPES
from .bank import NOT_IN_ANY_FORMAT, BankImportError, Parsed, percent, tags, too_large

SPECIAL = "\\~=#{}:"
CAN_NOT_CARRY = (NOT_IN_ANY_FORMAT, "nothing else: all four question types, ids, tags and feedback are kept")
ID_TAG = re.compile(r"\[(id|tag):((?:[^\]\\]|\\.)*)\]")
GRADE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRUTH = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def escape(text: str) -> str:
    escaped = "".join("\\" + c if c in SPECIAL else c for c in text)
    return escaped.replace("\r", "").replace("\n", "\\n")


def _comment_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("]", "\\]")


def _arrow_in_pairs(question: Question) -> bool:
    """GIFT's matching arrow `->` has no escape (in Moodle neither): a pair holding one cannot be written."""
    return any("->" in pair.left or "->" in pair.right for pair in question.pairs)


def write(quiz: Quiz, title: str) -> str:
    left_out = [q.id for q in quiz.questions if _arrow_in_pairs(q)]
    kept = [q for q in quiz.questions if q.id not in left_out]
    lines = [f"// {title}: the bank of module '{quiz.module}', {len(kept)} of {len(quiz.questions)} questions."]
    lines += [f"// Not carried by GIFT: {item}." for item in CAN_NOT_CARRY]
    if left_out:
        lines.append(f"// Left out (a matching item holds '->', which GIFT cannot escape): {', '.join(left_out)}.")
    lines += [f"$CATEGORY: $course$/top/{escape(title)}", ""]
    for question in kept:
        lines += [_question(question), ""]
    return "\n".join(lines)


def _question(q: Question) -> str:
    marks = " ".join([f"[id:{_comment_value(q.id)}]", *(f"[tag:{_comment_value(t)}]" for t in tags(q))])
    kind = TYPES[q.type]
    general = f"\t####{escape(q.explanation)}\n" if q.explanation else ""
    head = f"// {marks}\n::{escape(q.id)}::[plain]{escape(q.prompt)} {{"
    if kind.moodle == "truefalse":
        return f"{head}{'TRUE' if q.answer else 'FALSE'}\n{general}}}"
    if kind.moodle == "match":
        body = "".join(f"\t={escape(p.left)} -> {escape(p.right)}\n" for p in q.pairs)
        return f"{head}\n{body}{general}}}"
    answers = []
    for option, grade in zip(q.options, kind.fractions(q), strict=True):
        mark = "=" if kind.single_answer and grade == 100 else "~"
        # A text that starts with '%' would read as a weight: give it its weight explicitly.
        explicit = not kind.single_answer or option.text.startswith("%")
        weight = f"%{percent(grade)}%" if explicit else ""
        feedback = f"#{escape(option.feedback)}" if option.feedback else ""
        answers.append(f"\t{mark}{weight}{escape(option.text)}{feedback}\n")
    return f"{head}\n{''.join(answers)}{general}}}"


# --- reading -------------------------------------------------------------------------------------------


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt == "n" else nxt)
        else:
            out.append(c)
    return "".join(out).strip()


def _split(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at each unescaped character of `marks`: [(mark, text)], the first mark '' for the lead."""
    parts, current, mark, i = [], [], "", 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if c in marks:
            parts.append((mark, "".join(current)))
            current, mark = [], c
        else:
            current.append(c)
        i += 1
    parts.append((mark, "".join(current)))
    return parts


def _find(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _blocks(text: str) -> list[tuple[int, list[str], str]]:
    """(first line, comment lines, question text) for each blank-line-separated question."""
    blocks, comments, body, start = [], [], [], 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if not stripped:
            if body:
                blocks.append((start, comments, "\n".join(body)))
            if body or not comments:
                comments, body = [], []
            continue
        if stripped.startswith("//"):
            if body:  # a comment inside a question is dropped, as Moodle does
                continue
            comments.append(stripped[2:])
            continue
        if stripped.startswith("$CATEGORY:") and not body:
            comments = []
            continue
        if not body:
            start = number
        body.append(line)
    return blocks


def read(text: str) -> list[Parsed]:
    too_large(text)
    problems: list[tuple[int, str]] = []
    parsed = []
    for line, comments, body in _blocks(text):
        try:
            parsed.append(_read_question(line, comments, body))
        except BankImportError as exc:
            problems += exc.problems
    if problems:
        raise BankImportError(problems)
    return parsed


def _read_question(line: int, comments: list[str], body: str) -> Parsed:
    def fail(message: str) -> BankImportError:
        return BankImportError([(line, message)])

    p = Parsed(line=line, qtype="", prompt="")
    for kind, value in ID_TAG.findall(" ".join(comments[-1:])):
        value = re.sub(r"\\(.)", r"\1", value)
        if kind == "id":
            p.idnumber = value
        else:
            p.tags.append(value)
    body = body.strip()
    if body.startswith("::"):
        end = _find(body, ":", 2)
        if end < 0 or body[end : end + 2] != "::":
            raise fail("the question name is not closed: '::name::' needs its closing '::'")
        p.name, body = unescape(body[2:end]), body[end + 2 :].lstrip()
    if body.startswith("["):
        body = re.sub(r"^\[(html|moodle|plain|markdown)\]", "", body)
    opening = _find(body, "{")
    if opening < 0:
        raise fail("a question needs its answers in '{...}' (a text without them is a description, not a question)")
    closing = _find(body, "}", opening)
    if closing < 0:
        raise fail("the answers' '{' is never closed by '}'")
    if body[closing + 1 :].strip():
        raise fail("text after the answers ('missing word' questions) has no equivalent here")
    p.prompt = unescape(body[:opening])
    if not p.prompt:
        raise fail("the question has no text")
    answers, p.explanation = _general_feedback(body[opening + 1 : closing])
    _read_answers(p, answers.strip(), fail)
    return p


def _general_feedback(answers: str) -> tuple[str, str]:
    i = 0
    while (i := _find(answers, "#", i)) >= 0:
        if answers[i : i + 4] == "####":
            return answers[:i], unescape(answers[i + 4 :])
        i += 1
    return answers, ""


def _read_answers(p: Parsed, answers: str, fail) -> None:
    head = _split(answers, "#")
    if head[0][1].strip().upper() in TRUTH and len(head) <= 3:
        p.qtype, p.truth = "truefalse", TRUTH[head[0][1].strip().upper()]
        return
    if not answers or answers.startswith("#") or answers[:1] not in "=~":
        kind = "an essay" if not answers else "a numerical" if answers.startswith("#") else "this"
        raise fail(f"{kind} question has no equivalent here (single, multiple, true/false, matching)")
    items = [(mark, text) for mark, text in _split(answers, "=~") if mark]
    if all(mark == "=" for mark, _ in items) and all("->" in text for _, text in items):
        p.qtype = "match"
        for _, text in items:
            left, _, right = text.partition("->")
            p.pairs.append((unescape(left), unescape(right)))
        return
    p.qtype = "multichoice"
    for mark, text in items:
        grade_match = GRADE.match(text.strip())
        grade = float(grade_match.group(1)) if grade_match else (100.0 if mark == "=" else 0.0)
        text = text.strip()[grade_match.end() :] if grade_match else text
        answer, *feedback = [part for _, part in _split(text, "#")]
        p.answers.append((unescape(answer), grade, unescape(feedback[0]) if feedback else ""))
    right = [a for a in p.answers if a[1] > 0]
    if not right:
        raise fail("no answer is right: mark one with '=' or give it a positive %grade%")
    if all(mark == "=" for mark, _ in items):
        raise fail("every answer is right ('='): a short-answer question has no equivalent here")
    p.single_answer = len(right) == 1 and right[0][1] == 100
