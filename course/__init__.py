"""The course app: `create_app` wires config, extensions, content, blueprints and commands.

It raises `ContentError` when the content is invalid; `flask content check` reports the same problems.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import web
from .admin.cli import bp as users_cli
from .admin.views import bp as admin_bp
from .config import PROJECT_ROOT, build_config
from .core import backup, catalog, database, health, mail, metrics, observability
from .demo import bp as demo_cli
from .enrolment import join_views
from .enrolment.views import bp as invitations_bp
from .extensions import csrf, db, limiter, login_manager, migrate
from .identity import auth, passwords, profile_views, session_end
from .identity.views import bp as accounts_bp
from .instructor.views import bp as instructor_bp
from .learning.cli import bp as summaries_cli
from .learning.reminders_cli import bp as reminders_cli
from .learning.views import bp as learning_bp
from .lti import init_app as init_lti
from .privacy import views as privacy_views
from .quizzes.views import bp as quizzes_bp
from .recertification.views import bp as refreshers_bp
from .web import assets, converters, cookies
from .web.app import CourseFlask
from .xapi import init_app as init_xapi

# The `accounts` blueprint's pages live with their domains; these modules add their routes to it.
ACCOUNT_PAGES = (profile_views, join_views, privacy_views)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = CourseFlask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)  # holds the secret key and the SQLite database: owner only
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    instance.chmod(0o700)
    app.config.update(build_config(Path(app.instance_path), config))
    passwords.configure(app.config["PASSWORD_HASH_METHOD"])
    observability.init_app(app)  # first: request ids and timing wrap everything else
    converters.init_app(app)
    cookies.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    database.init_app(app)
    auth.init_app(app)
    catalog.init_app(app)
    web.init_app(app)
    session_end.init_app(app)  # after web: its CSRF handler falls back to the site's
    assets.init_app(app)
    metrics.init_app(app)

    blueprints = (
        accounts_bp,
        admin_bp,
        invitations_bp,
        reminders_cli,
        learning_bp,
        quizzes_bp,
        refreshers_bp,
        instructor_bp,
        users_cli,
        summaries_cli,
        demo_cli,
        mail.cli,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Operations: /healthz and /readyz, /metrics (in metrics.init_app), `flask backup`.
    app.register_blueprint(health.bp)
    app.register_blueprint(backup.bp)
    init_xapi(app)  # statements to a learning record store, when XAPI_LRS_URL is set
    init_lti(app)  # this course as an LTI 1.3 tool
    return app
