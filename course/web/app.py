"""The Flask class of the course: links built once per worker (on top of web/overrides.py's LeanFlask).

A page builds ten to thirty links (the navigation, static files, its own buttons), and Werkzeug's URL
building costs more than a lesson page's SQL. A relative link depends only on the endpoint, its values and
the mount point (SCRIPT_NAME), so each worker keeps the ones it built (bounded). Links with an anchor, a
method, a scheme or a host are built every time, and so are static links while static files may change
(development: their content hash is part of the link).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import current_app, has_request_context, request, url_for

from ..core.catalog import get_catalog
from .bounded import keep
from .overrides import LeanFlask

KEPT = 8192  # links per process; the store starts again empty when full


class CourseFlask(LeanFlask):
    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        special = _anchor or _method or _scheme or _external
        if special or not has_request_context() or (endpoint == "static" and not self.config["PRODUCTION"]):
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        if endpoint.startswith("."):  # relative to the current blueprint, as Flask resolves it
            blueprint = request.blueprint
            endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
        try:
            key = (endpoint, request.script_root, *sorted(values.items()))
            return self._links[key]
        except KeyError:
            link = super().url_for(endpoint, **values)
        except TypeError:  # a value that cannot be a key (a list): build it
            return super().url_for(endpoint, **values)
        keep(self._links, key, link, KEPT)
        return link

    @property
    def _links(self) -> dict:
        return self.extensions.setdefault("links", {})


@dataclass(frozen=True)
class ModuleLinks:
    module: str
    quiz: str
    pages: Mapping[str, str]  # by anchor


def module_links() -> Mapping[str, ModuleLinks]:
    """Every module's links by slug, for the pages that print a few per module (the dashboard, the home
    page): a lookup here costs a fraction of finding a kept link through url_for."""
    cache = current_app.extensions.setdefault("module_links", {})
    key = request.script_root
    if key not in cache:
        cache[key] = MappingProxyType(
            {
                m.slug: ModuleLinks(
                    url_for("learning.module", slug=m.slug),
                    url_for("quizzes.quiz", slug=m.slug),
                    MappingProxyType(
                        {p.anchor: url_for("learning.page", slug=m.slug, anchor=p.anchor) for p in m.pages}
                    ),
                )
                for m in get_catalog().modules
            }
        )
    return cache[key]
