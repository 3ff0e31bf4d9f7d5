"""SQLite settings for the embedded default: WAL, foreign keys, and IMMEDIATE transactions.

SQLite has no SELECT ... FOR UPDATE. Starting every transaction with BEGIN IMMEDIATE takes the
write lock up front, so two actions on one case queue up (busy timeout) instead of both reading
and one failing later with "database is locked".
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure(engine: Engine) -> None:
    """Install the connection and transaction hooks on a SQLite engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None   # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
