"""Flags on cases: put at intake (in the intake's own transaction), listed on the console."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from engine.db import db
from engine.errors import ValidationFailed
from engine.localtime import local_midnight
from engine.models import Case, CaseRiskFlag
from engine.organisation import Actor, scope
from engine.paging import Page
from engine.screening import matcher
from engine.screening.access import VIEW_ROLES, scoped
from forms.messages import msg


def flag_case(case_id: int, title: str, content: str, now: datetime) -> dict[str, list[str]]:
    """Screen a new case's title and content; add one flag per risk type found (not committed:
    the caller's transaction registers the case and its flags together). Returns code → words."""
    hits = matcher.current().scan(f"{title}\n{content}")
    for code, words in hits.items():
        db.session.add(CaseRiskFlag(case_id=case_id, risk_type_code=code, words=words, flagged_at=now))
    return hits


@dataclass(frozen=True)
class FlaggedCase:
    """One flag as the console lists it, with what it needs of its case."""

    flag_id: int
    case_id: int
    case_no: str
    title: str
    content: str
    status: str
    lead_department_id: int | None
    risk_type_code: str
    words: list
    flagged_at: datetime


def list_flags(actor: Actor, *, start: date, end: date, risk_type: str | None = None, page: int = 1,
               page_size: int = 50) -> Page:
    """Flags put from 00:00 of `start` to the end of `end` (Shanghai), newest first; a department
    leader sees those whose case's lead department lies in their subtree."""
    actor.require(*VIEW_ROLES)
    if start > end:
        raise ValidationFailed({"end": [msg("end_before_start", "must not be before the start")]})
    where = [CaseRiskFlag.flagged_at >= local_midnight(start), CaseRiskFlag.flagged_at < local_midnight(end, 1)]
    if risk_type:
        where.append(CaseRiskFlag.risk_type_code == risk_type)
    if (limited := scoped(actor)) is not None:
        where.append(Case.lead_department_id.in_(scope.subtree_department_ids(limited)))
    base = select(CaseRiskFlag.id).join(Case, Case.id == CaseRiskFlag.case_id).where(*where)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar()
    rows = db.session.execute(
        select(CaseRiskFlag.id, Case.id, Case.case_no, Case.title, Case.content, Case.status, Case.lead_department_id,
               CaseRiskFlag.risk_type_code, CaseRiskFlag.words, CaseRiskFlag.flagged_at)
        .join(Case, Case.id == CaseRiskFlag.case_id).where(*where)
        .order_by(CaseRiskFlag.flagged_at.desc(), CaseRiskFlag.id.desc())
        .limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[FlaggedCase(*r) for r in rows], total=total, page=page, page_size=page_size)


def flags_of(case_id: int) -> list[CaseRiskFlag]:
    """A case's flags (the case page shows them to whoever may see the case)."""
    return list(db.session.execute(select(CaseRiskFlag).where(CaseRiskFlag.case_id == case_id)
                                   .order_by(CaseRiskFlag.id)).scalars())
