"""Lesson figures without an app: the Markdown syntax, the rendered HTML, and every validator error."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import pytest

from course.content import check_content, load_catalog
from course.content.figures import MAX_BYTES, svg_problems
from course.content.render import ShownFigure, render, word_count

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]

GOOD_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 200" role="img" aria-labelledby="t">'
    '<title id="t">A test figure</title><style>text{font-size:16px}</style>'
    '<defs><marker id="a"><path d="M0 0L10 5z"/></marker></defs>'
    '<path d="M0 0H100" marker-end="url(#a)"/><text x="10" y="30">Label</text></svg>'
)
# A figure that would run a script if it were ever inlined or opened as a document without a CSP.
SCRIPT_SVG = GOOD_SVG.replace("</svg>", "<script>document.title = 'script ran'</script></svg>")
FIGURE = '![A test figure of two boxes](figures/test.svg "What the figure teaches.")'
DESCRIBED = FIGURE + "\n\n> Description: the long version.\n>\n> - first box\n> - second box\n"


def figure_course(tmp_path: Path, markdown: str = DESCRIBED, files: dict[str, str | bytes] | None = None):
    """The valid fixture course with `markdown` added to alpha's first page and files in lessons/figures/."""
    target = tmp_path / "course"
    shutil.copytree(FIXTURES / "valid", target)
    lessons = target / "lessons"
    alpha = lessons / "01-alpha.md"
    alpha.write_text(alpha.read_text().replace("More text.\n", f"More text.\n\n{markdown}\n"))
    (lessons / "figures").mkdir()
    for name, content in ({"test.svg": GOOD_SVG} if files is None else files).items():
        path = lessons / "figures" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return lessons, target / "quizzes"


FIGURE_LINE = 24  # the line of 01-alpha.md where figure_course puts the Markdown


def test_a_figure_renders_as_figure_with_caption_and_description(tmp_path):
    catalog = load_catalog(*figure_course(tmp_path))
    html = catalog.module("alpha").page("first").html
    match = re.search(r'<figure><img src="/figures/test\.svg\?v=[0-9a-f]{10}" ([^>]*)>', html)
    assert match, html
    assert 'alt="A test figure of two boxes"' in match[1]
    assert 'width="360" height="200"' in match[1] and 'loading="lazy"' in match[1]
    assert "<figcaption>What the figure teaches.</figcaption>" in html
    assert "<details><summary>Text description</summary><p>The long version.</p>" in html
    assert "<li>first box</li>" in html and html.index("</details></figure>") > html.index("second box")
    assert "Description:" not in html and "<blockquote>" not in html
    figure = catalog.figure("test.svg")
    assert figure.media_type == "image/svg+xml" and (figure.width, figure.height) == (360, 200)


def test_a_figure_without_description_and_an_ordinary_blockquote_stay_apart(tmp_path):
    markdown = FIGURE + "\n\n> A quotation, not a description.\n"
    html = load_catalog(*figure_course(tmp_path, markdown)).module("alpha").page("first").html
    assert "</figcaption></figure>" in html and "<details>" not in html
    assert "<blockquote>\n<p>A quotation, not a description.</p>\n</blockquote>" in html


def test_png_and_webp_figures_are_sized_from_their_headers(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480) + b"\x08\x02\0\0\0"
    webp = b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\0" * 4
    webp += (799).to_bytes(3, "little") + (599).to_bytes(3, "little")
    markdown = '![A photo](figures/photo.png "PNG")\n\n![A drawing](figures/drawing.webp "WebP")'
    catalog = load_catalog(*figure_course(tmp_path, markdown, {"photo.png": png, "drawing.webp": webp}))
    assert (catalog.figure("photo.png").width, catalog.figure("photo.png").height) == (640, 480)
    assert catalog.figure("drawing.webp").media_type == "image/webp"
    assert (catalog.figure("drawing.webp").width, catalog.figure("drawing.webp").height) == (800, 600)


FIGURE_ERRORS = [
    # (Markdown, files in lessons/figures, expected message fragment)
    ('![Alt](figures/missing.svg "C")', None, "figure file lessons/figures/missing.svg does not exist"),
    ('![](figures/test.svg "C")', None, "empty alt text"),
    ('![  ](figures/test.svg "C")', None, "empty alt text"),
    (
        '![Alt](figures/big.svg "C")',
        {"big.svg": GOOD_SVG.replace("</svg>", "<!--" + "x" * MAX_BYTES + "--></svg>")},
        "figure 'big.svg' is 300 KB; the limit is 300 KB",
    ),
    ('![Alt](figures/anim.gif "C")', {"anim.gif": b"GIF89a"}, "unsupported type"),
    ('![Alt](figures/../01-alpha.md "C")', None, "escapes lessons/figures/"),
    ('![Alt](figures/../../quizzes/x.svg "C")', None, "escapes lessons/figures/"),
    ('![Alt](/etc/figures/x.svg "C")', None, "escapes lessons/figures/"),
    ('![Alt](other/x.svg "C")', None, "escapes lessons/figures/"),
    ('![Alt](figures/sub/x.svg "C")', {"sub/x.svg": GOOD_SVG}, "escapes lessons/figures/"),
    ('![Alt](https://example.org/x.svg "C")', None, "not a web address"),
    ('![Alt](figures/Bad%20Name.svg "C")', None, "must be lowercase letters"),
    ('![Alt](figures/s.svg "C")', {"s.svg": SCRIPT_SVG}, "figure 's.svg': the SVG contains a <script> element"),
    (
        '![Alt](figures/s.svg "C")',
        {"s.svg": GOOD_SVG.replace("<text ", '<text onclick="alert(1)" ')},
        "an event-handler attribute",
    ),
    (
        '![Alt](figures/s.svg "C")',
        {"s.svg": GOOD_SVG.replace("</svg>", '<a href="javascript:alert(1)">x</a></svg>')},
        "a javascript: URL",
    ),
    (
        '![Alt](figures/s.svg "C")',
        {"s.svg": GOOD_SVG.replace("</svg>", '<image href="http://example.org/x.png"/></svg>')},
        "an external reference (href/src)",
    ),
    (
        '![Alt](figures/s.svg "C")',
        {"s.svg": GOOD_SVG.replace("</svg>", '<use xlink:href="https://example.org/s.svg#a"/></svg>')},
        "an external reference (href/src)",
    ),
    (
        '![Alt](figures/s.svg "C")',
        {"s.svg": GOOD_SVG.replace("font-size:16px", "background:url(http://example.org/t.png)")},
        "an external reference (url(...))",
    ),
    ('![Alt](figures/s.svg "C")', {"s.svg": GOOD_SVG.replace(' viewBox="0 0 360 200"', "")}, "needs a viewBox"),
    ('![Alt](figures/p.png "C")', {"p.png": b"not a png"}, "not a readable PNG image"),
    ("Text with ![Alt](figures/test.svg) inside.", None, "must stand alone in its own paragraph"),
]


@pytest.mark.parametrize(("markdown", "files", "expected"), FIGURE_ERRORS, ids=[e[2][:40] for e in FIGURE_ERRORS])
def test_each_figure_error_is_reported_at_the_image_line(tmp_path, markdown, files, expected):
    report = check_content(*figure_course(tmp_path, markdown, {"test.svg": GOOD_SVG, **(files or {})}))
    assert report.catalog is None
    messages = [str(p) for p in report.errors]
    assert any(m.startswith(f"lessons/01-alpha.md:{FIGURE_LINE}: ") and expected in m for m in messages), messages


def test_a_figure_used_twice_is_checked_and_reported_for_each_use(tmp_path):
    markdown = '![](figures/test.svg "C")\n\nBetween.\n\n![Alt](figures/missing.svg "C")\n\n![Alt](figures/missing.svg)'
    messages = [str(p) for p in check_content(*figure_course(tmp_path, markdown)).errors]
    assert f"lessons/01-alpha.md:{FIGURE_LINE}: empty alt text: describe what the figure shows" in messages
    assert sum("missing.svg does not exist" in m for m in messages) == 2


def test_the_svg_check_accepts_a_plain_drawing_and_local_references():
    assert svg_problems(GOOD_SVG) == []
    assert svg_problems(GOOD_SVG.replace("</svg>", '<use href="#a"/></svg>')) == []


def test_an_image_can_only_point_to_the_figure_route():
    def anywhere(ref):
        return ShownFigure("https://tracker.example/pixel.png", 1, 1)

    html, _ = render('![Alt](figures/x.svg "C")', lambda s, a: "/", anywhere)
    assert "<img" in html and "tracker" not in html and "src=" not in html
    inline, _ = render("Look: ![Alt](https://tracker.example/pixel.png)", lambda s, a: "/", anywhere)
    assert "<img" not in inline and "Look: Alt" in inline


def test_figure_blocks_are_not_counted_as_prose():
    prose = "One two three four five."
    assert word_count(prose + "\n\n" + DESCRIBED) == word_count(prose) == 5
    assert word_count(prose + "\n\n> A real quotation.") == 8


# --- the real course ---------------------------------------------------------------------------------


def test_real_course_figures_are_accessible_small_and_described():
    catalog = load_catalog(ROOT / "lessons", ROOT / "quizzes")
    assert len(catalog.figures) >= 10
    assert (ROOT / "lessons" / "figures" / "README.md").exists()  # the palette and drawing rules
    for name, figure in catalog.figures.items():
        svg = figure.path.read_text()
        assert figure.media_type == "image/svg+xml" and figure.path.stat().st_size < 20 * 1024, name
        assert re.search(r'<svg [^>]*role="img"', svg) and "<title" in svg and svg_problems(svg) == [], name
        assert not re.search(r"<svg [^>]*\b(?:width|height)=", svg), name  # scales with its column
        sizes = [float(s) for s in re.findall(r"font-size:(\d+(?:\.\d+)?)px", svg)]
        assert min(sizes) * 320 / figure.width >= 14, name  # at least 14 px on a 320-px screen
    pages = [p.html for m in catalog.modules for p in m.pages]
    for name in catalog.figures:
        shown = [html for html in pages if f"/figures/{name}?" in html]
        assert len(shown) == 1, name
        figure_html = shown[0][shown[0].index(f"/figures/{name}?") :]
        figure_html = figure_html[: figure_html.index("</figure>")]
        assert "<figcaption>" in figure_html and "<details><summary>Text description</summary>" in figure_html, name
