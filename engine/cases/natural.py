"""自然办结 (Article 8 of the time-limit rules): declared in its window, reported, filed.

The lead department may declare a natural completion, for one of the four reasons on the
citizen's side, only on the working day before its handling limit's due date or on the due date
up to the limit; after the limit the case is overdue like any other (overtime report, 超时). Each
declaration is reported to the center director, who files it (备案) from the leaders' console.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from engine import deadlines
from engine.cases import audit
from engine.db import db
from engine.deadlines import rules
from engine.errors import NotFound, WrongState
from engine.models import Case, Department, NaturalCompletion
from engine.organisation import Actor, roles as R, scope
from engine.paging import Page, clamp
from engine.ports import now as clock_now
from forms.messages import msg

VIEW_ROLES = (R.CENTER_LEADER, R.SUPERVISOR, R.ADMIN)
FILE_ROLES = (R.CENTER_LEADER,)


def _when(moment) -> str:
    return deadlines.local_moment(moment).strftime("%Y-%m-%d %H:%M")


def check_window(action) -> None:
    """Refuse a natural completion outside its window (409, naming the window)."""
    lead = next(iter(deadlines.running(action, stage="handling", role="lead")), None)
    if lead is None:
        return
    opens, closes = rules.natural_window(action, lead)
    if action.now > closes:
        raise WrongState(msg("natural_after_limit", "the limit passed at %(due)s: a natural completion may no longer "
                             "be declared; the case is overdue (file the overtime report, then reply)",
                             due=_when(closes)))
    if action.now < opens:
        raise WrongState(msg("natural_before_window", "a natural completion may be declared only on the working day "
                             "before the due date or on it: from %(opens)s to %(due)s",
                             opens=_when(opens), due=_when(closes)))


def record(action, *, actor_id: int, reason: str, notice: str) -> NaturalCompletion:
    """The declaration, once the lead's limit has closed on it (in the closing action)."""
    limit = rules.last_lead_decision(action)
    row = NaturalCompletion(case_id=action.case.id, deadline_id=limit.id, department_id=limit.department_id,
                            reason=reason, notice=notice, due_at=limit.due_at, declared_by_id=actor_id,
                            declared_at=action.now, filed_note="")
    db.session.add(row)
    action.event("natural_reported", actor_id=actor_id, data={"reason": reason, "due_at": limit.due_at.isoformat()})
    return row


def of_case(case_id: int) -> NaturalCompletion | None:
    return db.session.execute(select(NaturalCompletion).where(NaturalCompletion.case_id == case_id)
                              .order_by(NaturalCompletion.id.desc()).limit(1)).scalar()


def listing(*, actor: Actor, filed: bool | None = None, department_id: int | None = None,
            month: date | None = None, page: int = 1, page_size: int = 50, clamp_page: bool = False) -> Page:
    """Natural completions for the center director, newest first; each with its case and department."""
    actor.require(*VIEW_ROLES)
    filters = []
    if filed is not None:
        filters.append(NaturalCompletion.filed_at.is_not(None) if filed else NaturalCompletion.filed_at.is_(None))
    if department_id:
        filters.append(NaturalCompletion.department_id.in_(scope.subtree_of(department_id)))
    if month is not None:
        start, end = rules.month_bounds(month)
        filters += [NaturalCompletion.declared_at >= start, NaturalCompletion.declared_at < end]
    total = db.session.execute(select(func.count()).select_from(NaturalCompletion).where(*filters)).scalar()
    page = clamp(page, total, page_size) if clamp_page else page
    rows = db.session.execute(
        select(NaturalCompletion, Case.case_no, Case.title, Department.name)
        .join(Case, Case.id == NaturalCompletion.case_id)
        .join(Department, Department.id == NaturalCompletion.department_id).where(*filters)
        .order_by(NaturalCompletion.declared_at.desc(), NaturalCompletion.id.desc())
        .limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[dict(row=nc, case_no=no, title=title, department=dept) for nc, no, title, dept in rows],
                total=total, page=page, page_size=page_size)


def file(*, actor: Actor, natural_id: int, note: str = "") -> NaturalCompletion:
    """The director files (备案) a reported natural completion; once (409 the second time)."""
    actor.require(*FILE_ROLES)
    try:
        row = db.session.execute(select(NaturalCompletion).where(NaturalCompletion.id == natural_id)
                                 .with_for_update().execution_options(populate_existing=True)).scalar()
        if row is None:
            raise NotFound(msg("natural_not_found", "natural completion %(id)s not found", id=natural_id))
        if row.filed_at is not None:
            raise WrongState(msg("natural_filed", "already filed on %(when)s", when=_when(row.filed_at)))
        row.filed_at, row.filed_by_id, row.filed_note = clock_now(), actor.user_id, note.strip()[:2000]
        audit.record_many([dict(case_id=row.case_id, actor_id=actor.user_id, action="natural_filed",
                                from_stage=None, to_stage=None, data={"note": row.filed_note},
                                created_at=row.filed_at)])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return row
