"""Markdown to safe HTML, done once at load time.

Authors write CommonMark with tables. Raw HTML is not passed through, and the output is cleaned by nh3
anyway, so a lesson file can never inject script into a page. Links of the form `module:SLUG#ANCHOR` are
course cross-references: the renderer turns them into site paths and reports them, so the validator can
reject one that does not resolve.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

MODULE_LINK = "module:"

_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h2", "h3",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip
# No `style` attributes: the site's Content-Security-Policy would drop them. A table column's alignment
# (`:--`, `:-:`, `--:`) becomes a class instead.
_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}}
# `##` starts a page (its title is the page's h1), so a page's `###` sections are its h2s and `####` its h3s:
# every heading moves up one level and no page jumps from h1 to h3. The module intro sits under the module's
# h1 the same way.
_HEADING_SHIFT = {"h3": "h2", "h4": "h3"}
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


def render(markdown: str, page_url: Callable[[str, str | None], str]) -> tuple[str, list[str]]:
    """Return (safe HTML, the `module:` references it contains)."""
    tokens = _PARSER.parse(markdown)
    references: list[str] = []
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag in _HEADING_SHIFT:
            token.tag = _HEADING_SHIFT[token.tag]
        if token.type in ("th_open", "td_open") and token.attrGet("style") in _ALIGN:
            token.attrs = {"class": _ALIGN[token.attrs["style"]]}
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            if isinstance(href, str) and href.startswith(MODULE_LINK):
                reference = href[len(MODULE_LINK) :]
                references.append(reference)
                slug, _, anchor = reference.partition("#")
                child.attrSet("href", page_url(slug, anchor or None))
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    clean = nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, allowed_classes=_CLASSES, link_rel="noopener noreferrer"
    )
    return clean.replace("<table>", _TABLE_BOX).replace("</table>", "</table></div>"), references


def word_count(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", markdown))
