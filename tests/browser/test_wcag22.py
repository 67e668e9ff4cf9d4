"""WCAG 2.2 AA on every kind of page, checked the way issue 12 asked: axe-core with every WCAG 2.x A/AA tag
and its best practices, at 1280 px and at 320 px (reflow, 1.4.10, also with the text spacing of 1.4.12;
and at 400% zoom, a 320x200 viewport, on every page with a form or a table; a table's caption must not be
cut by its scroll box), on each page type and state of tests/tour.py (visitor, trainee, instructor, admin,
invitations, password reset, email links and the error pages) and on every lesson page; the focus indicator's contrast
(1.4.11) measured on the backgrounds it appears on; Enter on an answer goes to the next question.

One browser, one context per person; the lesson pages are visited one after another in a single page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.learning import services as learning
from course.quizzes import services as quizzes

from ..support.tour import build_tour
from .conftest import log_in
from .support import AXE, describe

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}}
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
ZOOM_400 = {"width": 320, "height": 200}  # a 1280x800 window at 400% zoom: the same CSS viewport

# WCAG 1.4.12's text spacing, applied as a constructed style sheet (the CSP allows those, not <style>).
_TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; } p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""
_NO_TEXT_SPACING = "() => { document.adoptedStyleSheets = []; }"

# What runs past its box at this width: the page itself scrolling sideways, or a block in <main> whose
# content is wider than it (a table in its own scrolling box is allowed to be, and so is a chart's own
# drawing: two-dimensional content is exempt from 1.4.10 and each chart has its numbers as a table).
_OVERFLOW = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) found.push(`the page is ${root.scrollWidth}px wide`);
  for (const el of document.querySelectorAll("main *")) {
    if (el.closest(".table-scroll") || el.closest(".visually-hidden") || el.closest("svg")) continue;
    const style = getComputedStyle(el);
    if (style.display.startsWith("inline") || style.overflowX !== "visible" || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`<${el.tagName.toLowerCase()} class="${el.className}"> ${el.scrollWidth}px in ${el.clientWidth}px: `
                 + el.textContent.trim().slice(0, 60));
    }
  }
  // A table may scroll in its box, but its caption is prose: it must be readable without scrolling.
  for (const caption of document.querySelectorAll("main .table-scroll caption")) {
    const box = caption.closest(".table-scroll").getBoundingClientRect();
    const own = caption.getBoundingClientRect();
    if (own.right > box.right + 1 || own.left < box.left - 1 || caption.scrollWidth > caption.clientWidth + 1) {
      found.push(`caption cut by its scroll box (${Math.round(own.width)}px in ${Math.round(box.width)}px): `
                 + caption.textContent.trim().slice(0, 60));
    }
  }
  return found;
}"""
_HAS_FORM_OR_TABLE = "() => !!document.querySelector('main form, main table')"


def axe(page) -> list[dict]:
    results = AXE.run(page, options=AXE_OPTIONS).response
    assert results["passes"], "axe checked nothing: did it run?"
    return results["violations"]


def open_stop(page, stop) -> str | None:
    """Opens the stop's page (and sends its form empty); returns what went wrong, if anything."""
    response = page.goto(stop.url)
    if stop.submit:
        assert response.status == 200, f"{stop.url} answered {response.status}"
        try:
            with page.expect_navigation(timeout=5_000) as navigation:
                page.get_by_role("button", name=stop.submit, exact=True).click()
        except PlaywrightTimeout:
            return "the form was not sent: the browser's own validation stopped it (no `novalidate`?)"
        response = navigation.value
    if response.status != stop.status:
        return f"{page.url} answered {response.status}, not {stop.status}"
    return None


def overflow(page, spacing: bool) -> list[str]:
    if spacing:
        page.evaluate(_TEXT_SPACING)
    try:
        return page.evaluate(_OVERFLOW)
    finally:
        page.evaluate(_NO_TEXT_SPACING)


def summary(found: dict[str, list[dict]]) -> str:
    """Violations counted per tag (a rule failing on one page at one width counts once) and listed."""
    counts = {tag: 0 for tag in TAGS}
    for violations in found.values():
        for violation in violations:
            for tag in TAGS:
                counts[tag] += tag in violation["tags"]
    lines = [f"axe violations per tag: {counts}"]
    for where, violations in found.items():
        if violations:
            lines.append(f"== {where}\n{describe(violations)}")
    return "\n".join(lines)


@pytest.fixture
def tour(app, make_user, runner):
    return build_tour(app, make_user, runner)


def test_every_page_type_at_1280_and_320_px(browser, live_server, tour):
    pages = {}
    for who in {stop.who for stop in tour.stops}:
        context = browser.new_context(base_url=live_server, viewport=WIDE)
        context.set_default_timeout(10_000)
        pages[who] = context.new_page() if who is None else log_in(context, tour.users[who])
    found: dict[str, list[dict]] = {}
    too_wide: dict[str, list[str]] = {}
    broken: dict[str, str] = {}
    try:
        for stop in tour.stops:
            page = pages[stop.who]
            page.set_viewport_size(WIDE)
            if problem := open_stop(page, stop):
                broken[stop.name] = problem
            found[f"{stop.name} at 1280px"] = axe(page)
            page.set_viewport_size(NARROW)
            found[f"{stop.name} at 320px"] = axe(page)
            for spacing in (False, True):
                if problems := overflow(page, spacing):
                    too_wide[f"{stop.name} at 320px{' with text spacing' if spacing else ''}"] = problems
            if page.evaluate(_HAS_FORM_OR_TABLE):  # where people type or read tables: also at 400% zoom
                page.set_viewport_size(ZOOM_400)
                for spacing in (False, True):
                    if problems := overflow(page, spacing):
                        too_wide[f"{stop.name} at 400%{' with text spacing' if spacing else ''}"] = problems
    finally:
        for page in pages.values():
            page.context.close()
    print(summary(found), too_wide, broken, sep="\n")
    assert not broken, broken
    assert not any(found.values()), summary(found)
    assert not too_wide, f"content wider than its box at 320 px: {too_wide}"


def test_every_lesson_page(browser, live_server, tour):
    context = browser.new_context(base_url=live_server, viewport=WIDE)
    context.set_default_timeout(10_000)
    page = log_in(context, tour.users["ada"])
    found: dict[str, list[dict]] = {}
    too_wide: dict[str, list[str]] = {}
    try:
        for url in tour.lessons:
            page.set_viewport_size(WIDE)
            assert page.goto(url).status == 200, url
            found[url] = axe(page)
            page.set_viewport_size(NARROW)
            if problems := overflow(page, spacing=False):
                too_wide[url] = problems
    finally:
        context.close()
    print(summary(found), too_wide, sep="\n")
    assert not any(found.values()), summary(found)
    assert not too_wide, f"content wider than its box at 320 px: {too_wide}"


# The focus indicator of the focused element against what is behind it: the outline's colour, and the
# colour of the first opaque background found just outside the outline (so a link over the dark header is
# measured against the header, whatever its DOM parent).
_FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const gap = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 2;
  const x = rect.left - gap >= 0 ? rect.left - gap : rect.right + gap;
  const under = document.elementsFromPoint(x, rect.top + rect.height / 2).find(e => e !== el && !el.contains(e));
  let node = under || el.parentElement, background = "rgba(0, 0, 0, 0)";
  for (; node; node = node.parentElement) {
    background = getComputedStyle(node).backgroundColor;
    if (!/rgba\\(.*, 0\\)$/.test(background)) break;
  }
  if (!node) background = getComputedStyle(document.body).backgroundColor;
  return {outline: style.outlineColor, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          ring: style.boxShadow, background, visible: el.matches(":focus-visible"), tag: el.tagName};
}"""


def luminance(css_colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css_colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_indicator_reaches_3_to_1_on_every_background(browser, live_server, app, make_user):
    """WCAG 1.4.11: the outline against the page, a white box (question, table), a button's surroundings
    and the dark header, reached by Tab as a keyboard user reaches them."""
    user = make_user(name="Fay Focus")
    module = app.extensions["catalog"].modules[1]
    with app.app_context():
        for lesson in module.pages:
            learning.complete_page(user.id, module, lesson.anchor)
        attempt_id = quizzes.start_attempt(user.id, module).id
    context = browser.new_context(base_url=live_server, viewport=WIDE)
    page = log_in(context, user)
    try:
        page.goto(f"/attempts/{attempt_id}/questions/2")
        measured = {}
        for _ in range(60):
            page.keyboard.press("Tab")
            ring = page.evaluate(_FOCUS_RING)
            name = page.evaluate("document.activeElement.textContent.trim().slice(0, 30)") or ring["tag"]
            measured[f"{ring['tag'].lower()} “{name}”"] = ring
            if name == "Review and submit":
                break
        failures = []
        backgrounds = set()
        for where, ring in measured.items():
            backgrounds.add(ring["background"])
            ratio = contrast(ring["outline"], ring["background"])
            if not ring["visible"] or ring["style"] == "none" or ring["width"] < 2 or ratio < 3:
                failures.append(f"{where}: {ring['outline']} on {ring['background']} is {ratio:.2f}:1 ({ring})")
        # the page and white boxes (the question, the header) were both among them
        assert {"rgb(245, 247, 250)", "rgb(255, 255, 255)"} <= backgrounds, backgrounds
        assert not failures, "\n".join(failures)
    finally:
        context.close()


def test_enter_on_an_answer_saves_it_and_goes_to_the_next_question(browser, live_server, app, make_user):
    """Enter on a chosen option presses the form's first submit button: past question 1 that must be the one
    that goes forward, not "Save and go back". (Enter on a select opens its list instead, so the question is
    one with options: the first past question 1 and before the last; the next page's first button is then
    "Save and next question", or "Save and review answers" when it is the last.)"""
    user = make_user(name="Kai Keys")
    module = app.extensions["catalog"].modules[1]
    with app.app_context():
        for lesson in module.pages:
            learning.complete_page(user.id, module, lesson.anchor)
        attempt = quizzes.start_attempt(user.id, module)
        attempt_id, items = attempt.id, [(item.position, item.snapshot) for item in attempt.items]
    position, snapshot = next((p, s) for p, s in items[1:-1] if s["type"] != "matching")
    context = browser.new_context(base_url=live_server, viewport=WIDE)
    page = log_in(context, user)
    try:
        page.goto(f"/attempts/{attempt_id}/questions/{position}")
        page.locator(f"#o-{snapshot['options'][0]['key']}").focus()
        page.keyboard.press("Space")
        with page.expect_navigation(url=re.compile(rf"/questions/{position + 1}$")):
            page.keyboard.press("Enter")
        buttons = page.locator(".quiz-actions button").all_inner_texts()
        last = position + 1 == len(items)  # the last question's first button is the review
        assert buttons[0] == ("Save and review answers" if last else "Save and next question"), buttons
        with app.app_context():
            saved = next(i for i in quizzes.get_attempt(user.id, attempt_id).items if i.position == position)
            assert saved.response is not None
    finally:
        context.close()


def test_a_failed_form_puts_focus_on_its_error_summary_and_error_in_the_title(browser, live_server, make_user):
    """GOV.UK's pattern: the summary takes focus (a static script, so the CSP holds); the title says Error."""
    user = make_user(name="Eve Errors")
    context = browser.new_context(base_url=live_server, viewport=WIDE)
    page = log_in(context, user)
    try:
        page.goto("/account")
        page.get_by_role("button", name="Join", exact=True).click()  # empty: novalidate lets it through
        page.wait_for_url(re.compile(r"/account/join$"))
        assert page.title().startswith("Error: ")
        summary = page.get_by_role("alert")
        assert "Enter the join code your instructor gave you." in summary.inner_text()
        assert summary.evaluate("el => el === document.activeElement")
        page.keyboard.press("Tab")  # the next stop is the summary's link to the field
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#join_code"
    finally:
        context.close()
