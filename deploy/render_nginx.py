"""Fill in deploy/nginx/course.conf: `python deploy/render_nginx.py --server-name course.example.org
--upstream 127.0.0.1:8001 --upstream 127.0.0.1:8002 > /etc/nginx/sites-enabled/course.conf`.

`--standalone DIR` writes a whole nginx configuration into DIR instead (events, http, logs and pid in
DIR), for `nginx -t -p DIR -c DIR/nginx.conf` in the tests and for the load test's local nginx.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "nginx" / "course.conf"
ACCESS_LOG = "/var/log/nginx/course.access.log"
MAINTENANCE_PAGE = HERE / "nginx" / "maintenance.html"
STANDALONE = """worker_processes 1;
{user}pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include {mime};
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    sendfile on;
    include {dir}/course.conf;
}}
"""


def render(
    server_name: str,
    upstreams: list[str],
    static_root: str,
    cert: str,
    key: str,
    https_port: int = 443,
    http_port: int | None = 80,
    access_log: str = ACCESS_LOG,
    maintenance_page: str = str(MAINTENANCE_PAGE),
) -> str:
    values = {
        "@ACCESS_LOG@": access_log,
        "@SERVER_NAME@": server_name,
        "@UPSTREAMS@": "\n".join(f"    server {u} max_fails=0;" for u in upstreams),
        "@MAINTENANCE_PAGE@": maintenance_page,
        "@STATIC_ROOT@": static_root.rstrip("/"),
        "@TLS_CERT@": cert,
        "@TLS_KEY@": key,
        "@LISTEN@": f"{https_port} ssl",
        "@HTTP_PORT@": str(http_port),
    }
    lines = []
    for line in SITE.read_text().splitlines():
        if "# tls-only" in line:
            if http_port is None:
                continue
            line = line.replace("  # tls-only", "")
        for name, value in values.items():
            line = line.replace(name, value)
        lines.append(line)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-name", default="course.example.org")
    parser.add_argument("--upstream", action="append", help="host:port of a gunicorn instance (repeat)")
    parser.add_argument("--static-root", default=str(HERE.parent / "course" / "static"))
    parser.add_argument("--cert", default="/etc/letsencrypt/live/course.example.org/fullchain.pem")
    parser.add_argument("--key", default="/etc/letsencrypt/live/course.example.org/privkey.pem")
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--http-port", type=int, default=80, help="0: no plain-HTTP redirect server")
    parser.add_argument("--standalone", metavar="DIR", help="write a whole configuration into DIR")
    parser.add_argument("--mime-types", default="/etc/nginx/mime.types")
    parser.add_argument("--access-log", default=ACCESS_LOG, help="the site's access log (secrets hidden)")
    parser.add_argument("--maintenance-page", default=str(MAINTENANCE_PAGE), help="shown when no instance answers")
    args = parser.parse_args()
    site = render(
        args.server_name,
        args.upstream or ["127.0.0.1:8001", "127.0.0.1:8002"],
        args.static_root,
        args.cert,
        args.key,
        args.https_port,
        args.http_port or None,
        args.access_log,
        args.maintenance_page,
    )
    if not args.standalone:
        sys.stdout.write(site)
        return 0
    write_standalone(Path(args.standalone), site, args.mime_types)
    print(Path(args.standalone) / "nginx.conf")
    return 0


def write_standalone(directory: Path, site: str, mime_types: str = "/etc/nginx/mime.types") -> Path:
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    # The site's own access log goes into DIR too.
    site = site.replace(f"access_log {ACCESS_LOG} ", f"access_log {directory.resolve()}/course.access.log ")
    (directory / "course.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # a local run as root reads the work tree's static files
    conf = directory / "nginx.conf"
    conf.write_text(STANDALONE.format(dir=directory.resolve(), mime=mime_types, user=user))
    return conf


if __name__ == "__main__":
    sys.exit(main())
