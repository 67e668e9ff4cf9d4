"""The Flask class of the course: links built once per worker, and two per-request costs Flask pays for
nothing (see ensure_sync and register_blueprint).

A page builds ten to thirty links (the navigation, static files, its own buttons), and Werkzeug's URL
building costs more than a lesson page's SQL. A relative link depends only on the endpoint, its values and
the mount point (SCRIPT_NAME), so each worker keeps the ones it built (bounded). Links with an anchor, a
method, a scheme or a host are built every time, and so are static links while static files may change
(development: their content hash is part of the link).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import Blueprint, Flask, current_app, has_request_context, request, url_for
from flask.templating import _default_template_ctx_processor

from .catalog import get_catalog
from .kept import keep

KEPT = 8192  # links per process; the store starts again empty when full


class CourseFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

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

    def ensure_sync(self, func: Callable) -> Callable:
        """Flask asks this of every hook and view on every request (about twenty times a page), and each
        answer inspects the function's code; a function's answer never changes."""
        try:
            return self._sync[func]
        except KeyError:
            self._sync[func] = made = super().ensure_sync(func)
            return made

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Flask copies its default context processor (request, session, g) under each blueprint's name
        too, so every blueprint page ran it twice; the application's own copy is enough."""
        super().register_blueprint(blueprint, **options)
        processors = self.template_context_processors.get(blueprint.name, [])
        processors[:] = [p for p in processors if p is not _default_template_ctx_processor]


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
