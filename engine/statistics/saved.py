"""Saved custom reports: a ReportSpec under a name for one role (保存报表), shared by everyone who
holds that role; the one who saved it, or an admin, deletes it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.models import SavedReport
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from engine.statistics.custom import ReportSpec
from engine.statistics.window import VIEW_ROLES
from forms.messages import msg

MAX_NAME = 100


def _duplicate() -> ValidationFailed:
    return ValidationFailed({"name": [msg("report_name_taken", "a report of that name is saved for this role")]})


def save(actor: Actor, *, name: str, role: str, spec: ReportSpec) -> SavedReport:
    """Save `spec` as `name` for `role`, one of the actor's roles that reads statistics."""
    actor.require(*VIEW_ROLES)
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > MAX_NAME:
        errors["name"] = [msg("report_name_length", "1 to %(n)s characters", n=MAX_NAME)]
    if role not in actor.roles or role not in VIEW_ROLES:
        errors["role"] = [msg("report_role_not_yours", "must be one of your roles that reads statistics")]
    if errors:
        raise ValidationFailed(errors)
    if db.session.execute(select(SavedReport.id).where(SavedReport.role == role, SavedReport.name == name)).first():
        raise _duplicate()
    report = SavedReport(name=name, role=role, spec=spec.to_mapping(), created_by_id=actor.user_id,
                         created_at=clock_now())
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:          # saved by someone else meanwhile (unique role, name)
        db.session.rollback()
        raise _duplicate() from None
    return report


def list_saved(actor: Actor) -> list[SavedReport]:
    """The reports saved for any of the actor's roles, by role and name."""
    actor.require(*VIEW_ROLES)
    return list(db.session.execute(select(SavedReport).where(SavedReport.role.in_(sorted(actor.roles)))
                                   .order_by(SavedReport.role, SavedReport.name)).scalars())


def get(actor: Actor, report_id: int) -> SavedReport:
    """A saved report of one of the actor's roles (403 for another role's)."""
    actor.require(*VIEW_ROLES)
    report = db.session.get(SavedReport, report_id)
    if report is None:
        raise NotFound(msg("saved_report_not_found", "saved report %(id)s not found", id=report_id))
    if report.role not in actor.roles:
        raise PermissionDenied(msg("saved_report_other_role", "saved report %(id)s belongs to another role",
                                   id=report_id))
    return report


def spec_of(report: SavedReport) -> ReportSpec:
    return ReportSpec.from_mapping(report.spec)


def delete(actor: Actor, report_id: int) -> None:
    """Only the one who saved it, or an admin."""
    report = db.session.get(SavedReport, report_id)
    if report is None:
        raise NotFound(msg("saved_report_not_found", "saved report %(id)s not found", id=report_id))
    if report.created_by_id != actor.user_id and not actor.has(R.ADMIN):
        raise PermissionDenied(msg("saved_report_not_yours", "only the one who saved a report or an admin deletes it"))
    db.session.delete(report)
    db.session.commit()
