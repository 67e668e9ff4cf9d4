"""Markdown to safe HTML, done once at load time.

Authors write CommonMark with tables. Raw HTML is not passed through, and the output is cleaned by nh3
anyway, so a lesson file can never inject script into a page. Links of the form `module:SLUG#ANCHOR` are
course cross-references: the renderer turns them into site paths and reports them, so the validator can
reject one that does not resolve.

An image that stands alone in its paragraph is a figure: `![alt](figures/NAME.svg "Caption")` becomes
`<figure>` with the image, its caption and, when a blockquote starting "Description:" follows it, that
description in a `<details>` element. The loader checks the file and says where it is served.
"""

from __future__ import annotations

import html as html_lib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

MODULE_LINK = "module:"

_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
    "figure", "img", "figcaption", "details", "summary",
}  # fmt: skip
# No `style` attributes: the site's Content-Security-Policy would drop them. A table column's alignment
# (`:--`, `:-:`, `--:`) becomes a class instead.
_ATTRIBUTES = {
    "a": {"href", "title"}, "h3": {"id"}, "h4": {"id"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
}  # fmt: skip
FIGURE_URL = "/figures/"  # the only place an <img> may point to
_ALIGN = {"text-align:left": "align-left", "text-align:center": "align-center", "text-align:right": "align-right"}
_CLASSES = {"th": set(_ALIGN.values()), "td": set(_ALIGN.values())}
# A wide table scrolls sideways in its own box (a named region reachable by Tab), not the whole page.
_TABLE_BOX = '<div class="table-scroll" role="region" aria-label="Table (scrolls sideways)" tabindex="0"><table>'


def slugify(text: str) -> str:
    """A heading's default anchor: lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    # `###` headings inside a page get stable ids, so a section can be linked to.
    return md.use(anchors_plugin, min_level=3, max_level=4, slug_func=slugify)


_PARSER = _make_parser()

DESCRIPTION = "Description:"


@dataclass(frozen=True)
class FigureRef:
    """A Markdown image as written: what the loader checks. `line` counts from 0 within the Markdown."""

    src: str
    alt: str
    caption: str
    line: int
    standalone: bool  # alone in its paragraph, so it can be a figure


@dataclass(frozen=True)
class ShownFigure:
    url: str
    width: int
    height: int


FigureHook = Callable[[FigureRef], "ShownFigure | None"]


def _html_token(content: str) -> Token:
    token = Token("html_block", "", 0)
    token.content = content
    return token


def _figure_html(ref: FigureRef, shown: ShownFigure | None) -> str:
    esc = html_lib.escape
    if shown is None:
        return f"<figure><p>[Figure not available: {esc(ref.alt)}]</p>"
    img = (
        f'<img src="{esc(shown.url)}" alt="{esc(ref.alt)}" width="{shown.width}" height="{shown.height}" '
        'loading="lazy" decoding="async">'
    )
    caption = f"<figcaption>{esc(ref.caption)}</figcaption>" if ref.caption else ""
    return f"<figure>{img}{caption}"


def _description_end(tokens: list[Token], start: int) -> int | None:
    """If a "Description:" blockquote opens at `start`, the index of its closing token."""
    if start + 2 >= len(tokens) or tokens[start].type != "blockquote_open":
        return None
    first = tokens[start + 2]
    if tokens[start + 1].type != "paragraph_open" or not first.content.startswith(DESCRIPTION):
        return None
    level = tokens[start].level
    return next(
        i for i in range(start + 1, len(tokens)) if tokens[i].type == "blockquote_close" and tokens[i].level == level
    )


def _strip_label(body: list[Token]) -> list[Token]:
    """Drop the "Description:" label from the first paragraph (and the paragraph, if nothing else is in it)."""
    inline = body[1]
    text = inline.children[0] if inline.children else None
    if text is not None and text.type == "text" and text.content.startswith(DESCRIPTION):
        rest = text.content[len(DESCRIPTION) :].lstrip()
        text.content = rest[:1].upper() + rest[1:]
        while (
            inline.children
            and inline.children[0].type in ("text", "softbreak")
            and not inline.children[0].content.strip()
        ):
            inline.children.pop(0)
    return body[3:] if not inline.children else body


def _figures(tokens: list[Token], figure: FigureHook | None) -> list[Token]:
    """Turn each standalone image paragraph (and its description) into a <figure> block."""
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if index + 2 >= len(tokens) or not _is_figure(tokens, index):
            result.append(token)
            index += 1
            continue
        image = tokens[index + 1].children[0]
        alt = _PARSER.renderer.renderInlineAsText(image.children or [], _PARSER.options, {})
        line = token.map[0] if token.map else 0
        ref = FigureRef(
            str(image.attrGet("src") or ""), alt.strip(), str(image.attrGet("title") or "").strip(), line, True
        )
        opening = _figure_html(ref, figure(ref) if figure else None)
        index += 3
        end = _description_end(tokens, index)
        if end is None:
            result.append(_html_token(opening + "</figure>\n"))
            continue
        result.append(_html_token(opening + "<details><summary>Text description</summary>"))
        result += _strip_label(tokens[index + 1 : end])
        result.append(_html_token("</details></figure>\n"))
        index = end + 1
    return result


def _only_figure_urls(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not value.startswith(FIGURE_URL):
        return None
    return value


def render(
    markdown: str, page_url: Callable[[str, str | None], str], figure: FigureHook | None = None
) -> tuple[str, list[str]]:
    """Return (safe HTML, the `module:` references it contains). `figure` checks and places each image."""
    tokens = _figures(_PARSER.parse(markdown), figure)
    references: list[str] = []
    for token in tokens:
        if token.type in ("th_open", "td_open") and token.attrGet("style") in _ALIGN:
            token.attrs = {"class": _ALIGN[token.attrs["style"]]}
        for position, child in enumerate(token.children or ()):
            if child.type == "image":  # an image inside running text: reported, shown as its alt text
                alt = _PARSER.renderer.renderInlineAsText(child.children or [], _PARSER.options, {})
                line = token.map[0] if token.map else 0
                if figure:
                    figure(FigureRef(str(child.attrGet("src") or ""), alt.strip(), "", line, False))
                token.children[position] = Token("text", "", 0, content=alt)
                continue
            href = child.attrGet("href") if child.type == "link_open" else None
            if isinstance(href, str) and href.startswith(MODULE_LINK):
                reference = href[len(MODULE_LINK) :]
                references.append(reference)
                slug, _, anchor = reference.partition("#")
                child.attrSet("href", page_url(slug, anchor or None))
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        link_rel="noopener noreferrer",
        attribute_filter=_only_figure_urls,
    )
    return clean.replace("<table>", _TABLE_BOX).replace("</table>", "</table></div>"), references


def _is_figure(tokens: list[Token], index: int) -> bool:
    children = tokens[index + 1].children if tokens[index].type == "paragraph_open" else None
    return bool(children) and len(children) == 1 and children[0].type == "image"


def _without_figures(markdown: str) -> str:
    """The text a learner reads as prose: figure blocks (alt, caption, description) left out."""
    tokens = _PARSER.parse(markdown)
    skip: set[int] = set()
    for index, token in enumerate(tokens):
        if token.map and index + 1 < len(tokens) and _is_figure(tokens, index):
            skip.update(range(*token.map))
            if _description_end(tokens, index + 3) is not None and tokens[index + 3].map:
                skip.update(range(*tokens[index + 3].map))
    return "\n".join(line for number, line in enumerate(markdown.splitlines()) if number not in skip)


def word_count(markdown: str) -> int:
    """Words of prose; a figure's alt text, caption and description are its text alternative, not extra prose."""
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", _without_figures(markdown)))
