"""Static files under content-hashed URLs, cached for a year.

`url_for('static', filename='style.css')` gives `/static/style.css?v=<first 12 hex digits of its SHA-256>`.
A request that carries the file's current hash is answered with `Cache-Control: public, max-age=31536000,
immutable`: the URL changes whenever the file does, so a browser never needs to ask again. Without the
hash (or with a stale one) Flask's default applies: revalidate with the ETag. In production nginx serves
/static/ itself with the same rule (deploy/nginx/course.conf) and compresses it; this is the fallback
and what development uses. Production hashes the files once at start-up; development re-hashes a file
when its modification time changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request

IMMUTABLE = "public, max-age=31536000, immutable"


class StaticHashes:
    def __init__(self, folder: Path, watch: bool):
        self.folder, self.watch = folder, watch
        self.known: dict[str, tuple[float, str]] = {}
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    self._hash(path.relative_to(folder).as_posix())

    def _hash(self, filename: str) -> str | None:
        path = self.folder / filename
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self.known[filename] = (mtime, digest)
        return digest

    def get(self, filename: str) -> str | None:
        known = self.known.get(filename)
        if known is None or not self.watch:
            return known[1] if known else None
        try:
            if (self.folder / filename).stat().st_mtime == known[0]:
                return known[1]
        except OSError:
            return None
        return self._hash(filename)


def init_app(app: Flask) -> None:
    if not app.static_folder:
        return
    hashes = StaticHashes(Path(app.static_folder), watch=not app.config["PRODUCTION"])
    app.extensions["static_hashes"] = hashes

    def add_hash(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            digest = hashes.get(values.get("filename", ""))
            if digest:
                values["v"] = digest

    def cache_forever(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            version = request.args.get("v")
            if version and version == hashes.get((request.view_args or {}).get("filename", "")):
                response.headers["Cache-Control"] = IMMUTABLE
        return response

    app.url_defaults(add_hash)
    app.after_request(cache_forever)
