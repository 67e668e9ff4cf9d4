"""`python -m benchmarks.overrides`: what each framework override in course/web/overrides.py saves.

In-process, with the Flask test client and a production-like config on a throwaway SQLite database, for
three pages, with every override on and with one of them undone:
- Python function calls per request (cProfile): deterministic, the figure to decide on;
- microseconds per request, in interleaved rounds so the machine's changing speed hits every variant alike
  (noisy on a shared machine: read it with its spread).
The last variant puts back the register_blueprint override that was dropped (issue 20), to show why.
Prints a table and writes benchmarks/overrides.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from flask import Flask

from course import create_app
from course.extensions import db, limiter
from course.identity import services
from course.web import overrides

PAGES = ["/healthz", "/modules/introduction", "/dashboard"]
EMAIL, PASSWORD = "bench@example.org", "correct horse battery staple"
OUT = Path(__file__).with_name("overrides.json")


def _app(folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "x" * 40,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
            "WTF_CSRF_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    with app.app_context():
        db.create_all()
        services.register(EMAIL, "Bench", PASSWORD)
    client = app.test_client()
    signed_in = client.post("/login", data={"email": EMAIL, "password": PASSWORD}, base_url="https://localhost")
    assert signed_in.status_code == 302, signed_in.status_code
    return app, client


def _cost(client, path: str, n: int) -> float:
    """Microseconds per request."""
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(path, base_url="https://localhost")
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) / n * 1e6


def _calls(client, path: str, n: int = 20) -> float:
    """Python function calls per request: the same on every run of the same code."""
    client.get(path, base_url="https://localhost")  # warm: links and pages kept per process
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        client.get(path, base_url="https://localhost")
    profile.disable()
    return pstats.Stats(profile).total_calls / n


def _redo_dropped_register_blueprint(app) -> tuple:
    """The dropped override: Flask's default context processor removed from each blueprint's list."""
    from flask.templating import _default_template_ctx_processor

    kept = {name: list(processors) for name, processors in app.template_context_processors.items()}
    for name in app.blueprints:
        processors = app.template_context_processors.get(name, [])
        processors[:] = [p for p in processors if p is not _default_template_ctx_processor]

    def undo():
        for name, processors in kept.items():
            app.template_context_processors[name][:] = processors

    return (undo,)


def _undo_ensure_sync() -> tuple:
    kept = overrides.LeanFlask.__dict__["ensure_sync"]
    overrides.LeanFlask.ensure_sync = Flask.ensure_sync
    return (lambda: setattr(overrides.LeanFlask, "ensure_sync", kept),)


def _undo_limiter_gate(app) -> tuple:
    hooks = app.before_request_funcs[None]
    hooks[hooks.index(overrides._check_declared_limits)] = limiter._check_request_limit

    def redo():
        hooks[hooks.index(limiter._check_request_limit)] = overrides._check_declared_limits

    return (redo,)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=300, help="requests per page, variant and round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, client = _app(Path(folder))
        variants = {
            "all overrides": lambda: (),
            "without ensure_sync": _undo_ensure_sync,
            "without the limiter gate": lambda: _undo_limiter_gate(app),
            "with the dropped register_blueprint": lambda: _redo_dropped_register_blueprint(app),
        }
        calls = {}
        for page in PAGES:
            for name, undo in variants.items():
                redo = undo()
                calls[(name, page)] = _calls(client, page)
                for step in redo:
                    step()
        costs: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for page in PAGES:
                for name, undo in variants.items():
                    redo = undo()
                    costs.setdefault((name, page), []).append(_cost(client, page, args.requests))
                    for step in redo:
                        step()
    results = {}
    for page in PAGES:
        base, base_calls = statistics.median(costs[("all overrides", page)]), calls[("all overrides", page)]
        spread = max(costs[("all overrides", page)]) - min(costs[("all overrides", page)])
        results[page] = {"calls": base_calls, "us": round(base, 1), "us spread": round(spread, 1)}
        print(f"{page}: {base_calls:.0f} calls, {base:.0f} us (spread {spread:.0f} us) with every override")
        for name in list(variants)[1:]:
            other, other_calls = statistics.median(costs[(name, page)]), calls[(name, page)]
            results[page][name] = {"calls": other_calls, "us": round(other, 1)}
            print(
                f"   {name}: {other_calls:.0f} calls ({other_calls - base_calls:+.0f}),"
                f" {other:.0f} us ({other - base:+.0f})"
            )
    OUT.write_text(json.dumps({"rounds": args.rounds, "requests": args.requests, "pages": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
