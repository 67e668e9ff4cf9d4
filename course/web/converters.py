"""The `id` URL converter: every numeric id in a URL, in one place.

Werkzeug's `int` converter accepts any length of digits, so `/attempts/99999999999999999999` reached
the database and failed there (SQLite stores at most 2**63-1, PostgreSQL's INTEGER 2**31-1) with a 500.
This one accepts ASCII digits only, without a leading zero, from 1 to 2**31-1 (what an INTEGER primary
key holds on every supported database); anything else is no route at all, so a 404.
"""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

ID_MAX = 2**31 - 1


class IdConverter(BaseConverter):
    regex = r"[1-9][0-9]{0,9}"
    weight = 50

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            # NotFound, not ValidationError: the latter sends the matcher on to other rules, and a POST
            # URL then answered 405 because a GET rule shares its shape.
            raise NotFound
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def init_app(app) -> None:
    """Register before any blueprint: rules are parsed, converters looked up, as blueprints register."""
    app.url_map.converters["id"] = IdConverter
