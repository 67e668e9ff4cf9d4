"""Browser fixtures: Debian's Chromium driven by Playwright's sync API (no pytest-playwright, no downloaded
browsers). The browser starts once per session; every test gets a fresh context and page on its own live
server, so cookies never leak between tests. Without /usr/bin/chromium every browser test is skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..support.helpers import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
MAX_TABS = 200

# The text a screen reader would announce for the focused element, close enough for finding it:
# a form control's label(s), else aria-label, else its visible text content.
_FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  let name = "";
  if (el.labels && el.labels.length) name = [...el.labels].map(l => l.textContent).join(" ");
  else name = el.getAttribute("aria-label") || el.textContent || el.value || "";
  return name.replace(/\\s+/g, " ").trim();
}"""


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages in fresh browser contexts whose relative URLs go to this test's live server."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(base_url=live_server, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def focused_name(page) -> str:
    return page.evaluate(_FOCUSED_NAME)


def tab_to(page, name: str | re.Pattern, limit: int = MAX_TABS) -> str:
    """Press Tab until the focused element's accessible text is `name` (a string, or a pattern to search)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = focused_name(page)
        if name.search(current) if isinstance(name, re.Pattern) else current == name:
            return current
        seen.append(current)
    raise AssertionError(f"no element named {name!r} reached by Tab in {limit} presses; focused in turn: {seen[:60]}")


def log_in(context, user) -> object:
    """A new page in `context`, logged in as `user` through the form, on their role's home."""
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(re.compile(r"/(dashboard|instructor/|admin/)$"))  # each role has its home
    return page


def login_in_browser(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, by keyboard: Tab to each field, type, press Enter."""
    page.goto("/login")
    tab_to(page, "Email")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/(dashboard|instructor/|admin/)$"))  # each role has its home
