"""The migrations build exactly the schema the models describe (no change without a migration)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine.cases.search import not_modelled
from engine.db import db
from tests.factories import open_case

LZ4_AVAILABLE = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": not_modelled})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_case_blobs_are_compressed_with_lz4_where_postgresql_has_it(app, actor, is_postgres):
    """Migration 0002: a case action's blob write costs the server less with lz4 than pglz."""
    if not is_postgres:
        pytest.skip("TOAST compression is PostgreSQL's")
    if db.session.execute(text(LZ4_AVAILABLE)).first() is None:
        pytest.skip("this PostgreSQL was built without lz4")
    case = open_case(actor("agent"))
    stored = db.session.execute(text('SELECT pg_column_compression(blob), octet_length(blob::text) '
                                     'FROM "case" WHERE id = :id'), {"id": case.id}).one()
    assert stored[1] > 2000            # above the size at which PostgreSQL compresses a row's values
    assert stored[0] == "lz4"
