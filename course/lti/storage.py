"""Where pylti1p3 keeps a login's state and nonce and a validated launch: a database table with expiry.

pylti1p3 would use the Flask session, whose cookie (SameSite=Lax) a browser does not send back to a
cross-site iframe; with this storage, only its own `lti1p3-...` cookies (SameSite=None; Secure over
https) link the login to the launch.
"""

from __future__ import annotations

import json
from datetime import timedelta

from pylti1p3.launch_data_storage.cache import CacheDataStorage
from sqlalchemy import delete

from ..clock import utcnow
from ..extensions import db
from .models import LtiStore

DEFAULT_SECONDS = 7200


class _Table:
    """The cache interface pylti1p3 expects (get/set with an expiry), over `lti_store`."""

    def get(self, key: str):
        row = db.session.get(LtiStore, key[:255])
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)

    def set(self, key: str, value, exp: int | None = None) -> None:
        expires = utcnow() + timedelta(seconds=exp or DEFAULT_SECONDS)
        db.session.merge(LtiStore(key=key[:255], value=json.dumps(value), expires_at=expires))
        db.session.flush()


class DatabaseLaunchStorage(CacheDataStorage):
    _cache = _Table()


def purge_expired() -> None:
    """Drop expired launch data; called as logins come in, in their transaction."""
    db.session.execute(delete(LtiStore).where(LtiStore.expires_at <= utcnow()))


def keep() -> None:
    """Commit what pylti1p3 stored during a login (state, nonce)."""
    db.session.commit()


def drop() -> None:
    """Forget what a refused launch wrote."""
    db.session.rollback()
