"""The admin console's tests: a client logged in as an admin."""

from __future__ import annotations

import pytest

from ..support.world import client_for


@pytest.fixture
def admin_client(app, make_user):
    """A client logged in as an admin, Ada; the account is `client.user`."""
    admin = make_user("admin", name="Ada Admin")
    client = client_for(app, admin)
    client.user = admin
    return client
