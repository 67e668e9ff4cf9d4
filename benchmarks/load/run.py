"""`python -m benchmarks.load.run` (or `make loadtest`): Locust against two gunicorn instances behind the
shipped nginx site, on PostgreSQL, with the log-in limits in Redis; one instance killed mid-run; then a
spike of trainees starting the same quiz at once, and the data checked in SQL.

Needs PostgreSQL (LOAD_DATABASE_URL, default the test_perf database on 127.0.0.1), Redis (LOAD_REDIS_URL,
default database 5 on 127.0.0.1, flushed), nginx and openssl on the PATH. Everything listens on 127.0.0.1;
the Locust run is bounded by --users and --seconds. Writes benchmarks/load/results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import UTC, datetime
from http.client import HTTPSConnection
from pathlib import Path

from benchmarks.pages import flask, free_port, percentile_ms
from benchmarks.run import login_cookie
from deploy.render_nginx import render, write_standalone

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().with_name("results.json")
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
PASSWORD = "load test password 2026"  # noqa: S105 - throwaway accounts in a throwaway database
OPENSSL = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
SPIKE_UA = "load-spike/1"
SPIKE_MODULE = "introduction"


def reset_stores(database_url: str, redis_url: str) -> None:
    import redis
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    redis.Redis.from_url(redis_url).flushdb()


def make_accounts(env: dict[str, str], trainees: int, spike: int) -> dict:
    """Accounts for the run, made in this process, all with the first module read: trainees who log in, and
    spike trainees, each with a log-in cookie minted in-process."""
    os.environ.update(env)
    from sqlalchemy import insert, select

    from course import create_app
    from course.extensions import db
    from course.identity.models import User, new_session_token
    from course.identity.passwords import hash_password
    from course.learning import summary
    from course.learning.models import LessonProgress

    app = create_app()
    catalog = app.extensions["catalog"]
    module = catalog.module(SPIKE_MODULE)
    hashed = hash_password(PASSWORD)
    with app.app_context():

        def users(prefix: str, count: int) -> list[int]:
            rows = [
                {
                    "email": f"{prefix}{n:04d}@load.example",
                    "display_name": f"{prefix.title()} {n}",
                    "password_hash": hashed,
                    "role": "trainee",
                    "must_change_password": False,
                    "session_token": new_session_token(),
                }
                for n in range(count)
            ]
            return list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), rows))

        learner_ids = users("learner", trainees)
        spike_ids = users("spike", spike)
        now = datetime.now(UTC).replace(tzinfo=None)
        progress = [
            {"user_id": uid, "module_slug": module.slug, "page_anchor": p.anchor}
            | {"started_at": now, "last_viewed_at": now, "completed_at": now}
            for uid in learner_ids + spike_ids
            for p in module.pages
        ]
        db.session.execute(insert(LessonProgress), progress)
        for uid in learner_ids + spike_ids:  # as completing the pages would have left it
            summary.record_pages(uid, module, now)
        db.session.commit()
        spikers = []
        for user in db.session.scalars(select(User).where(User.id.in_(spike_ids))).all():
            cookie, token = login_cookie(app, user, SPIKE_UA)
            spikers.append({"id": user.id, "cookie": cookie, "csrf": token})
        modules = [[m.slug, [p.anchor for p in m.pages]] for m in catalog.modules[:4]]
        db.session.remove()
        db.engine.dispose()
    return {
        "trainees": [f"learner{n:04d}@load.example" for n in range(trainees)],
        "spikers": spikers,
        "modules": modules,
    }


class Instance:
    """One gunicorn instance on its own port, with the shipped configuration's workers unless told."""

    def __init__(self, port: int, env: dict[str, str], log: Path, workers: int):
        self.port, self.env, self.log, self.workers = port, env, log, workers
        self.start()

    def start(self) -> None:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if self.workers:
            env["GUNICORN_WORKERS"] = str(self.workers)
        self.handle = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "course:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 60) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited; see {self.log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn on {self.port} did not start in {timeout} s")

    def pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [self.process.pid, *(int(p) for p in out.split())]

    def kill(self) -> list[int]:
        """A crash: SIGKILL to the master and its workers, by PID."""
        pids = self.pids()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.handle.close()
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if not self.handle.closed:
            self.handle.close()


def start_nginx(tmp: Path, ports: list[int], https_port: int) -> Path:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [*OPENSSL, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = render(
        "127.0.0.1 localhost",
        [f"127.0.0.1:{p}" for p in ports],
        str(ROOT / "course" / "static"),
        str(cert),
        str(key),
        https_port=https_port,
        http_port=None,
    )
    site = site.replace(f"listen {https_port} ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    conf = write_standalone(tmp / "nginx", site)
    subprocess.run(["nginx", "-e", "stderr", "-p", str(conf.parent), "-c", str(conf)], check=True, timeout=30)
    return conf


def stop_nginx(conf: Path) -> None:
    pid_file = conf.parent / "nginx.pid"
    if pid_file.exists():
        os.kill(int(pid_file.read_text().strip()), signal.SIGQUIT)


def locust_stats(prefix: Path) -> dict:
    import csv

    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 2),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    return rows


def spike(https_port: int, spikers: list[dict]) -> dict:
    """Every spike trainee presses Start on the same quiz at the same moment; one in ten double-clicks."""
    context = ssl._create_unverified_context()  # noqa: S323 - the local nginx's throwaway certificate
    presses = [s for n, s in enumerate(spikers) for _ in range(2 if n % 10 == 0 else 1)]
    barrier = threading.Barrier(len(presses))
    results: list[tuple[int, float]] = []
    problems: list[str] = []
    lock = threading.Lock()

    def press(spiker: dict) -> None:
        body = urllib.parse.urlencode({"csrf_token": spiker["csrf"]})
        headers = {
            "Cookie": spiker["cookie"],
            "User-Agent": SPIKE_UA,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{https_port}/",
            "Host": f"127.0.0.1:{https_port}",
        }
        connection = HTTPSConnection("127.0.0.1", https_port, timeout=60, context=context)
        connection.connect()  # the TLS handshake before the barrier: the spike is the requests
        barrier.wait(timeout=120)
        began = time.perf_counter()
        try:
            connection.request("POST", f"/modules/{SPIKE_MODULE}/quiz/start", body=body, headers=headers)
            response = connection.getresponse()
            status, body = response.status, response.read()
            if status >= 400 and not problems:
                problems.append(body.decode("utf-8", "replace")[:3000])
        except OSError as error:
            status = 0
            problems.append(repr(error))
        elapsed = time.perf_counter() - began
        connection.close()
        with lock:
            results.append((status, elapsed))

    threads = [threading.Thread(target=press, args=(s,)) for s in presses]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    wall = time.perf_counter() - began
    times = [t for _, t in results]
    statuses = Counter(s for s, _ in results)
    return {
        "trainees": len(spikers),
        "requests": len(results),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500 or k == 0),
        "p50_ms": percentile_ms(times, 0.50),
        "p99_ms": percentile_ms(times, 0.99),
        "max_ms": round(max(times) * 1000, 1) if times else None,
        "wall_s": round(wall, 2),
        "first_problem": re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", problems[0]))[:300] if problems else None,
    }


def check_saves(connection, saved: dict[str, list]) -> dict[str, int]:
    """Every save the app confirmed (the answer pages' 303 and the autosave's 204) against the stored
    answer, parsed from the same form by the app's own `grading.parse_answer`: missing, or different
    (a save sent after the confirmed one whose outcome is unknown may have landed instead)."""
    from sqlalchemy import text

    from course.quizzes import grading

    missing = differing = confirmed = 0
    for key, forms in saved.items():
        if not forms:
            continue
        attempt_id, position = (int(x) for x in key.split(":"))
        snapshot, response = connection.execute(
            text("SELECT snapshot, response FROM attempt_item WHERE attempt_id = :a AND position = :p"),
            {"a": attempt_id, "p": position},
        ).one()
        confirmed += 1
        if response is None:
            missing += 1
            continue
        expected = [
            grading.parse_answer(snapshot, {k: v if isinstance(v, list) else [v] for k, v in f.items()}) for f in forms
        ]
        differing += response not in expected
    return {"confirmed_saves": confirmed, "confirmed_saves_missing": missing, "confirmed_saves_differing": differing}


def check_data(env: dict[str, str], record: dict, spike_ids: list[int]) -> dict:
    """The database after the run: the invariants the load must not break."""
    from sqlalchemy import create_engine, text

    engine = create_engine(env["DATABASE_URL"])
    checks = {}
    with engine.connect() as c:

        def one(sql: str, **params) -> int:
            return c.execute(text(sql), params).scalar_one()

        checks["duplicate_open_attempts"] = one(
            "SELECT count(*) FROM (SELECT user_id, module_slug FROM quiz_attempt WHERE status = 'open' "
            "GROUP BY user_id, module_slug HAVING count(*) > 1) d"
        )
        checks["submitted_attempts"] = one("SELECT count(*) FROM quiz_attempt WHERE status = 'submitted'")
        checks["submitted_not_graded"] = one(
            "SELECT count(*) FROM quiz_attempt WHERE status = 'submitted' "
            "AND (percent IS NULL OR passed IS NULL OR submitted_at IS NULL)"
        )
        checks["submitted_items_without_score"] = one(
            "SELECT count(*) FROM attempt_item i JOIN quiz_attempt a ON a.id = i.attempt_id "
            "WHERE a.status = 'submitted' AND i.score IS NULL"
        )
        confirmed = [int(a) for a in record["submitted"]]
        checks["confirmed_submits"] = len(confirmed)
        checks["confirmed_submits_not_submitted"] = (
            one(
                "SELECT count(*) FROM quiz_attempt WHERE id = ANY(:ids) AND status <> 'submitted'",
                ids=confirmed,
            )
            if confirmed
            else 0
        )
        checks.update(check_saves(c, record["saved"]))
        checks["quiz_starts_refused_by_the_retake_wait"] = record.get("refused_starts", 0)
        spike_counts = (
            'SELECT count(*) FROM (SELECT u.id FROM "user" u LEFT JOIN quiz_attempt a ON a.user_id = u.id '
            "AND a.module_slug = :m WHERE u.id = ANY(:ids) GROUP BY u.id HAVING count(a.id) {}) d"
        )
        checks["spike_trainees_with_duplicate_attempts"] = one(
            spike_counts.format("> 1"), m=SPIKE_MODULE, ids=spike_ids
        )
        checks["spike_trainees_without_attempt"] = one(spike_counts.format("= 0"), m=SPIKE_MODULE, ids=spike_ids)
        columns = "user_id, module_slug, pages_done, lessons_done, attempts, failed_attempts, score, passed"
        before = set(c.execute(text(f"SELECT {columns} FROM module_summary")).all())  # noqa: S608
    flask(["summaries", "rebuild"], env)
    with engine.connect() as c:
        after = set(c.execute(text(f"SELECT {columns} FROM module_summary")).all())  # noqa: S608
    engine.dispose()
    checks["summary_rows"] = len(after)
    checks["summaries_differing_from_rebuild"] = len(before ^ after)
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--seconds", type=int, default=90)
    parser.add_argument("--kill-at", type=float, default=45, help="seconds into the run; 0: no kill")
    parser.add_argument("--demo-trainees", type=int, default=200)
    parser.add_argument("--spike", type=int, default=200)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="sync workers per instance (both instances share this host's CPUs); 0: deploy/gunicorn.conf.py's",
    )
    args = parser.parse_args()
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 2
    database_url = os.environ.get("LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_perf")
    redis_url = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/5")
    tmp = Path(tempfile.mkdtemp(prefix="loadtest-"))
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "COURSE_ENV": "production",
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
        "BASE_URL": "https://localhost",
        "SECRET_KEY": secrets.token_hex(32),
        "TRUSTED_PROXIES": "1",
        "GUNICORN_ACCESSLOG": str(tmp / "access.log"),
    }
    instances: list[Instance] = []
    conf = None
    began = time.perf_counter()
    try:
        reset_stores(database_url, redis_url)
        flask(["db", "upgrade"], env)
        seeded = flask(["demo", "seed", "--trainees", str(args.demo_trainees), "--seed", "20261130"], env).stdout
        instructors = re.findall(r"^\s+(instructor\d+@demo\.example)$", seeded, re.M)
        accounts = make_accounts(env, trainees=args.users * 2, spike=args.spike)
        print(f"prepared in {time.perf_counter() - began:.0f} s", flush=True)

        ports = [free_port(), free_port()]
        instances = [Instance(p, env, tmp / f"gunicorn-{p}.log", args.workers) for p in ports]
        for instance in instances:
            instance.wait()
        https_port = free_port()
        conf = start_nginx(tmp, ports, https_port)
        record_file = tmp / "record.json"
        locust_env = {
            **env,
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_TRAINEES": json.dumps(accounts["trainees"]),
            "LOAD_INSTRUCTORS": json.dumps(instructors),
            "LOAD_MODULES": json.dumps(accounts["modules"]),
            "LOAD_RECORD": str(record_file),
        }
        set_password(env, instructors, PASSWORD)  # the demo instructors log in with the run's password too
        command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless"]
        command += ["-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s", "--only-summary"]
        command += ["--host", f"https://127.0.0.1:{https_port}", "--csv", str(tmp / "locust"), "--stop-timeout", "5"]
        started = time.time()
        with (tmp / "locust.log").open("w") as log:
            locust = subprocess.Popen(command, cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT)
            kill = {}
            if args.kill_at:
                time.sleep(args.kill_at)
                killed_at = time.time()
                kill = {"at_s": round(killed_at - started, 1), "port": ports[1], "pids": instances[1].kill()}
                print(f"killed the instance on {ports[1]} (pids {kill['pids']}) at {kill['at_s']} s", flush=True)
            locust.wait(timeout=args.seconds + 120)
        record = json.loads(record_file.read_text())
        stats = locust_stats(tmp / "locust")
        if kill:
            after = [f for f in record["failures"] if f["t"] >= killed_at]
            kill["user_errors_after_kill"] = len(after)
            kill["user_errors_within_10s"] = sum(1 for f in after if f["t"] < killed_at + 10)
            kill["errors_by_request"] = dict(Counter(f"{f['name']} ({f['status']})" for f in after))
            instances[1].start()  # back before the spike, as systemd's Restart=on-failure would do
            instances[1].wait()

        spike_result = spike(https_port, accounts["spikers"])
        checks = check_data(env, record, [s["id"] for s in accounts["spikers"]])
        results = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "setup": (
                f"2 gunicorn instances x {len(instances[0].pids()) - 1} sync workers behind nginx (TLS), PostgreSQL, "
                f"Redis limits; "
                f"{os.cpu_count()} CPUs shared with the load generator"
            ),
            "users": args.users,
            "seconds": args.seconds,
            "demo_trainees": args.demo_trainees,
            "requests": stats,
            "failures_total": len(record["failures"]),
            "failures_by_request": dict(Counter(f"{f['name']} ({f['status']})" for f in record["failures"])),
            "kill": kill,
            "spike": spike_result,
            "checks": checks,
            "total_seconds": round(time.perf_counter() - began),
        }
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        report(results)
        bad = [
            k
            for k, v in checks.items()
            if k.endswith(("_missing", "_differing", "_not_graded", "_not_submitted")) and v
        ]
        bad += [k for k in ("duplicate_open_attempts", "summaries_differing_from_rebuild") if checks[k]]
        bad += ["spike 5xx"] if spike_result["server_errors"] else []
        bad += ["spike duplicates"] if checks["spike_trainees_with_duplicate_attempts"] else []
        if bad:
            print("FAILED: " + ", ".join(bad))
            return 1
        return 0
    finally:
        if conf is not None:
            stop_nginx(conf)
        for instance in instances:
            instance.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def set_password(env: dict[str, str], emails: list[str], password: str) -> None:
    from sqlalchemy import create_engine, text

    from course.identity.passwords import hash_password

    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as c:
        c.execute(
            text('UPDATE "user" SET password_hash = :h WHERE email = ANY(:e)'),
            {"h": hash_password(password), "e": emails},
        )
    engine.dispose()


def report(results: dict) -> None:
    print(f"\n{results['date']}: {results['users']} users for {results['seconds']} s")
    print(f"{'request':<32} {'count':>7} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, r in results["requests"].items():
        print(
            f"{name:<32} {r['requests']:>7} {r['failures']:>5} {r['rps']:>7.2f} {r['p50_ms']:>6.0f} "
            f"{r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f}"
        )
    print("kill:", json.dumps(results["kill"]))
    print("spike:", json.dumps(results["spike"]))
    print("checks:", json.dumps(results["checks"]))


if __name__ == "__main__":
    sys.exit(main())
