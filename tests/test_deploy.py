"""The shipped deployment files parse: gunicorn's --check-config, `nginx -t` on the rendered site (skipped
without nginx or openssl), and the systemd units name what they must."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.render_nginx import render, write_standalone

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
APP = "course:create_app()"
OPENSSL = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
UPSTREAMS = ["127.0.0.1:8001", "127.0.0.1:8002"]


def test_gunicorn_configuration_checks(tmp_path):
    env = {
        **os.environ,
        "COURSE_ENV": "production",
        "SECRET_KEY": "x" * 32,
        "TRUSTED_HOSTS": "course.example",
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
    assert "proxy_next_upstream error timeout" in site
    assert "return 301 https://" in site


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for a throwaway certificate")
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
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
