"""Parameters: read once per transaction (one small query), edited by admins, every change audited."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from engine.db import db, prebuilt
from engine.errors import ValidationFailed
from engine.models import ConfigChange, Parameter
from engine.organisation import parameters, roles as R
from engine.organisation.actor import Actor
from engine.ports import now as clock_now


class Params(dict):
    """A snapshot of every parameter (defaults overlaid with the table)."""

    def handling_days(self, category: str) -> int:
        return int(self[f"handling_days.{category}"])

    def warn_days(self, category: str) -> int:
        return int(self[f"warn_days.{category}"])

    def warn_share(self, stage: str) -> int:
        """At most this percentage of a `stage` limit's office time is yellow."""
        return int(self[f"warn_share.{stage}"])

    @property
    def office_end(self) -> str:
        return str(self["office_end"])

    @property
    def office_hours(self) -> tuple[str, str]:
        return str(self["office_start"]), str(self["office_end"])


def snapshot() -> Params:
    """All parameters as this transaction sees them (read-only: the object is shared).

    Read once per transaction: an action's steps (its deadlines, its notices, the reopen limit)
    used to read the table each, one round trip apiece. A change takes effect with the next
    transaction anywhere (no process keeps them longer); in this transaction a parameter added,
    changed or deleted through the session is seen at once. A bulk UPDATE/DELETE of the table
    in the same transaction after a read is not (nothing here does that)."""
    session = db.session()
    held = session.info.get(_SNAPSHOT)
    if held is not None and held[0] is session.get_transaction() and not _pending_change(session):
        return held[1]
    values = Params(parameters.DEFAULTS)
    values.update(dict(session.execute(_all_statement()).all()))
    session.info[_SNAPSHOT] = (session.get_transaction(), values)
    return values


_SNAPSHOT = "parameters_snapshot"


@prebuilt
def _all_statement():
    return select(Parameter.name, Parameter.value)


def _pending_change(session: Session) -> bool:
    """A parameter row added, changed or deleted in the session but not flushed yet."""
    return any(isinstance(obj, Parameter) for pending in (session.new, session.dirty, session.deleted)
               for obj in pending)


def _written(_mapper, _connection, target) -> None:
    """A parameter row was flushed: this transaction's snapshot is out of date."""
    session = object_session(target)
    if session is not None:
        session.info.pop(_SNAPSHOT, None)


for _change in ("after_insert", "after_update", "after_delete"):
    event.listen(Parameter, _change, _written)


def set_parameter(*, actor: Actor, name: str, value: object, reason: str = "") -> object:
    """Change one parameter; audited; effective for the next action anywhere."""
    actor.require(R.ADMIN)
    value = _validated(name, value)
    _write(name, value, actor_id=actor.user_id, reason=reason)
    db.session.commit()
    return value


def write_audited(name: str, value: object, *, actor_id: int | None, reason: str) -> object:
    """Change one parameter for a service that checked the actor's right itself (e.g. the shift
    lead's peak switch); validated and audited like an admin's change."""
    value = _validated(name, value)
    _write(name, value, actor_id=actor_id, reason=reason)
    db.session.commit()
    return value


def _validated(name: str, value: object) -> object:
    """The value checked alone and together with the others (office hours must open before they end)."""
    try:
        value = parameters.validate(name, value)
        parameters.check_together({**snapshot(), name: value})
    except ValueError as exc:
        raise ValidationFailed({name: [exc.args[0]]}) from None
    return value


def bump(name: str, *, actor_id: int | None, reason: str = "") -> None:
    """Increment an internal counter (e.g. calendar.revision) in the current transaction.

    Not audited itself: the change that bumps it (a calendar day, a year) is.
    """
    current = db.session.get(Parameter, name, with_for_update=True)
    value = (current.value if current else parameters.DEFAULTS[name]) + 1
    _write(name, value, actor_id=actor_id, reason=reason, audit=False)


def _write(name: str, value: object, *, actor_id: int | None, reason: str, audit: bool = True) -> None:
    row = db.session.get(Parameter, name)
    old = row.value if row else parameters.DEFAULTS.get(name)
    now = clock_now()
    if row is None:
        db.session.add(Parameter(name=name, value=value, updated_at=now, updated_by_id=actor_id))
    else:
        row.value, row.updated_at, row.updated_by_id = value, now, actor_id
    if audit:
        db.session.add(ConfigChange(area="parameter", key=name, old=old, new=value, reason=reason,
                                    actor_id=actor_id, created_at=now))
