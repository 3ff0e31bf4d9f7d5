"""The SQLAlchemy `db` object, shared column types and JSON codecs."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

import orjson
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, MetaData
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

MAX_ID = 2**31 - 1     # every id column is a 32-bit integer: a larger id names no row (and PostgreSQL refuses it)

# Stable constraint names so Alembic migrations are reproducible on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Objects stay readable after commit: services return the rows they committed, and every
# action re-reads what it changes under a row lock (populate_existing), so nothing goes stale.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# Small JSON values (event data): JSON on SQLite, JSONB on PostgreSQL. Not for workflow blobs,
# whose key order matters (see engine.models.case.Case).
Json = JSON().with_variant(JSONB(), "postgresql")


class RawJson:
    """Already-encoded JSON (bytes) that the column codec passes through untouched.

    The workflow serializer encodes with orjson itself (it needs a `default` hook for
    SpiffWorkflow's types); wrapping its output avoids decoding and re-encoding a 10-20 KB blob.
    """

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def json_dumps(value) -> str:
    """Engine-wide JSON encoder (SQLAlchemy `json_serializer`, also used by psycopg)."""
    if isinstance(value, RawJson):
        return value.data.decode()
    return orjson.dumps(value).decode()


def json_loads(value):
    """Engine-wide JSON decoder.

    SQLite gives a JSON column NUMERIC affinity, so a stored `15` comes back as the integer 15,
    not the text '15': numbers pass through as they are.
    """
    if isinstance(value, (int, float)):
        return value
    return orjson.loads(value)


def utcnow() -> datetime:
    """Naive UTC now: every timestamp column stores naive UTC (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def naive_utc(value: datetime) -> datetime:
    """A client's datetime as stored: naive UTC (an aware value is converted, a naive one is UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def dialect_insert(dialect: str | None = None):
    """`insert` of the session's dialect (PostgreSQL or SQLite), for INSERT … ON CONFLICT: both
    spell it the same, but each dialect's construct is its own."""
    from sqlalchemy.dialects import postgresql, sqlite

    name = dialect or db.session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def prebuilt(build):
    """Decorate a function that builds a statement: it is built on first use and reused, executed
    with bind parameters. SQLAlchemy memoizes a statement's cache key on the statement object, so
    a reused statement is neither built nor keyed again: ~0.1 ms saved each time, a third of a
    PostgreSQL round trip here (docs/PERFORMANCE.md). For the statements every case action runs."""
    return lru_cache(maxsize=None)(build)
