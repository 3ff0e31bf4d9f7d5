"""Reading accountability records and the leader's decision on each (made once).

Who sees them: the center's leaders, supervisors, shift leads and admins every record; a
department leader the records of their department's subtree (the person's department). Who
decides: a center leader, or the leader of the person's department (subtree); a decision is one of
the admin's list (`accountability.decisions`) with a reason, and it is final (a second: 409).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, true, update

from engine.db import db
from engine.deadlines import rules as time_rules
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.models import AccountabilityRecord, Case, CaseEvent, Deadline, Department, User
from engine.organisation import Actor, roles as R, scope, settings
from engine.paging import Page, clamp
from engine.ports import now as clock_now
from forms.messages import msg

ALL_DEPARTMENTS = R.OVERSIGHT_ROLES
VIEW_ROLES = ALL_DEPARTMENTS + (R.DEPT_LEADER,)
REASON_MAX = 2000


@dataclass(frozen=True)
class Filters:
    """A list's filters: the month found (Shanghai), department subtree, rule, decided or not."""

    month: date | None = None
    department_id: int | None = None
    rule: str | None = None
    decided: bool | None = None


def decisions() -> list[str]:
    """The decisions a leader may take now (the admin's list, in its order)."""
    # Stored as validated (engine.organisation.parameters: the names joined by 、).
    return [name for name in str(settings.snapshot()["accountability.decisions"]).split("、") if name]


def visible(actor: Actor):
    """SQL condition on AccountabilityRecord: the actor may see it (403 for other roles)."""
    actor.require(*VIEW_ROLES)
    if actor.has(*ALL_DEPARTMENTS):
        return true()
    return AccountabilityRecord.department_id.in_(scope.subtree_department_ids(actor))


def conditions(actor: Actor, filters: Filters) -> list:
    found = [visible(actor)]
    if filters.month is not None:
        lo, hi = time_rules.month_bounds(filters.month)
        found += [AccountabilityRecord.found_at >= lo, AccountabilityRecord.found_at < hi]
    if filters.department_id:
        found.append(AccountabilityRecord.department_id.in_(scope.subtree_of(filters.department_id)))
    if filters.rule:
        found.append(AccountabilityRecord.rule == filters.rule)
    if filters.decided is not None:
        found.append(AccountabilityRecord.decided_at.is_not(None) if filters.decided
                     else AccountabilityRecord.decided_at.is_(None))
    return found


def listing(actor: Actor, filters: Filters, *, page: int = 1, page_size: int = 30) -> Page:
    """Records newest first, with the case number, the person's and the department's names."""
    where = conditions(actor, filters)
    total = db.session.execute(select(func.count()).select_from(AccountabilityRecord).where(*where)).scalar()
    page = clamp(page, total, page_size)
    person = User.__table__.alias("person")
    rows = db.session.execute(
        select(AccountabilityRecord.id, AccountabilityRecord.rule, AccountabilityRecord.case_id, Case.case_no,
               person.c.display_name.label("person"), Department.name.label("department"),
               AccountabilityRecord.found_at, AccountabilityRecord.decision, AccountabilityRecord.decided_at)
        .join(Case, Case.id == AccountabilityRecord.case_id)
        .join(Department, Department.id == AccountabilityRecord.department_id)
        .outerjoin(person, person.c.id == AccountabilityRecord.person_id)
        .where(*where).order_by(AccountabilityRecord.found_at.desc(), AccountabilityRecord.id.desc())
        .limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[r._asdict() for r in rows], total=total, page=page, page_size=page_size)


def get(actor: Actor, record_id: int) -> AccountabilityRecord:
    """One record; PermissionDenied outside the actor's scope (ids are not secret)."""
    record = db.session.get(AccountabilityRecord, record_id)
    if record is None:
        raise NotFound(msg("record_not_found", "accountability record %(id)s not found", id=record_id))
    if db.session.execute(select(AccountabilityRecord.id).where(
            AccountabilityRecord.id == record_id, visible(actor))).first() is None:
        raise PermissionDenied(msg("record_out_of_scope", "accountability record %(id)s is outside your "
                                                          "department's scope", id=record_id))
    return record


def evidence(record: AccountabilityRecord) -> tuple[list[CaseEvent], Deadline | None]:
    """The events the record points at (in their order) and its deadline, if any."""
    events = list(db.session.execute(select(CaseEvent).where(
        CaseEvent.id.in_(record.evidence or [])).order_by(CaseEvent.id)).scalars()) if record.evidence else []
    limit = db.session.get(Deadline, record.deadline_id) if record.deadline_id else None
    return events, limit


def may_decide(actor: Actor, record: AccountabilityRecord) -> bool:
    if actor.has(R.CENTER_LEADER):
        return True
    return actor.has(R.DEPT_LEADER) and scope.in_subtree(actor, record.department_id)


def decide(*, actor: Actor, record_id: int, decision: str, reason: str) -> AccountabilityRecord:
    """Record the leader's decision once; a reason is required; a second decision is 409."""
    record = get(actor, record_id)
    if not may_decide(actor, record):
        raise PermissionDenied(msg("record_not_yours", "only a center leader or the leader of the person's "
                                                       "department decides on this record"))
    errors = {}
    if decision not in decisions():
        errors["decision"] = [msg("decision_unknown", "choose one of: %(choices)s", choices="、".join(decisions()))]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [msg("reason_required", "a reason is required")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [msg("reason_too_long", "at most %(n)s characters", n=REASON_MAX)]
    if errors:
        raise ValidationFailed(errors)
    now: datetime = clock_now()
    # Conditional on still being undecided: of two leaders deciding at once, one wins, one gets 409.
    done = db.session.execute(update(AccountabilityRecord).where(
        AccountabilityRecord.id == record.id, AccountabilityRecord.decided_at.is_(None)).values(
        decision=decision, decision_reason=reason, decided_by_id=actor.user_id, decided_at=now)).rowcount
    if not done:
        db.session.rollback()
        raise WrongState(msg("record_decided", "a decision was made on this record already"))
    db.session.commit()
    db.session.refresh(record)
    return record
