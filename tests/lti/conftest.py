"""The tool (this app) and an LMS emulator (`platform.py`), each on its own port of 127.0.0.1."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
import requests
from werkzeug.serving import make_server

from .platform import Emulator, Running


@pytest.fixture
def tool_app(app_factory, tmp_path):
    return app_factory(LTI_ALLOW_HTTP=True, LTI_KEY_DIR=tmp_path / "lti-keys", LTI_TIMEOUT=5)


@pytest.fixture
def tool(tool_app):
    server = make_server("127.0.0.1", 0, tool_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def lms(tool, tool_app):
    """The emulator, registered with the tool through `flask lti add-platform`."""
    with Running(Emulator(tool=tool)) as emulator:
        result = tool_app.test_cli_runner().invoke(
            args=[
                "lti",
                "add-platform",
                "--issuer",
                emulator.issuer,
                "--client-id",
                emulator.client_id,
                "--auth-login-url",
                f"{emulator.url}/auth",
                "--auth-token-url",
                f"{emulator.url}/token",
                "--key-set-url",
                f"{emulator.url}/jwks",
                "--deployment-id",
                emulator.deployment_id,
                "--name",
                "Clinic Moodle",
            ]
        )
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
