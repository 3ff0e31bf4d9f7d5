"""超时办结登记 (the overtime register): every lead handling limit that was missed, with its cause
(Article 7 of the time-limit rules, or simply late) and its overtime report (超时办结情况报告).

A row is a lead department's handling limit (one per round) that closed `missed`, or one still
running that Article 7 already counts as overtime (`overtime_cause` set: an extension asked or
told after the limit). The month filter reads the completion month, and the due month for a
limit still running. The center director, supervisors and admins see every department; a
department leader sees their own department and those below it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select

from engine import deadlines
from engine.db import db
from engine.models import Case, Deadline, Department, OvertimeReport
from engine.organisation import Actor, roles as R, scope
from engine.paging import Page, clamp

VIEW_ROLES = (R.CENTER_LEADER, R.SUPERVISOR, R.ADMIN, R.DEPT_LEADER)
EXPORT_LIMIT = 50_000
RUNNING = ("open", "paused")


@dataclass(frozen=True)
class Filters:
    """What the register may be narrowed to; None means 'any'."""

    department_id: int | None = None       # this department and those below it
    month: date | None = None              # completion month (due month while running)
    reported: bool | None = None           # an overtime report exists / is still owed


@dataclass(frozen=True)
class Entry:
    """One missed limit as the register lists it."""

    deadline_id: int
    case_id: int
    case_no: str
    title: str
    department_id: int
    department: str
    round: int
    due_at: datetime
    completed_at: datetime | None          # None: the limit is still running (counted overtime already)
    cause: str | None                      # Article 7's cause, None: simply finished after the limit
    report: OvertimeReport | None


def _anchor():
    """The moment the month filter and the order read: completion, else the due date."""
    return func.coalesce(Deadline.completed_at, Deadline.due_at)


def conditions(actor: Actor, filters: Filters) -> list:
    """SQL conditions on Deadline for what this actor may see and asked for."""
    actor.require(*VIEW_ROLES)
    found = [Deadline.stage == "handling", Deadline.role == "lead",
             or_(Deadline.state == "missed",
                 and_(Deadline.state.in_(RUNNING), Deadline.overtime_cause.is_not(None)))]
    if not actor.is_center:
        found.append(Deadline.department_id.in_(scope.subtree_department_ids(actor)))
    if filters.department_id:
        found.append(Deadline.department_id.in_(scope.subtree_of(filters.department_id)))
    if filters.month is not None:
        start, end = deadlines.rules.month_bounds(filters.month)
        found += [_anchor() >= start, _anchor() < end]
    if filters.reported is not None:
        # A subquery of its own (not correlated: the listing outer-joins the report table too).
        reported = Deadline.id.in_(select(OvertimeReport.deadline_id).scalar_subquery())
        found.append(reported if filters.reported else ~reported)
    return found


def _select(where: list):
    return (select(Deadline, Case.case_no, Case.title, Department.name, OvertimeReport)
            .join(Case, Case.id == Deadline.case_id)
            .join(Department, Department.id == Deadline.department_id)
            .outerjoin(OvertimeReport, OvertimeReport.deadline_id == Deadline.id)
            .where(*where).order_by(_anchor().desc(), Deadline.id.desc()))


def _entry(row) -> Entry:
    d, case_no, title, department, report = row
    return Entry(deadline_id=d.id, case_id=d.case_id, case_no=case_no, title=title, department_id=d.department_id,
                 department=department, round=d.round, due_at=d.due_at, completed_at=d.completed_at,
                 cause=d.overtime_cause, report=report)


def listing(*, actor: Actor, filters: Filters = Filters(), page: int = 1, page_size: int = 50,
            clamp_page: bool = False) -> Page:
    """One page of the register, latest first (by completion, else due date)."""
    where = conditions(actor, filters)
    total = db.session.execute(select(func.count()).select_from(Deadline).where(*where)).scalar()
    page = clamp(page, total, page_size) if clamp_page else page
    rows = db.session.execute(_select(where).limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[_entry(r) for r in rows], total=total, page=page, page_size=page_size)


def export(*, actor: Actor, filters: Filters = Filters(), limit: int = EXPORT_LIMIT) -> list[Entry]:
    """The whole filtered register in the listing's order, at most `limit` rows (ask limit + 1 to
    learn it was cut)."""
    rows = db.session.execute(_select(conditions(actor, filters)).limit(limit)).all()
    return [_entry(r) for r in rows]


def department_choices(actor: Actor) -> list[tuple[int, str, int]]:
    """(id, name, depth) of the departments the actor may filter the register by, in tree order:
    every handling department for the center, the own subtree for a department leader."""
    actor.require(*VIEW_ROLES)
    query = select(Department.id, Department.name, Department.path).where(
        Department.active.is_(True), Department.kind.not_in(("city", "center")))
    if not actor.is_center:
        query = query.where(Department.id.in_(scope.subtree_department_ids(actor)))
    rows = db.session.execute(query).all()
    rows.sort(key=lambda r: [int(x) for x in r.path.strip("/").split("/")])
    top = min((p.count("/") for _, _, p in rows), default=0)
    return [(i, n, p.count("/") - top) for i, n, p in rows]
