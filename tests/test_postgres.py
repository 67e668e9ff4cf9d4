"""Proof that the PostgreSQL run really is on PostgreSQL (the rest of the suite runs on either)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from course.extensions import db

from .conftest import PG_URL

pytestmark = pytest.mark.postgres


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set; .ci/run sets it to run the suite on PostgreSQL")
def test_suite_runs_on_postgresql_with_psycopg3(app):
    with app.app_context():
        assert db.engine.dialect.name == "postgresql" and db.engine.dialect.driver == "psycopg"
        assert db.session.scalar(text("select version()")).startswith("PostgreSQL")
