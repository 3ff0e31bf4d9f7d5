"""Process versions: load a BPMN file as a new immutable version; find the current one."""
from __future__ import annotations

import hashlib
import time

from sqlalchemy import func, select

from engine.bpmn.registry import ParsedProcess, SpecRegistry
from engine.bpmn.service_tasks import OPERATORS
from engine.db import db
from engine.errors import NotFound
from engine.models import ProcessVersion
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from forms import FORMS
from forms.messages import msg

DEFAULT_PROCESS = "case_handling"


def _load_xml(version_id: int) -> bytes:
    xml = db.session.execute(select(ProcessVersion.xml).where(ProcessVersion.id == version_id)).scalar()
    if xml is None:
        raise NotFound(msg("version_not_found", "process version %(id)s not found", id=version_id))
    return xml.encode()


REGISTRY = SpecRegistry(_load_xml).install()


def parsed(version_id: int) -> ParsedProcess:
    """The parsed spec of a stored version (parsed once per process)."""
    return REGISTRY.get(version_id)


# process id -> (version id, monotonic time read). Other processes (web workers) see a newly
# loaded version within CURRENT_TTL seconds; this process sees its own loads at once.
_current: dict[str, tuple[int, float]] = {}
CURRENT_TTL = 5.0


def current_version_id(process_id: str = DEFAULT_PROCESS) -> int:
    """The id of the newest version of a process; new cases start on it."""
    cached = _current.get(process_id)
    if cached and time.monotonic() - cached[1] < CURRENT_TTL:
        return cached[0]
    version_id = db.session.execute(
        select(ProcessVersion.id).where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc()).limit(1)).scalar()
    if version_id is None:
        raise NotFound(msg("no_process_version", "process '%(process)s' has no version loaded; run `flask workflows load`",
                           process=process_id))
    _current[process_id] = (version_id, time.monotonic())
    return version_id


def forget_current() -> None:
    """Drop the cached current versions (after a load, or when tests reset the database)."""
    _current.clear()


def load_version(*, xml: bytes, actor: Actor | None = None) -> ProcessVersion:
    """Validate a BPMN file and store it as the next immutable version of its process.

    Loading the same bytes again returns the existing version instead of a duplicate.
    """
    from engine.bpmn.validation import validate_definition  # heavy (XSD); only needed here

    if actor is not None:
        actor.require(R.DESIGNER, R.ADMIN)
    result = validate_definition(xml, form_keys=FORMS.keys(), roles=R.ALL_ROLES, operators=OPERATORS.keys())
    digest = hashlib.sha256(xml).hexdigest()
    same = db.session.execute(select(ProcessVersion).where(
        ProcessVersion.process_id == result.process_id, ProcessVersion.sha256 == digest)).scalar()
    if same is not None:
        return same
    latest = db.session.execute(select(func.max(ProcessVersion.version)).where(
        ProcessVersion.process_id == result.process_id)).scalar() or 0
    version = ProcessVersion(process_id=result.process_id, version=latest + 1, name=result.name,
                             xml=xml.decode(), sha256=digest, created_at=clock_now(),
                             created_by_id=actor.user_id if actor else None)
    db.session.add(version)
    db.session.commit()
    forget_current()
    return version


def list_versions(process_id: str | None = None) -> list[ProcessVersion]:
    """Stored versions, newest first (without their XML)."""
    query = select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
    if process_id:
        query = query.where(ProcessVersion.process_id == process_id)
    return list(db.session.execute(query).scalars())
