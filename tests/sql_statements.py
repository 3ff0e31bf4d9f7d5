"""The SQL statements the app's engine runs while a block runs: for tests that count round trips."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event

from engine.db import db


@contextmanager
def recorded() -> Iterator[list[str]]:
    """A list that fills with each statement's text as the app's engine sends it."""
    seen: list[str] = []

    def capture(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
