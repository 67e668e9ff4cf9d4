"""LTI test helpers: this app and an LMS emulator (tests/lti/platform.py), each on its own port of
127.0.0.1, and a browser-like launch. The fixtures built on them are in tests/conftest.py."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

import requests
from werkzeug.serving import make_server

from ..lti.platform import Emulator, Running

LTI_SETTINGS = {"LTI_ALLOW_HTTP": True, "LTI_TIMEOUT": 5}


@contextmanager
def serving(app) -> Iterator[str]:
    """The app on a threaded server on 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@contextmanager
def registered_lms(tool_app, tool: str, host: str = "127.0.0.1") -> Iterator[Emulator]:
    """The emulator, serving on 127.0.0.1 under the name `host`, registered through `flask lti add-platform`."""
    with Running(Emulator(tool=tool), host=host) as emulator:
        result = tool_app.test_cli_runner().invoke(
            args=["lti", "add-platform", "--issuer", emulator.issuer, "--client-id", emulator.client_id,
                  "--auth-login-url", f"{emulator.url}/auth", "--auth-token-url", f"{emulator.url}/token",
                  "--key-set-url", f"{emulator.url}/jwks", "--deployment-id", emulator.deployment_id,
                  "--name", "Clinic Moodle"]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        yield emulator


def form_of(html: str) -> tuple[str, dict]:
    """The action and hidden fields of the page's (first) form."""
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', html)[1])
    fields = {
        unescape(n): unescape(v) for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }
    return action, fields


def launch(browser: requests.Session, emulator: Emulator) -> requests.Response:
    """Click the link in the LMS: login initiation, the LMS's auto-posted launch form, the tool's answer."""
    page = browser.get(f"{emulator.url}/start", timeout=20)
    assert page.status_code == 200, page.text
    action, fields = form_of(page.text)
    emulator.id_tokens.append(fields)
    return browser.post(action, data=fields, allow_redirects=False, timeout=20)
