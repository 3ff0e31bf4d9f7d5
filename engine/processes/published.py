"""Which version of a process new cases start on: the published one, cached a few seconds."""
from __future__ import annotations

import time

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound
from engine.models import ProcessVersion
from forms.messages import msg

DEFAULT_PROCESS = "case_handling"

# process id -> (version id, monotonic time read). Other processes (web workers) see a newly
# loaded version within CURRENT_TTL seconds; this process sees its own loads at once.
_current: dict[str, tuple[int, float]] = {}
CURRENT_TTL = 5.0


def current_version_id(process_id: str = DEFAULT_PROCESS) -> int:
    """The id of the published version of a process; new cases start on it."""
    cached = _current.get(process_id)
    if cached and time.monotonic() - cached[1] < CURRENT_TTL:
        return cached[0]
    version_id = db.session.execute(
        select(ProcessVersion.id).where(ProcessVersion.process_id == process_id, ProcessVersion.state == "published")
        .order_by(ProcessVersion.version.desc()).limit(1)).scalar()
    if version_id is None:
        raise NotFound(msg("no_process_version", "process '%(process)s' has no published version; publish one "
                           "(or run `flask workflows load`)", process=process_id))
    _current[process_id] = (version_id, time.monotonic())
    return version_id


def forget_current() -> None:
    """Drop the cached current versions (after a load, or when tests reset the database)."""
    _current.clear()
