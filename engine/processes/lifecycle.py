"""Publishing process versions: draft → published → retired, audited, undone in one action.

At most one version of a process is published; it is the one new cases start on. Publishing a
version retires the one published before (its running cases go on where they are, or are
migrated). Each publication is a `config_change` row (area "process", key the process id, old
and new published version numbers), which is also what a rollback reads: it publishes again the
version the last publication replaced.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, WrongState
from engine.models import ConfigChange, ProcessVersion
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from engine.processes import published
from forms.messages import msg

AREA = "process"
EDIT_ROLES = (R.DESIGNER, R.ADMIN)


def _locked(version_id: int) -> ProcessVersion:
    row = db.session.execute(select(ProcessVersion).where(ProcessVersion.id == version_id)
                             .with_for_update().execution_options(populate_existing=True)).scalar()
    if row is None:
        raise NotFound(msg("version_not_found", "process version %(id)s not found", id=version_id))
    return row


def _published(process_id: str) -> ProcessVersion | None:
    return db.session.execute(select(ProcessVersion).where(
        ProcessVersion.process_id == process_id, ProcessVersion.state == "published")
        .with_for_update().execution_options(populate_existing=True)).scalars().first()


@contextmanager
def _changing(version_id: int, *, refused_when: str, refusal: Callable):
    """The locked version to change, committed with its audit row (or rolled back); WrongState
    with `refusal(row)` when it is already `refused_when`."""
    try:
        row = _locked(version_id)
        if row.state == refused_when:
            raise WrongState(refusal(row))
        yield row
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    published.forget_current()


def _audit(row: ProcessVersion, *, old: dict | None, new: dict, actor: Actor | None, reason: str, now) -> None:
    db.session.add(ConfigChange(area=AREA, key=row.process_id, old=old, new=new, reason=reason.strip()[:500],
                                actor_id=actor.user_id if actor else None, created_at=now))


def publish(*, version_id: int, actor: Actor | None, reason: str = "", action: str = "publish") -> ProcessVersion:
    """Make a version the one new cases start on; the previously published one is retired."""
    if actor is not None:
        actor.require(*EDIT_ROLES)
    refusal = lambda row: msg("already_published", "version %(v)s of %(process)s is already published",  # noqa: E731
                              v=row.version, process=row.process_id)
    with _changing(version_id, refused_when="published", refusal=refusal) as row:
        before = _published(row.process_id)
        now = clock_now()
        if before is not None:
            before.state, before.retired_at = "retired", now
        row.state, row.published_at, row.retired_at = "published", now, None
        row.published_by_id = actor.user_id if actor else None
        _audit(row, old={"version": before.version} if before else None,
               new={"version": row.version, "action": action}, actor=actor, reason=reason, now=now)
    return row


def retire(*, version_id: int, actor: Actor, reason: str = "") -> ProcessVersion:
    """Stop a draft or a published version from being published/starting cases (running cases go on).

    Retiring the published version leaves the process with none: new cases are refused until
    another is published, so the page asks to publish the successor instead where one exists."""
    actor.require(*EDIT_ROLES)
    refusal = lambda row: msg("already_retired", "version %(v)s of %(process)s is already retired",  # noqa: E731
                              v=row.version, process=row.process_id)
    with _changing(version_id, refused_when="retired", refusal=refusal) as row:
        was = row.state
        row.state, row.retired_at = "retired", clock_now()
        _audit(row, old={"version": row.version, "state": was}, new={"version": row.version, "action": "retire"},
               actor=actor, reason=reason, now=row.retired_at)
    return row


def previous_published(process_id: str) -> ProcessVersion | None:
    """The version the current one replaced when it was published (what a rollback publishes
    again); after a rollback to v1, a second rollback goes to what v1 replaced, not back to v2."""
    current = db.session.execute(select(ProcessVersion).where(
        ProcessVersion.process_id == process_id, ProcessVersion.state == "published")).scalars().first()
    if current is None:
        return None
    change = db.session.execute(select(ConfigChange).where(
        ConfigChange.area == AREA, ConfigChange.key == process_id).order_by(ConfigChange.id.desc())).scalars()
    for row in change:
        new, old = row.new or {}, row.old or {}
        # The publication that first made it current (a rollback re-publishes; it is not a step back).
        if new.get("version") == current.version and new.get("action") == "publish":
            if not old.get("version"):
                return None
            return db.session.execute(select(ProcessVersion).where(
                ProcessVersion.process_id == process_id, ProcessVersion.version == old["version"])).scalar()
    return None


def rollback(*, process_id: str, actor: Actor, reason: str = "") -> ProcessVersion:
    """Publish again the version the current publication replaced (one action, audited)."""
    actor.require(*EDIT_ROLES)
    target = previous_published(process_id)
    if target is None:
        raise WrongState(msg("nothing_to_roll_back", "%(process)s has no earlier published version to go back to",
                             process=process_id))
    return publish(version_id=target.id, actor=actor, reason=reason, action="rollback")


def history(process_id: str, limit: int = 50) -> list[ConfigChange]:
    """The process's publications, retirements and rollbacks, newest first."""
    return list(db.session.execute(select(ConfigChange).where(
        ConfigChange.area == AREA, ConfigChange.key == process_id)
        .order_by(ConfigChange.id.desc()).limit(limit)).scalars())
