"""The process library as designers read it: each process with its versions and their use."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from engine.db import db
from engine.errors import NotFound
from engine.models import Case, ProcessVersion, User
from engine.organisation import Actor, roles as R
from forms.messages import msg

VIEW_ROLES = (R.DESIGNER, R.ADMIN)


@dataclass
class VersionRow:
    version: ProcessVersion
    uploaded_by: str
    published_by: str
    running: int                   # open cases on this version
    forms: list[str] = field(default_factory=list)


@dataclass
class Process:
    process_id: str
    name: str
    versions: list[VersionRow]

    @property
    def published(self) -> VersionRow | None:
        return next((v for v in self.versions if v.version.state == "published"), None)


def processes(actor: Actor) -> list[Process]:
    """Every process with its versions, newest first; without the XML."""
    actor.require(*VIEW_ROLES)
    rows = db.session.execute(select(ProcessVersion).order_by(
        ProcessVersion.process_id, ProcessVersion.version.desc())).scalars().all()
    running = dict(db.session.execute(select(Case.process_version_id, func.count()).where(
        Case.status != "closed").group_by(Case.process_version_id)).all())
    names = dict(db.session.execute(select(User.id, User.display_name)).all())
    out: dict[str, Process] = {}
    for row in rows:
        entry = out.setdefault(row.process_id, Process(row.process_id, row.name, []))
        entry.versions.append(VersionRow(row, names.get(row.created_by_id, ""), names.get(row.published_by_id, ""),
                                         running.get(row.id, 0), sorted((row.forms or {}).keys())))
    return list(out.values())


def version(actor: Actor, version_id: int) -> ProcessVersion:
    """One stored version (with its XML) for a designer or admin."""
    actor.require(*VIEW_ROLES)
    return stored_version(version_id)


def stored_version(version_id: int) -> ProcessVersion:
    """A stored version by id, or NotFound (callers check the actor's role)."""
    row = db.session.get(ProcessVersion, version_id)
    if row is None:
        raise NotFound(msg("version_not_found", "process version %(id)s not found", id=version_id))
    return row


def running_cases(version_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(Case).where(
        Case.process_version_id == version_id, Case.status != "closed")).scalar()


def previous(row: ProcessVersion) -> ProcessVersion | None:
    """The version before this one of the same process (what a diff compares with by default)."""
    return db.session.execute(select(ProcessVersion).where(
        ProcessVersion.process_id == row.process_id, ProcessVersion.version < row.version)
        .order_by(ProcessVersion.version.desc()).limit(1)).scalar()
