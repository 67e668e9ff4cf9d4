"""Issue 10, item 3: behind TRUSTED_PROXIES hops the real client address is the one limited, and a
client-supplied X-Forwarded-For cannot evade the limit (ASVS 5.0 15.3.4). Through a real nginx."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..support.helpers import csrf_token, login

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nginx_conf(tmp: Path, port: int, upstream: int) -> Path:
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / name).mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }}
    }}
}}
"""
    )
    return conf


@pytest.fixture
def behind_nginx(app_factory, tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian package `nginx`; .ci/run installs it)")
    app = app_factory(TRUSTED_PROXIES=1, LOGIN_RATE_LIMIT="2 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = _free_port()
    conf = _nginx_conf(tmp_path, port, server.server_port)
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
            time.sleep(0.05)
    yield app, port
    process.terminate()
    process.wait(timeout=10)
    process.stderr.close()
    server.shutdown()
    thread.join(timeout=5)


def _wrong_login(port: int, source: str, cookie: str, token: str, forged: str | None = None) -> int:
    body = urllib.parse.urlencode({"csrf_token": token, "email": "nobody@example.com", "password": "wrong pass 123"})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    if forged:
        headers["X-Forwarded-For"] = forged
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        connection.request("POST", "/login", body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_clients_behind_nginx_are_limited_by_their_own_address(behind_nginx):
    app, port = behind_nginx
    client = app.test_client()
    token = csrf_token(client)
    cookie = f"session={client.get_cookie('session').value}"
    first = [_wrong_login(port, "127.0.0.2", cookie, token) for _ in range(3)]
    assert first == [401, 401, 429]
    # A forged X-Forwarded-For is kept by nginx but is not the hop ProxyFix trusts: still limited.
    assert _wrong_login(port, "127.0.0.2", cookie, token, forged="203.0.113.77") == 429
    # Another address through the same proxy has its own count.
    assert [_wrong_login(port, "127.0.0.3", cookie, token) for _ in range(2)] == [401, 401]


def test_without_trusted_proxies_the_forwarded_header_is_ignored(app_factory):
    app = app_factory(LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert (
        login(
            client,
            "x@example.com",
            "wrong pass 123",
        ).status_code
        == 401
    )
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "email": "x@example.com", "password": "wrong pass 123"},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert response.status_code == 429


def test_trusted_proxies_sets_scheme_and_host_from_the_proxy(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)

    @app.get("/_where")
    def where():
        from flask import request

        return f"{request.scheme} {request.host} {request.remote_addr}"

    response = app.test_client().get(
        "/_where",
        headers={
            "X-Forwarded-For": "1.2.3.4, 198.51.100.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "c.example",
        },
    )
    assert response.get_data(as_text=True) == "https c.example 198.51.100.1"
