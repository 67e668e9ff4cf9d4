"""Moodle XML (docs.moodle.org/405/en/Moodle_XML_format): write a bank, read one back safely.

Texts go in CDATA, split around a literal `]]>` as Moodle's `xml_escape` does. Reading uses defusedxml's
SAX parser (no entities, no external references) and keeps each element's line for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

from ..model import Question, Quiz
from ..types import TYPES
from .bank import NOT_IN_ANY_FORMAT, BankImportError, Parsed, percent, tags, too_large

CAN_NOT_CARRY = (NOT_IN_ANY_FORMAT, "nothing else: all four question types, ids, tags and feedback are kept")


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, text: str, attributes: str = ' format="plain_text"') -> str:
    return f"<{tag}{attributes}><text>{cdata(text)}</text></{tag}>"


def write(quiz: Quiz, title: str) -> str:
    notes = "\n".join(f"  Not carried by Moodle XML: {item}." for item in CAN_NOT_CARRY)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!--\n  {title}: the bank of module '{quiz.module}', {len(quiz.questions)} questions.\n{notes}\n-->",
        "<quiz>",
        '  <question type="category">',
        f"    <category><text>{cdata('$course$/top/' + title)}</text></category>",
        "  </question>",
    ]
    parts += [_question(q) for q in quiz.questions]
    parts.append("</quiz>\n")
    return "\n".join(parts)


def _question(q: Question) -> str:
    kind = TYPES[q.type]
    lines = [
        f'  <question type="{kind.moodle}">',
        f"    <name><text>{cdata(q.id)}</text></name>",
        "    " + _text("questiontext", q.prompt),
        "    " + _text("generalfeedback", q.explanation),
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{cdata(q.id)}</idnumber>",
    ]
    if kind.moodle == "multichoice":
        lines += [
            f"    <single>{'true' if kind.single_answer else 'false'}</single>",
            "    <shuffleanswers>true</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
        for option, grade in zip(q.options, kind.fractions(q), strict=True):
            lines.append(_answer(option.text, grade, option.feedback))
    elif kind.moodle == "truefalse":
        lines += [_answer("true", 100 if q.answer else 0, ""), _answer("false", 0 if q.answer else 100, "")]
    else:
        lines.append("    <shuffleanswers>true</shuffleanswers>")
        for pair in q.pairs:
            lines.append(
                f'    <subquestion format="plain_text"><text>{cdata(pair.left)}</text>'
                f"<answer><text>{cdata(pair.right)}</text></answer></subquestion>"
            )
    lines.append("    <tags>" + "".join(f"<tag><text>{cdata(t)}</text></tag>" for t in tags(q)) + "</tags>")
    lines.append("  </question>")
    return "\n".join(lines)


def _answer(text: str, grade: float, feedback: str) -> str:
    return (
        f'    <answer fraction="{percent(grade)}" format="plain_text"><text>{cdata(text)}</text>'
        f"{_text('feedback', feedback) if feedback else ''}</answer>"
    )


# --- reading -------------------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str:
        """The text of <tag><text>...</text></tag>, or of <tag> itself when it has no <text>."""
        node = self.find(tag)
        if node is None:
            return ""
        inner = node.find("text")
        return (inner if inner is not None else node).text.strip()


class _Builder(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[Node] = [Node("", {}, 1)]
        self.locator = None

    def setDocumentLocator(self, locator) -> None:  # SAX names its callbacks in camelCase
        self.locator = locator

    def startElement(self, name, attrs) -> None:
        node = Node(name, dict(attrs), self.locator.getLineNumber() if self.locator else 1)
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def endElement(self, name) -> None:
        self.stack.pop()

    def characters(self, content) -> None:
        self.stack[-1].text += content


def parse_tree(text: str) -> Node:
    too_large(text)
    builder = _Builder()
    try:
        defusedxml.sax.parseString(text.encode("utf-8", "surrogateescape"), builder)
    except SAXException as exc:
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else 1
        raise BankImportError([(line, f"not well-formed XML: {exc.getMessage()}")]) from None
    except DefusedXmlException as exc:
        raise BankImportError([(1, f"refused: {exc}")]) from None
    except UnicodeEncodeError:
        raise BankImportError([(1, "the file is not valid UTF-8 text")]) from None
    root = builder.stack[0].find("quiz")
    if root is None:
        raise BankImportError([(1, "a Moodle XML bank starts with <quiz>")])
    return root


def read(text: str) -> list[Parsed]:
    root = parse_tree(text)
    problems, parsed = [], []
    for node in root.all("question"):
        qtype = node.attrs.get("type", "")
        if qtype == "category":
            continue
        try:
            parsed.append(_read_question(node, qtype))
        except BankImportError as exc:
            problems += exc.problems
    if problems:
        raise BankImportError(problems)
    return parsed


def _grade(answer: Node) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        raise BankImportError([(answer.line, f"fraction '{answer.attrs['fraction']}' is not a number")]) from None


def _read_question(node: Node, qtype: str) -> Parsed:
    p = Parsed(
        line=node.line,
        qtype=qtype,
        prompt=node.value("questiontext"),
        name=node.value("name"),
        idnumber=node.value("idnumber"),
        explanation=node.value("generalfeedback"),
        single_answer=node.value("single").lower() not in ("false", "0"),
    )
    if not p.prompt:
        raise BankImportError([(node.line, "the question has no <questiontext>")])
    tags_node = node.find("tags")
    p.tags = [t.value("text") for t in tags_node.all("tag")] if tags_node is not None else []
    answers = node.all("answer")
    if qtype == "multichoice":
        p.answers = [(a.value("text"), _grade(a), a.value("feedback")) for a in answers]
    elif qtype == "truefalse":
        right = [a.value("text").lower() for a in answers if _grade(a) > 0]
        p.truth = right[0] == "true" if len(right) == 1 and right[0] in ("true", "false") else None
    elif qtype == "match":
        p.pairs = [(s.value("text"), s.value("answer")) for s in node.all("subquestion")]
    return p
