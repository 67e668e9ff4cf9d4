"""gunicorn settings for the course: `gunicorn -c deploy/gunicorn.conf.py 'course:create_app()'`.

Every value can be changed through the environment, so the systemd unit, the benchmarks and the load
test run this one file. Check it with `gunicorn -c deploy/gunicorn.conf.py --check-config 'course:create_app()'`.

Graceful restarts: `systemctl reload course` (SIGHUP) starts new workers on the new code and lets the old
ones finish their requests (up to `graceful_timeout`); SIGTERM does the same and then stops.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


# Behind nginx on the same host. The sync worker serves one request at a time and relies on nginx to
# buffer slow clients, so it needs no keep-alive; (2 x cores) + 1 workers keeps the CPUs busy while
# some workers wait on the database.
bind = _env("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(_env("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
backlog = 256

# A request that runs longer than this is killed (the worker is replaced); nginx gives up a little later.
timeout = int(_env("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(_env("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 2

# Recycle a worker after this many requests (with jitter, so they do not all restart at once): bounds
# any slow growth of memory. 0 switches it off (the benchmarks do).
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max(max_requests // 10, 0)

# The heartbeat file lives in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented advice

# Only the local nginx may set X-Forwarded-Proto for gunicorn; the app's TRUSTED_PROXIES (ProxyFix)
# applies the same rule to the client address and host.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log: address, time, request, status, bytes, referrer, agent, and the time taken in ms.
# GUNICORN_ACCESSLOG="" switches it off (the throughput benchmark does).
accesslog = _env("GUNICORN_ACCESSLOG", "-") or None
access_log_format = '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Links that carry a secret in their last segment (e-mail confirmation, password reset, unsubscribe,
# invitation, cohort join code, LTI hand-off and deep-linking launch): whoever reads a log line must not be
# able to use them. The same prefixes are redacted in the nginx site's log (deploy/nginx/course.conf);
# tests/test_deploy.py checks that both cover every such route of the app. Query strings are dropped too
# (`?code=` pre-fills a join).
SECRET_SEGMENT = re.compile(
    r"^((?:https?://[^/]+)?/(?:account/verify-email|reset-password|unsubscribe|invitations|join|lti/continue|lti/deep-link)/).*"
)


def redact(target: str | None) -> str | None:
    """A path, request target or referrer as it may be logged: secret segments and the query as `[hidden]`."""
    if not target:
        return target
    target, hidden = SECRET_SEGMENT.subn(r"\1[hidden]", target)
    if not hidden and "?" in target:
        target = target.split("?", 1)[0] + "?[hidden]"
    return target


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        method, _, rest = atoms["r"].partition(" ")
        uri, _, protocol = rest.rpartition(" ")
        atoms["r"] = f"{method} {redact(uri)} {protocol}"
        atoms["U"], atoms["f"] = redact(atoms["U"]), redact(atoms["f"])
        atoms["q"] = "[hidden]" if atoms["q"] else atoms["q"]
        if "{referer}i" in atoms:
            atoms["{referer}i"] = redact(atoms["{referer}i"])
        return atoms


logger_class = RedactingLogger

errorlog = _env("GUNICORN_ERRORLOG", "-")
loglevel = _env("GUNICORN_LOGLEVEL", "info")
proc_name = "course"
