"""Bearer tokens already checked, for a few seconds: the REST API's authentication without its two
statements (the token with its user and department, then the user's roles) on every request.

A busy client sends many requests a second with one token; looking it up each time was a fifth of
an intake's cost over HTTP (docs/PERFORMANCE.md). An entry lives TOKEN_SECONDS at most. In this
process every change of a user, a role, a department or a token empties the cache as it is flushed,
so a revocation or a disabled user takes effect at once here and within TOKEN_SECONDS in the
other web processes.
"""
from __future__ import annotations

import threading
import time

from sqlalchemy import event

from engine.models import ApiToken, Department, User, UserRole
from engine.organisation.actor import Actor

TOKEN_SECONDS = 5.0
MAX_ENTRIES = 10_000     # a bound, not a working set: past it the cache starts again empty

_entries: dict[str, tuple[float, Actor]] = {}
_lock = threading.Lock()


def get(digest: str) -> Actor | None:
    """The actor of a token checked less than TOKEN_SECONDS ago, else None."""
    hit = _entries.get(digest)
    if hit is None or hit[0] <= time.monotonic():
        return None
    return hit[1]


def put(digest: str, actor: Actor) -> None:
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = (time.monotonic() + TOKEN_SECONDS, actor)


def clear() -> None:
    with _lock:
        _entries.clear()


def _identity_changed(_mapper, _connection, _row) -> None:
    clear()


# Only writes of these rows decide who a token is: listening on their mappers costs the other
# flushes (every case action's) nothing.
for _model in (ApiToken, Department, User, UserRole):
    for _change in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _change, _identity_changed)
