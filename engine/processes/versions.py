"""Process versions: load a BPMN file as a new immutable version; find the published one."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from engine.bpmn.registry import ParsedProcess, SpecRegistry
from engine.bpmn.service_tasks import OPERATORS
from engine.db import db
from engine.errors import NotFound
from engine.models import ProcessVersion
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from engine.processes import lifecycle, version_forms
from engine.processes.published import DEFAULT_PROCESS, current_version_id, forget_current  # noqa: F401  (surface)
from forms import FORMS, get_form
from forms.messages import msg


def _load_xml(version_id: int) -> bytes:
    xml = db.session.execute(select(ProcessVersion.xml).where(ProcessVersion.id == version_id)).scalar()
    if xml is None:
        raise NotFound(msg("version_not_found", "process version %(id)s not found", id=version_id))
    return xml.encode()


REGISTRY = SpecRegistry(_load_xml).install()


def parsed(version_id: int) -> ParsedProcess:
    """The parsed spec of a stored version (parsed once per process)."""
    return REGISTRY.get(version_id)


def load_version(*, xml: bytes, actor: Actor | None = None, publish: bool = False,
                 forms: dict | None = None) -> ProcessVersion:
    """Validate a BPMN file (and the forms uploaded with it) and store it as the next immutable
    version of its process, a draft unless `publish` (the CLI and the demo publish what they load).

    Loading the same bytes again returns the existing version instead of a duplicate. Nothing is
    stored when anything is refused.
    """
    from engine.bpmn.validation import validate_definition  # heavy (XSD); only needed here

    if actor is not None:
        actor.require(R.DESIGNER, R.ADMIN)
    own_forms = version_forms.check(forms) if forms else {}
    result = validate_definition(xml, form_keys=set(FORMS) | set(own_forms), roles=R.ALL_ROLES,
                                 operators=OPERATORS.keys())
    digest = hashlib.sha256(xml).hexdigest()
    same = db.session.execute(select(ProcessVersion).where(
        ProcessVersion.process_id == result.process_id, ProcessVersion.sha256 == digest)).scalar()
    if same is not None:
        if publish and same.state != "published":
            # Audit reasons are data the Chinese pages show as written (like what people type).
            lifecycle.publish(version_id=same.id, actor=actor, reason="重新加载同一文件后发布")
        return same
    latest = db.session.execute(select(func.max(ProcessVersion.version)).where(
        ProcessVersion.process_id == result.process_id)).scalar() or 0
    version = ProcessVersion(process_id=result.process_id, version=latest + 1, name=result.name,
                             xml=xml.decode(), sha256=digest, created_at=clock_now(),
                             created_by_id=actor.user_id if actor else None, state="draft",
                             forms=version_forms.stored(own_forms) or None)
    db.session.add(version)
    db.session.commit()
    if publish:
        lifecycle.publish(version_id=version.id, actor=actor, reason="加载后发布")
    return version


# version id -> its uploaded forms (immutable with the version, so never stale).
_forms: dict[int, dict] = {}


def form_for(version_id: int | None, key: str):
    """The form a user task of this version names: built-in first, else uploaded with the version."""
    if key in FORMS or version_id is None:
        return get_form(key)
    forms = _forms.get(version_id)
    if forms is None:
        stored = db.session.execute(select(ProcessVersion.forms).where(ProcessVersion.id == version_id)).scalar()
        forms = _forms[version_id] = version_forms.loaded(stored)
    return forms[key] if key in forms else get_form(key)


def list_versions(process_id: str | None = None) -> list[ProcessVersion]:
    """Stored versions, newest first (without their XML)."""
    query = select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
    if process_id:
        query = query.where(ProcessVersion.process_id == process_id)
    return list(db.session.execute(query).scalars())
