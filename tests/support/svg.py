"""Reading the server-drawn charts back out of a page: the standard library's HTML parser, no browser."""

from __future__ import annotations

from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self, root_id: str):
        super().__init__()
        self.root_id, self.depth, self.found = root_id, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth == 0 and attrs.get("id") == self.root_id:
            self.depth = 1
            self.found.append((tag, attrs))
            return
        if self.depth:
            self.found.append((tag, attrs))
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.found.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def elements(html: str, root_id: str, tag: str | None = None, cls: str | None = None) -> list[dict[str, str]]:
    """The attributes of every element inside the element with id `root_id` (itself included), filtered by
    tag name and by one class among its classes."""
    parser = _Elements(root_id)
    parser.feed(html)
    return [
        attrs
        for name, attrs in parser.found
        if (tag is None or name == tag) and (cls is None or cls in attrs.get("class", "").split())
    ]


def num(attrs: dict[str, str], name: str) -> float:
    return float(attrs[name])
