"""`python -m benchmarks.pages` (or `make bench-pages`): requests per second of the course's pages, as
ratios to a bare Flask hello-world served by the same gunicorn settings in the same run.

1. Builds a throwaway SQLite database (migrations, `flask demo seed --trainees 2000`), then adds a
   benchmark trainee (module 1 read, an open attempt), an admin who sees all 2,000 trainees in the
   instructor matrix, and a pool of trainees with one open attempt each (a submit needs a fresh attempt).
2. Starts the app and `benchmarks/hello.py` under `deploy/gunicorn.conf.py` with 2 sync workers each
   (access log off, no worker recycling), on 127.0.0.1.
3. Logs the trainee and the admin in over HTTP (GET /login for the CSRF token, POST /login), then drives
   each page with wrk (1 thread, 4 connections) through a generated Lua script that sends the cookie, the
   User-Agent and, for POSTs, the form with its CSRF token: a 1 s warm-up, then 5 rounds of 1 s of the
   page (this code, then the baseline) and 1 s of hello-world. A page's ratio is the median of its
   rounds' ratios, as this machine's speed moves within seconds. The submit run walks through the pool,
   one attempt per request, in one round, and stops when the pool is used up.
4. Writes benchmarks/pages.json and prints a table; `--profile N` then profiles N requests per page
   in-process with cProfile and writes benchmarks/profile.txt.

Nothing listens beyond 127.0.0.1 and every load run is bounded by its duration.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import html
import io
import json
import os
import platform
import pstats
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import closing
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path

from benchmarks.run import flask, login_cookie

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("pages.json")
PROFILE = Path(__file__).resolve().with_name("profile.txt")
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
UA = "pages-bench/1"
PASSWORD = "bench password for pages"  # noqa: S105 - throwaway accounts in a temporary database
TRAINEE, ADMIN = "bench-trainee@bench.example", "bench-admin@bench.example"
MODULE = "introduction"
TARGETS = {
    "home (anonymous)": 0.50,
    "log-in page (anonymous)": 0.50,
    "lesson page": 0.30,
    "dashboard": 0.30,
    "question page": 0.30,
    "answer save (POST)": 0.20,
}

# The floor under every page: /healthz answers a constant through the app's whole request pipeline
# (session, hooks, limits, logging, security headers); with a trainee's cookie it also loads the user, as
# every trainee page does first. No page can do better than these, whatever its own work costs.
FLOOR_ANONYMOUS = "floor: /healthz (anonymous)"
FLOOR_SIGNED_IN = "floor: /healthz (trainee's cookie)"

LUA = r"""
local body = %(body)s
local rotate = %(rotate)s
local n, sent, done_count = 0, 0, 0
wrk.method = "%(method)s"
wrk.headers["User-Agent"] = "%(ua)s"
%(headers)s
request = function()
  if rotate ~= nil then
    n = n + 1
    local e = rotate[((n - 1) %% #rotate) + 1]
    local h = {}
    for k, v in pairs(wrk.headers) do h[k] = v end
    h["Cookie"], h["Content-Type"] = e[2], "application/x-www-form-urlencoded"
    return wrk.format("POST", e[1], h, e[3])
  end
  return wrk.format(nil, nil, nil, body)
end
response = function(status, headers, body)
  done_count = done_count + 1
  if rotate ~= nil and done_count >= #rotate then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "socket_errors": %%d, ' ..
    '"mean_us": %%.1f, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def percentile_ms(seconds: list[float], share: float) -> float | None:
    if not seconds:
        return None
    ordered = sorted(seconds)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000, 1)


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seeded_database(env: dict[str, str], path: Path, trainees: int, seed: int) -> bool:
    """Migrate and seed, or copy the database an earlier run seeded from the same migrations, demo code,
    size and seed (benchmarks/out/, not committed): seeding is most of a run's time on a busy machine."""
    digest = hashlib.sha256(f"{trainees}:{seed}".encode())
    for source in [*sorted((ROOT / "migrations" / "versions").glob("*.py")), ROOT / "course" / "demo.py"]:
        digest.update(source.read_bytes())
    cache = ROOT / "benchmarks" / "out" / f"pages-{digest.hexdigest()[:16]}.db"
    if cache.exists():
        shutil.copyfile(cache, path)
        return True
    flask(["db", "upgrade"], env)
    flask(["demo", "seed", "--trainees", str(trainees), "--seed", str(seed)], env)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob("pages-*.db"):
        old.unlink()
    shutil.copyfile(path, cache)
    return False


def prepare(env: dict[str, str], pool: int) -> dict:
    """Accounts and attempts the runs need, made in-process with the app's own services."""
    os.environ.update(env)
    from sqlalchemy import insert, select

    from course import create_app
    from course.extensions import db
    from course.identity import services as accounts
    from course.identity.models import User, new_session_token
    from course.identity.passwords import hash_password
    from course.learning import services as learning
    from course.learning.models import LessonProgress
    from course.quizzes import services as quizzes

    app = create_app()
    catalog = app.extensions["catalog"]
    module = catalog.module(MODULE)
    with app.app_context():
        trainee = accounts.register(TRAINEE, "Bench Trainee", PASSWORD)
        accounts.register(ADMIN, "Bench Admin", PASSWORD, role="admin")
        for page in module.pages:
            learning.complete_page(trainee.id, module, page.anchor)
        attempt = quizzes.start_attempt(trainee.id, module)
        # The pool: one password hash for all, lesson progress in bulk, then an open attempt each.
        hashed = hash_password(PASSWORD)
        rows = [
            {
                "email": f"pool{n:04d}@bench.example",
                "display_name": f"Pool {n}",
                "password_hash": hashed,
                "role": "trainee",
                "must_change_password": False,
                "session_token": new_session_token(),
            }
            for n in range(pool)
        ]
        ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))
        now = datetime.now(UTC).replace(tzinfo=None)
        db.session.execute(
            insert(LessonProgress),
            [
                {
                    "user_id": uid,
                    "module_slug": MODULE,
                    "page_anchor": p.anchor,
                    "started_at": now,
                    "last_viewed_at": now,
                    "completed_at": now,
                }
                for uid in ids
                for p in module.pages
            ],
        )
        db.session.commit()
        pool_attempts = [(uid, quizzes.start_attempt(uid, module).id) for uid in ids]
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        # Log-in cookies for the pool, minted in-process (no password hashing per user).
        pool_entries = []
        for uid, attempt_id in pool_attempts:
            cookie, token = login_cookie(app, users[uid], UA)
            body = urllib.parse.urlencode({"csrf_token": token})
            pool_entries.append((f"/attempts/{attempt_id}/submit", cookie, body))
        result = {
            "lesson": f"/modules/{MODULE}/pages/{module.pages[0].anchor}",
            "attempt": attempt.id,
            "pool": pool_entries,
        }
        db.session.remove()
        db.engine.dispose()
    return result


class Server:
    def __init__(self, target: str, port: int, env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.port, self.log = port, log
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_ACCESSLOG": ""}
        env["GUNICORN_MAX_REQUESTS"] = "0"
        self.handle = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), target],
            cwd=cwd,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: see {self.log}\n{self.log.read_text()[-2000:]}")
            try:
                if request(self.port, "GET", path)[0] < 500:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server on {self.port} did not answer in {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.handle.close()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]


def request(port: int, method: str, path: str, cookie: str = "", body: str = "") -> tuple[int, dict, str]:
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": UA}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return response.status, {"location": response.getheader("Location"), "set-cookie": cookies}, text


SESSION_COOKIES = ("session=", "__Host-session=")  # development, production


def session_cookie(set_cookies: list[str], old: str) -> str:
    for header in set_cookies:
        pair = header.split(";", 1)[0]
        if pair.startswith(SESSION_COOKIES):
            return pair
    return old


def csrf_from(page: str) -> str:
    return html.unescape(re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)[1])


def log_in(port: int, email: str) -> tuple[str, str]:
    status, headers, page = request(port, "GET", "/login")
    assert status == 200, status
    cookie, token = session_cookie(headers["set-cookie"], ""), csrf_from(page)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/login", cookie, body)
    assert status == 302, f"log-in of {email} answered {status}"
    return session_cookie(headers["set-cookie"], cookie), token


def wrk(port: int, path: str, seconds: float, connections: int, script: Path) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script)]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    data = json.loads(re.search(r"WRKJSON (\{.*\})", out)[1])
    seconds_run = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(data["requests"] / seconds_run, 1),
        "mean_ms": round(data["mean_us"] / 1000, 2),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p90_ms": round(data["p90_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "max_ms": round(data["max_us"] / 1000, 2),
        "errors": data["status_errors"] + data["socket_errors"],
    }


def combined(slices: list[dict], hello_rates: list[float]) -> dict:
    """One page's rounds: requests per second over all of them; the ratio to hello-world as the median of
    the rounds' (each round's page run against the hello-world run right after it), with its range;
    latencies as the median round's."""
    ratios = sorted(s["rps"] / h for s, h in zip(slices, hello_rates, strict=True))
    seconds = sum(s["seconds"] for s in slices)
    middle = sorted(slices, key=lambda s: s["p50_ms"])[len(slices) // 2]
    return {
        "requests": sum(s["requests"] for s in slices),
        "seconds": round(seconds, 2),
        "rps": round(sum(s["requests"] for s in slices) / seconds, 1),
        "hello_rps": round(sum(hello_rates) / len(hello_rates), 1),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_low": round(ratios[0], 3),
        "ratio_high": round(ratios[-1], 3),
        "rounds": len(slices),
        "p50_ms": middle["p50_ms"],
        "p99_ms": middle["p99_ms"],
        "errors": sum(s["errors"] for s in slices),
    }


def script_for(tmp: Path, name: str, method: str, cookie: str, body: str, rotate: list | None) -> Path:
    headers = []
    if cookie:
        headers.append(f'wrk.headers["Cookie"] = {lua_string(cookie)}')
    if body:
        headers.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
    table = "nil"
    if rotate:
        table = "{" + ",\n".join("{" + ", ".join(lua_string(v) for v in entry) + "}" for entry in rotate) + "}"
    path = tmp / f"{re.sub(r'[^a-z0-9]+', '-', name)}.lua"
    path.write_text(
        LUA
        % {
            "body": lua_string(body) if body else "nil",
            "rotate": table,
            "method": method,
            "ua": UA,
            "headers": "\n".join(headers),
        }
    )
    return path


PARTS = {  # (file ending, function) -> what it is; cumulative time, so SQL inside a part counts for that part
    "load user (Flask-Login, 1 SELECT)": [("flask_login/login_manager.py", "_load_user")],
    "all SQL (SQLAlchemy ORM + driver)": [("sqlalchemy/orm/session.py", "_execute_internal")],
    "templates": [("flask/templating.py", "render_template")],
    "session cookie (open + save)": [("course/web/cookies.py", "open_session"), ("flask/sessions.py", "save_session")],
    "rate limiter hook": [("course/web/__init__.py", "_check_declared_limits")],
    "CSRF (check + token)": [("flask_wtf/csrf.py", "protect"), ("flask_wtf/csrf.py", "generate_csrf")],
    "access log + metrics": [("course/core/observability.py", "_finish")],
    "commit": [("sqlalchemy/orm/session.py", "commit")],
}


def breakdown(stats: pstats.Stats) -> str:
    total = max((v[3] for (f, _, fn), v in stats.stats.items() if fn == "wsgi_app"), default=0) or 1e-9
    parts = []
    for label, functions in PARTS.items():
        spent = sum(
            v[3] for (f, _, fn), v in stats.stats.items() if any(f.endswith(e) and fn == n for e, n in functions)
        )
        parts.append(f"{label} {spent / total:.0%}")
    return "Share of the request (cumulative, overlapping): " + "; ".join(parts) + "\n"


def profile(env: dict[str, str], cases: list[dict], per_page: int) -> str:
    """cProfile of `per_page` requests per page, in this process, through Flask's test client."""
    os.environ.update(env)
    from course import create_app

    app = create_app()
    out = io.StringIO()
    for case in cases:
        if case["name"] == "submit (POST)" or case["port"] != "app":
            continue
        client = app.test_client()
        if case["cookie"]:
            name, _, value = case["cookie"].partition("=")
            client.set_cookie(name, value, domain="localhost")
        # Over https, with a Referer, as a browser sends them: the production cookie is Secure, and the CSRF
        # check of a POST over https requires a same-origin Referer.
        kwargs = {
            "headers": {"User-Agent": UA, "Referer": "https://localhost/"},
            "base_url": "https://localhost",
            "environ_base": {"REMOTE_ADDR": "127.0.0.1"},
        }
        if case["body"]:
            kwargs["data"] = case["body"]
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        for _ in range(5):
            response = client.open(case["path"], method=case["method"], **kwargs)
            assert response.status_code == case["status"], f"in-process {case['name']}: {response.status_code}"
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.enable()
        for _ in range(per_page):
            client.open(case["path"], method=case["method"], **kwargs)
        profiler.disable()
        elapsed = (time.perf_counter() - began) / per_page * 1000
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime").print_stats(15)
        text = stream.getvalue()
        body = text[text.index("   ncalls") :] if "   ncalls" in text else text
        out.write(f"## {case['name']}: {per_page} requests, {elapsed:.2f} ms each in-process (with cProfile)\n")
        out.write(breakdown(stats) + "\n")
        out.write("Top 15 functions by own time:\n" + body.rstrip() + "\n\n")
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of wrk per page, split into rounds")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of page then hello-world per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pool", type=int, default=600, help="open attempts made for the submit run")
    parser.add_argument("--label", default="latest", help="name of this run in pages.json")
    parser.add_argument("--profile", type=int, default=0, help="profile N requests per page with cProfile")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="also serve this checkout (e.g. `git archive` of an older commit) and measure it beside this one",
    )
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the app from this checkout (e.g. `git archive` of an older commit), for before/after runs",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="pages-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "SECRET_KEY": secrets.token_hex(32),
        "COURSE_ENV": "production",
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "BASE_URL": "https://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    servers: list[Server] = []
    try:
        began = time.perf_counter()
        cached = seeded_database(env, tmp / "bench.db", args.trainees, args.seed)
        prep = prepare(env, args.pool)
        how = "copied from the cache" if cached else "seeded"
        print(f"{how}: {args.trainees} trainees, {args.pool} open attempts, {time.perf_counter() - began:.0f} s")

        app, hello, base_port = free_port(), free_port(), free_port() if args.baseline else None
        servers = [
            Server("course:create_app()", app, env, tmp / "app.log", cwd=args.app_root),
            Server("benchmarks.hello:app", hello, env, tmp / "hello.log"),
        ]
        if base_port:
            servers.append(Server("course:create_app()", base_port, env, tmp / "baseline.log", cwd=args.baseline))
        servers[0].wait("/login")
        servers[1].wait("/")
        if base_port:
            servers[2].wait("/login")
        trainee, _ = log_in(app, TRAINEE)
        admin, _ = log_in(app, ADMIN)
        # As a browser would: keep the cookie the first page sends back (its session now holds a CSRF token).
        admin = session_cookie(request(app, "GET", "/instructor/", admin)[1]["set-cookie"], admin)
        question = f"/attempts/{prep['attempt']}/questions/1"
        status, headers, page = request(app, "GET", question, trainee)
        assert status == 200, f"question page answered {status}"
        trainee = session_cookie(headers["set-cookie"], trainee)
        token = csrf_from(page)
        choice = re.search(r'name="(choice)" value="([^"]+)"', page)
        save = {"csrf_token": token, "go": "next"} | ({choice[1]: choice[2]} if choice else {})

        cases = [
            (FLOOR_ANONYMOUS, "app", "GET", "/healthz", "", "", 200),
            (FLOOR_SIGNED_IN, "app", "GET", "/healthz", trainee, "", 200),
            ("home (anonymous)", "app", "GET", "/", "", "", 200),
            ("log-in page (anonymous)", "app", "GET", "/login", "", "", 200),
            ("home (trainee)", "app", "GET", "/", trainee, "", 200),
            ("lesson page", "app", "GET", prep["lesson"], trainee, "", 200),
            ("dashboard", "app", "GET", "/dashboard", trainee, "", 200),
            ("question page", "app", "GET", question, trainee, "", 200),
            ("answer save (POST)", "app", "POST", question, trainee, urllib.parse.urlencode(save), 303),
            ("submit (POST)", "app", "POST", "", "", "", 303),
            (f"instructor matrix ({args.trainees:,} trainees)", "app", "GET", "/instructor/", admin, "", 200),
        ]
        fields = ("name", "port", "method", "path", "cookie", "body", "status")
        cases = [dict(zip(fields, c, strict=True)) for c in cases]
        results, baseline = {}, {}
        hello_script = script_for(tmp, "hello", "GET", "", "", None)
        wrk(hello, "/", 1, args.connections, hello_script)  # warm-up
        hellos = []
        # With --baseline, the older code answers each page right after this code, so both see the same
        # machine; the submit pool is split between them.
        targets = [("app", app, results)] + ([("baseline", base_port, baseline)] if base_port else [])
        pools = {"app": prep["pool"][0::2], "baseline": prep["pool"][1::2]} if base_port else {"app": prep["pool"]}
        for case in cases:
            runs = {}  # which -> (port, path, script)
            for which, port, _ in targets:
                if which == "baseline" and case["name"] in (FLOOR_ANONYMOUS, FLOOR_SIGNED_IN):
                    continue  # the baseline has no /healthz
                rotate = pools[which] if case["name"] == "submit (POST)" else None
                if rotate:  # the first entry checks the status; the matrix run before it was the warm-up
                    probe = request(port, "POST", rotate[0][0], rotate[0][1], rotate[0][2])
                    rotate = rotate[1:]
                    path = rotate[0][0]
                else:
                    path = case["path"]
                    probe = request(port, case["method"], path, case["cookie"], case["body"])
                assert probe[0] == case["status"], f"{which} {case['name']}: {probe[0]} (expected {case['status']})"
                script = script_for(
                    tmp, f"{which}-{case['name']}", case["method"], case["cookie"], case["body"], rotate
                )
                if not rotate:
                    wrk(port, path, 1, args.connections, script)  # warm-up
                runs[which] = (port, path, script, any(c.startswith(SESSION_COOKIES) for c in probe[1]["set-cookie"]))
            # The machine's speed drifts within seconds: each round runs the page (this code, then the
            # baseline) and hello-world right after it, and the page's ratio is the median of the rounds'.
            # The submit pool allows one run.
            rounds = 1 if case["name"] == "submit (POST)" else args.rounds
            slices = {which: [] for which in runs}
            for _ in range(rounds):
                for which, (port, path, script, _) in runs.items():
                    slices[which].append(wrk(port, path, args.duration / rounds, args.connections, script))
                hellos.append(wrk(hello, "/", args.duration / rounds, args.connections, hello_script))
            for which, pages in ((w, into) for w, _, into in targets if w in runs):
                result = combined(slices[which], [h["rps"] for h in hellos[-rounds:]])
                result["sets_cookie"] = runs[which][3]
                pages[case["name"]] = result
                print(
                    f"{which:<8} {case['name']:<40} {result['rps']:>8.1f} req/s  ratio {result['ratio']:.3f}"
                    f" ({result['ratio_low']:.3f} to {result['ratio_high']:.3f})"
                )

        rates = [h["rps"] for h in hellos]
        floor = sum(rates) / len(rates)
        for pages in (results, baseline):
            for name, result in pages.items():
                if name in TARGETS:
                    result["target"] = TARGETS[name]
                    result["met"] = result["ratio"] >= TARGETS[name]
        record = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
            "python": platform.python_version(),
            "gunicorn": "deploy/gunicorn.conf.py, 2 sync workers, access log off",
            "wrk": (
                f"1 thread, {args.connections} connections, 1 s warm-up, then {args.rounds} rounds of"
                f" {args.duration / args.rounds:g} s of the page and {args.duration / args.rounds:g} s of hello-world"
            ),
            "trainees": args.trainees,
            "hello_world_rps": round(floor, 1),
            "hello_world_runs": rates,
            "app_root": str(args.app_root),
            "pages": results,
        }
        if baseline:
            record["baseline"] = {"app_root": str(args.baseline), "pages": baseline}
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        previous[args.label] = record
        RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
        print_table(record)
        if args.profile:
            for server in servers:
                server.stop()
            servers = []
            PROFILE.write_text(
                f"# cProfile of the pages, {record['date']}, run '{args.label}'\n\n" + profile(env, cases, args.profile)
            )
            print(f"profile written to {PROFILE}")
        missed = [n for n, r in results.items() if r.get("met") is False]
        if missed:
            print("targets missed: " + ", ".join(missed))
        return 0
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def print_table(record: dict) -> None:
    if "baseline" in record:
        print_pages(record, "baseline (" + record["baseline"]["app_root"] + ")", record["baseline"]["pages"])
    print_pages(record, "this code", record["pages"])


def print_pages(record: dict, title: str, pages: dict) -> None:
    runs = record["hello_world_runs"]
    print(f"\n{title}, {record['date']}; hello-world {record['hello_world_rps']} req/s ({min(runs)} to {max(runs)})")
    print(f"{'page':<40} {'req/s':>8} {'hello':>7} {'ratio':>6} {'range':>13} {'p50 ms':>8} {'p99 ms':>8}", end="")
    print(" errors  cookie  target")
    for name, r in pages.items():
        target = f"{r['target']:.2f} {'met' if r['met'] else 'MISSED'}" if "target" in r else ""
        print(
            f"{name:<40} {r['rps']:>8.1f} {r['hello_rps']:>7.0f} {r['ratio']:>6.3f} "
            f"{r['ratio_low']:>6.3f}-{r['ratio_high']:<6.3f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['errors']:>6}  {'yes' if r['sets_cookie'] else 'no':<6}  {target}"
        )


if __name__ == "__main__":
    sys.exit(main())
