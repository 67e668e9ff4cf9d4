"""The shipped deployment files parse: gunicorn's --check-config, `nginx -t` on the rendered site (skipped
without nginx or openssl), and the systemd units name what they must. The access logs of both hide the
secrets that some links carry."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.client import HTTPResponse, HTTPSConnection
from pathlib import Path

import pytest

from course import create_app
from deploy.render_nginx import render, write_standalone

from .support.mailbox import free_port

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
APP = "course:create_app()"
OPENSSL = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None,
    reason="nginx (apt-get install nginx) and openssl, for a throwaway certificate, are needed",
)
UPSTREAMS = ["127.0.0.1:8001", "127.0.0.1:8002"]


def test_gunicorn_configuration_checks(tmp_path):
    env = {
        **os.environ,
        "COURSE_ENV": "production",
        "SECRET_KEY": "x" * 32,
        "TRUSTED_HOSTS": "course.example",
        "BASE_URL": "https://course.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.db'}",
        "GUNICORN_WORKERS": "2",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "--check-config",
            "course:create_app()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_workers_follow_the_cpu_count(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    assert settings["workers"] == os.cpu_count() * 2 + 1
    assert settings["timeout"] == 30 and settings["graceful_timeout"] == 30
    assert "%(M)s" in settings["access_log_format"]


def test_rendered_nginx_site_sends_the_proxy_headers_and_caches_hashed_static_files():
    site = render("course.example.org", UPSTREAMS, "/srv/course/course/static", "c", "k")
    assert not re.search(r"@[A-Z_]+@", site)
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme", "X-Forwarded-Host"):
        assert f"proxy_set_header {header}" in site
    assert "server 127.0.0.1:8001" in site and "server 127.0.0.1:8002" in site
    assert "public, max-age=31536000, immutable" in site
    assert "proxy_next_upstream error timeout" in site and "http_503" not in site
    assert "proxy_set_header X-Request-ID $request_id" in site and "server_tokens off" in site
    # Audit 2026-12 F1: slow answers must not take healthy instances out (timeouts always count as fails).
    assert re.findall(r"server 127\.0\.0\.1:\d+ ([^;]*);", site) == ["max_fails=0", "max_fails=0"]
    assert "return 301 https://" in site


@needs_nginx
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([*OPENSSL, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    site = render(
        "localhost", ["127.0.0.1:8001", "127.0.0.1:8002"], str(ROOT / "course" / "static"), str(cert), str(key)
    )
    conf = write_standalone(tmp_path / "nginx", site)
    result = subprocess.run(
        ["nginx", "-e", "stderr", "-t", "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_systemd_units_run_the_shipped_configuration():
    app = unit("course@.service")
    assert "deploy/gunicorn.conf.py" in app["Service"]["ExecStart"]
    assert app["Service"]["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    assert app["Service"]["EnvironmentFile"] == "/etc/course/course.env"
    rebuild = unit("course-summaries.service")
    assert rebuild["Service"]["ExecStart"].endswith("flask summaries rebuild")
    timer = unit("course-summaries.timer")
    assert timer["Timer"]["Unit"] == "course-summaries.service" and timer["Timer"]["OnCalendar"]
    reminders = unit("course-reminders.service")
    assert reminders["Service"]["ExecStart"].endswith("flask reminders send")
    assert reminders["Service"]["EnvironmentFile"] == "/etc/course/course.env"
    daily = unit("course-reminders.timer")
    assert daily["Timer"]["Unit"] == "course-reminders.service" and daily["Timer"]["OnCalendar"]


# Routes whose last segment is a secret: the certificate check (/verify/<code>) is public by design.
PUBLIC_CODES = {"learning.verify"}


def gunicorn_settings() -> dict:
    settings: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    return settings


def nginx_patterns(variable: str) -> list[re.Pattern]:
    """The regular expressions of one of the site's log maps, in Python's dialect."""
    body = re.search(rf"map \$\w+ \${variable} \{{(.*?)\}}", (DEPLOY / "nginx" / "course.conf").read_text(), re.S)[1]
    return [re.compile(p.replace("(?<", "(?P<")) for p in re.findall(r'"~(.*?)" "', body)]


def secret_paths() -> list[str]:
    """A link with a made-up secret for every route of the app whose last segment is a token or a code."""
    app = create_app({"TESTING": True})
    rules = [r for r in app.url_map.iter_rules() if re.search(r"/<(?:\w+:)?(token|code)>$", r.rule)]
    assert len(rules) >= 5
    return [re.sub(r"<(?:\w+:)?\w+>$", "S3CR3T", r.rule) for r in rules if r.endpoint not in PUBLIC_CODES]


def test_every_secret_carrying_link_is_hidden_by_both_access_logs():
    redact = gunicorn_settings()["redact"]
    uri, referer = nginx_patterns("course_logged_uri"), nginx_patterns("course_logged_referer")
    for path in secret_paths():
        assert "S3CR3T" not in redact(path) and "S3CR3T" not in redact(f"https://course.example{path}?a=b")
        assert any(p.match(path) for p in uri[:1]), path
        assert any(p.match(f"https://course.example{path}") for p in referer[:1]), path
    assert redact("/modules/intro") == "/modules/intro"
    assert redact("/account?code=ABC") == "/account?[hidden]"


def test_gunicorns_access_log_hides_secrets(tmp_path):
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_ACCESSLOG": str(log)}
    command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), "benchmarks.hello:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        headers = {"Referer": "https://course.example/invitations/S3CR3T-REFERRER"}
        target = f"http://127.0.0.1:{port}/reset-password/S3CR3T-PATH?next=S3CR3T-QUERY"
        with pytest.raises(urllib.error.HTTPError):  # the hello-world app answers 404
            urllib.request.urlopen(urllib.request.Request(target, headers=headers), timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = log.read_text()
    assert '"GET /reset-password/[hidden] HTTP/1.1" 404' in lines
    assert '"https://course.example/invitations/[hidden]"' in lines
    assert "S3CR3T" not in lines


@dataclass
class Nginx:
    port: int
    access_log: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[HTTPResponse, str]:
        connection = HTTPSConnection("127.0.0.1", self.port, timeout=10, context=ssl._create_unverified_context())  # noqa: S323
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        return response, page

    def logged(self, *texts: str) -> str:
        """The access log once it holds every one of `texts` (or after 10 s): nginx writes a line after its
        response has gone, so on a busy machine a moment after the client has read it."""
        deadline = time.monotonic() + 10
        while not all(t in self.access_log.read_text() for t in texts) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.access_log.read_text()


@pytest.fixture
def nginx_without_app(tmp_path, closed_port) -> Iterator[Nginx]:
    """The shipped site, on a throwaway certificate, in front of a port where no instance answers."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([*OPENSSL, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    port = free_port()
    site = render(
        "localhost", [f"127.0.0.1:{closed_port}"], str(ROOT / "course" / "static"), str(cert), str(key), port, None
    )
    conf = write_standalone(tmp_path / "nginx", site.replace(f"listen {port} ssl;", f"listen 127.0.0.1:{port} ssl;"))
    subprocess.run(["nginx", "-e", "stderr", "-p", str(conf.parent), "-c", str(conf)], check=True, timeout=30)
    try:
        yield Nginx(port, conf.parent / "course.access.log")
    finally:
        subprocess.run(["nginx", "-e", "stderr", "-p", str(conf.parent), "-c", str(conf), "-s", "stop"], timeout=30)


@needs_nginx
def test_nginx_access_log_hides_secrets(nginx_without_app):
    for path in ["/reset-password/S3CR3T-PATH?next=S3CR3T-QUERY", "/instructor/?q=S3CR3T-SEARCH"]:
        response, _ = nginx_without_app.get(path, headers={"Referer": "https://localhost/join/S3CR3T-REFERRER"})
        assert response.status == 502  # no app behind it: the line is logged all the same
    logged = ('"GET /reset-password/[hidden] HTTP/1.1" 502', '"GET /instructor/?[hidden] HTTP/1.1"')
    lines = nginx_without_app.logged(*logged)
    assert all(line in lines for line in logged)
    assert '"https://localhost/join/[hidden]"' in lines
    assert "S3CR3T" not in lines


@needs_nginx
def test_nginx_shows_the_course_page_with_its_request_id_when_no_instance_answers(nginx_without_app):
    """Audit 2026-12 F7: nginx answered "502 Bad Gateway nginx/1.22.1", with no reference in any log."""
    response, page = nginx_without_app.get("/dashboard")
    assert response.status == 502
    request_id = response.getheader("X-Request-ID")
    assert request_id and re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert "<h1>Temporarily unavailable</h1>" in page and f'<code class="request-id">{request_id}</code>' in page
    assert "nginx" not in page.lower() and response.getheader("Server") == "nginx"  # no version anywhere
    assert request_id in nginx_without_app.logged(request_id)
