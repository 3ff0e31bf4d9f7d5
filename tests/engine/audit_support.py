"""Helpers of the audit chain's tests: run migration 0036's backfill, forget the anchors."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete

from engine.db import db
from engine.models import AuditAnchor

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0036_audit_chain.py"


def migration():
    spec = importlib.util.spec_from_file_location("migration_0036", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def backfill() -> None:
    """Chain every row as the migration's upgrade does, in the session's transaction, and commit.

    The session's other tests leave the config_change chain with holes (the fixtures delete their
    process publications): re-chaining gives a test a whole chain to break."""
    context = MigrationContext.configure(db.session.connection())
    with Operations.context(context):
        migration().backfill()
    db.session.commit()


def forget_anchors() -> None:
    db.session.execute(delete(AuditAnchor))
    db.session.commit()
