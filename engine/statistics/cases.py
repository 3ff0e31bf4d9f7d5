"""Figures on cases, read from the case row, its audit trail (`case_event`) and its urges. A case
belongs to its (current) lead department, except in 退回率: to the department of its first dispatch
in the period."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import aliased

from engine.models import Case, CaseEvent, Deadline, Urge
from engine.statistics.grouping import CASE_DIMENSIONS, Grouping, fetch
from engine.statistics.kpi import Kpi, count, ratio
from engine.statistics.window import Window, within_days

SATISFIED = ("satisfied", "basically_satisfied")
REPEAT_DAYS = 30


def _events(action: str, *conditions):
    """Subquery: ids of cases with such an event."""
    return select(CaseEvent.case_id).where(CaseEvent.action == action, *conditions)


def _has_event(action: str, *conditions):
    """EXISTS such an event of the case: correlated, so PostgreSQL probes the case's events by
    index instead of rescanning a subquery list too big to hash (measured at 1M cases: 162 s →
    0.4 s for 一次办结率 of a month)."""
    return exists().where(CaseEvent.case_id == Case.id, CaseEvent.action == action, *conditions)


def _not_merged():
    return or_(Case.outcome.is_(None), Case.outcome != "merged")


Figures = list[tuple[object, Kpi]]


def _first(table, action_filter, at, w: Window):
    """Subquery (case_id, at): each case's first such row in the period (a case counts once, in the
    group of its first dispatch or urge)."""
    return (select(table.case_id.label("case_id"), func.min(at).label("at"))
            .where(*action_filter, w.during(at)).group_by(table.case_id).subquery())


def intake(w: Window, g: Grouping = Grouping()) -> Figures:
    """受理量: cases registered in the period (merged repeat requests included: each was registered)."""
    found = fetch(g.key(Case.created_at), [func.count()],
                  lambda s: s.select_from(Case).where(w.during(Case.created_at), *w.case_filters()))
    return [(k, count("intake", row[0])) for k, row in found.items()]


def return_rate(w: Window, g: Grouping = Grouping()) -> Figures:
    """退回率: of the cases dispatched in the period, those a department returned in the period. A
    case counts once, at the department it was first dispatched to in the period (the lead's
    sign-for limit that dispatch opened: the department that returned it sees the return, and no
    case row is read unless a case filter or dimension asks; measured at 1M cases, a year by
    department: the join to the case was half of the whole custom report)."""
    first = _first_dispatch(w)
    returned = _events("sign_for", w.during(CaseEvent.created_at), CaseEvent.data["decision"].as_string() == "return")
    filters = w.case_filters(first.c.department_id)      # the department's on the dispatch, the rest on the case
    if w.category or w.channel or w.area_id or any(d in CASE_DIMENSIONS for d in g.dimensions):
        source = lambda s: s.select_from(Case).join(first, first.c.case_id == Case.id).where(*filters)  # noqa: E731
    else:
        source = lambda s: s.select_from(first).where(*filters)  # noqa: E731
    found = fetch(g.key(first.c.at, first.c.department_id),
                  [func.count(), func.count().filter(first.c.case_id.in_(returned))], source)
    return [(k, ratio("return_rate", row[1], row[0])) for k, row in found.items()]


def _first_dispatch(w: Window):
    """Subquery (case_id, at, department_id): each case's first dispatch in the period and the
    department it went to. Every dispatch opens the lead's sign-for limit at its moment, numbered
    by round: a case with no second-or-later round started in the period was dispatched once in
    it, and its one limit is its first. Only the few dispatched again are ranked (a year at 1M
    cases: grouping every case spilled to disk)."""
    dispatched = [Deadline.stage == "sign_for", Deadline.role == "lead", w.during(Deadline.started_at)]
    again = select(Deadline.case_id).where(*dispatched, Deadline.round > 1)
    once = select(Deadline.case_id.label("case_id"), Deadline.started_at.label("at"),
                  Deadline.department_id.label("department_id")).where(*dispatched, Deadline.case_id.not_in(again))
    # One lead sign-for limit per round: the lowest round in the period is the first dispatch, and
    # every column read is in the dispatches' index (no table read).
    ranked = select(Deadline.case_id, Deadline.started_at, Deadline.department_id, func.row_number().over(
        partition_by=Deadline.case_id, order_by=Deadline.round).label("n")).where(
        *dispatched, Deadline.case_id.in_(again)).subquery()
    several = select(ranked.c.case_id, ranked.c.started_at, ranked.c.department_id).where(ranked.c.n == 1)
    return union_all(once, several).subquery()


def first_time_resolution(w: Window, g: Grouping = Grouping()) -> Figures:
    """一次办结率: of the cases closed in the period (merged ones left out), those never returned,
    reopened after a visit, or sent back to handling by the center's review (all 重办)."""
    reworked = _has_event("review", CaseEvent.data["review_passed"].as_boolean().is_(False))
    first_time = and_(Case.reopen_count == 0, Case.return_count == 0, ~reworked)
    found = fetch(g.key(Case.closed_at), [func.count(), func.count().filter(first_time)],
                  lambda s: s.select_from(Case).where(w.during(Case.closed_at), _not_merged(), *w.case_filters()))
    return [(k, ratio("first_time_resolution", row[1], row[0])) for k, row in found.items()]


def satisfaction(w: Window, g: Grouping = Grouping()) -> Figures:
    """满意率: visits recorded in the period (each visit of a reopened case counts), satisfied or
    basically satisfied."""
    satisfied = CaseEvent.data["satisfaction"].as_string().in_(SATISFIED)
    found = fetch(g.key(CaseEvent.created_at), [func.count(), func.count().filter(satisfied)],
                  lambda s: s.select_from(CaseEvent).join(Case, Case.id == CaseEvent.case_id).where(
                      CaseEvent.action == "visit", w.during(CaseEvent.created_at), *w.case_filters()))
    return [(k, ratio("satisfaction_rate", row[1], row[0])) for k, row in found.items()]


def visit_rate(w: Window, g: Grouping = Grouping()) -> Figures:
    """回访率: of the dispatched cases closed in the period, those visited (at any time)."""
    found = fetch(g.key(Case.closed_at), [func.count(), func.count().filter(_has_event("visit"))],
                  lambda s: s.select_from(Case).where(w.during(Case.closed_at), _has_event("dispatch"),
                                                      _not_merged(), *w.case_filters()))
    return [(k, ratio("visit_rate", row[1], row[0])) for k, row in found.items()]


def repeat_call_rate(w: Window, days: int = REPEAT_DAYS, g: Grouping = Grouping()) -> Figures:
    """重复来电率: of the cases registered in the period, those whose phone and category match a
    case registered up to `days` days before (that one may lie before the period)."""
    earlier = aliased(Case)
    repeat = exists().where(earlier.phone == Case.phone, earlier.category == Case.category,
                            earlier.id != Case.id, within_days(earlier.created_at, Case.created_at, days))
    found = fetch(g.key(Case.created_at), [func.count(), func.count().filter(and_(Case.phone != "", repeat))],
                  lambda s: s.select_from(Case).where(w.during(Case.created_at), *w.case_filters()))
    return [(k, ratio("repeat_call_rate", row[1], row[0])) for k, row in found.items()]


def urges(w: Window, g: Grouping = Grouping()) -> Figures:
    """督办件数 (cases urged in the period) and 督办办结率 (of them, closed by the period's end)."""
    first = _first(Urge, [], Urge.created_at, w)
    closed = and_(Case.closed_at.is_not(None), Case.closed_at < w.hi)
    found = fetch(g.key(first.c.at), [func.count(), func.count().filter(closed)],
                  lambda s: s.select_from(Case).join(first, first.c.case_id == Case.id).where(*w.case_filters()))
    return [(k, kpi) for k, row in found.items()
            for kpi in (count("urged_cases", row[0]), ratio("urged_closed_rate", row[1], row[0]))]
