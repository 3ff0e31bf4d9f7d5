"""The migrations build exactly the schema the models describe (no change without a migration)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.cases.search import not_modelled
from engine.db import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": not_modelled})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
