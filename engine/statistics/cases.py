"""Figures on cases, read from the case row, its audit trail (`case_event`) and its urges. A case
belongs to its (current) lead department."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from engine.db import db
from engine.models import Case, CaseEvent, Urge
from engine.statistics.kpi import Kpi, count, ratio
from engine.statistics.window import Window, within_days

SATISFIED = ("satisfied", "basically_satisfied")
REPEAT_DAYS = 30


def _events(action: str, *conditions):
    """Subquery: ids of cases with such an event."""
    return select(CaseEvent.case_id).where(CaseEvent.action == action, *conditions)


def _not_merged():
    return or_(Case.outcome.is_(None), Case.outcome != "merged")


def intake(w: Window) -> Kpi:
    """受理量: cases registered in the period (merged repeat requests included: each was registered)."""
    return count("intake", db.session.execute(select(func.count()).select_from(Case).where(
        w.during(Case.created_at), *w.case_filters())).scalar())


def return_rate(w: Window) -> Kpi:
    """退回率: of the cases dispatched in the period, those a department returned in the period."""
    dispatched = _events("dispatch", w.during(CaseEvent.created_at))
    returned = _events("sign_for", w.during(CaseEvent.created_at), CaseEvent.data["decision"].as_string() == "return")
    row = db.session.execute(select(func.count(), func.count().filter(Case.id.in_(returned))).where(
        Case.id.in_(dispatched), *w.case_filters())).one()
    return ratio("return_rate", row[1], row[0])


def first_time_resolution(w: Window) -> Kpi:
    """一次办结率: of the cases closed in the period (merged ones left out), those never returned,
    reopened after a visit, or sent back to handling by the center's review (all 重办)."""
    reworked = _events("review", CaseEvent.data["review_passed"].as_boolean().is_(False))
    first_time = and_(Case.reopen_count == 0, Case.return_count == 0, Case.id.not_in(reworked))
    row = db.session.execute(select(func.count(), func.count().filter(first_time)).where(
        w.during(Case.closed_at), _not_merged(), *w.case_filters())).one()
    return ratio("first_time_resolution", row[1], row[0])


def satisfaction(w: Window) -> Kpi:
    """满意率: visits recorded in the period (each visit of a reopened case counts), satisfied or
    basically satisfied."""
    satisfied = CaseEvent.data["satisfaction"].as_string().in_(SATISFIED)
    row = db.session.execute(select(func.count(), func.count().filter(satisfied))
                             .select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id)
                             .where(CaseEvent.action == "visit", w.during(CaseEvent.created_at),
                                    *w.case_filters())).one()
    return ratio("satisfaction_rate", row[1], row[0])


def visit_rate(w: Window) -> Kpi:
    """回访率: of the dispatched cases closed in the period, those visited (at any time)."""
    row = db.session.execute(select(func.count(), func.count().filter(Case.id.in_(_events("visit")))).where(
        w.during(Case.closed_at), Case.id.in_(_events("dispatch")), _not_merged(), *w.case_filters())).one()
    return ratio("visit_rate", row[1], row[0])


def repeat_call_rate(w: Window, days: int = REPEAT_DAYS) -> Kpi:
    """重复来电率: of the cases registered in the period, those whose phone and category match a
    case registered up to `days` days before (that one may lie before the period)."""
    earlier = aliased(Case)
    repeat = exists().where(earlier.phone == Case.phone, earlier.category == Case.category,
                            earlier.id != Case.id, within_days(earlier.created_at, Case.created_at, days))
    row = db.session.execute(select(func.count(), func.count().filter(and_(Case.phone != "", repeat))).where(
        w.during(Case.created_at), *w.case_filters())).one()
    return ratio("repeat_call_rate", row[1], row[0])


def urges(w: Window) -> list[Kpi]:
    """督办件数 (cases urged in the period) and 督办办结率 (of them, closed by the period's end)."""
    urged = select(Urge.case_id).where(w.during(Urge.created_at))
    closed = and_(Case.closed_at.is_not(None), Case.closed_at < w.hi)
    row = db.session.execute(select(func.count(), func.count().filter(closed)).where(
        Case.id.in_(urged), *w.case_filters())).one()
    return [count("urged_cases", row[0]), ratio("urged_closed_rate", row[1], row[0])]
