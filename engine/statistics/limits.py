"""Figures on the statutory limits (`deadline`): on-time sign-for and completion, overdue cases,
extensions. A limit belongs to the department that held it (its round); one row per round."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case as when, distinct, func, or_, select

from engine.models import Case, Deadline
from engine.statistics.grouping import CASE_DIMENSIONS, Grouping, fetch
from engine.statistics.kpi import Kpi, count, ratio
from engine.statistics.window import Window

Figures = list[tuple[object, Kpi]]

CLOSED = ("met", "missed", "natural")


def _lead(stage: str):
    return and_(Deadline.stage == stage, Deadline.role == "lead")


def _closed_lead(w: Window, stage: str, states) -> list:
    return [_lead(stage), Deadline.state.in_(states), w.during(Deadline.completed_at), *w.deadline_filters()]


def _key(g: Grouping, anchor=Deadline.completed_at):
    return g.key(anchor, Deadline.department_id)


def _needs_case(w: Window, g: Grouping) -> bool:
    """A limit carries its department: the case is joined only for a case's filter or grouping
    (measured at 1M cases: 113 → 29 ms for the on-time figures of a month)."""
    return bool(w.category or w.channel or w.area_id) or any(d in CASE_DIMENSIONS for d in g.dimensions)


def _joined(w: Window, g: Grouping, *conditions):
    if _needs_case(w, g):
        return lambda s: s.select_from(Deadline).join(Case, Case.id == Deadline.case_id).where(*conditions)
    return lambda s: s.select_from(Deadline).where(*conditions)


def on_time(w: Window, g: Grouping = Grouping()) -> Figures:
    """签收及时率 and 按时办结率: limits closed in the period; cancelled ones never count."""
    sign = fetch(_key(g), [func.count(), func.count().filter(Deadline.state == "met")],
                 _joined(w, g, *_closed_lead(w, "sign_for", ("met", "missed"))))
    handled = fetch(_key(g), [func.count(), func.count().filter(Deadline.state.in_(("met", "natural")))],
                    _joined(w, g, *_closed_lead(w, "handling", CLOSED)))
    return [*[(k, ratio("sign_for_on_time", row[1], row[0])) for k, row in sign.items()],
            *[(k, ratio("handled_on_time", row[1], row[0])) for k, row in handled.items()]]


def overdue(w: Window, g: Grouping = Grouping()) -> Figures:
    """超期件数: cases with a lead handling limit missed in the period, or still running at its end
    and past due then (or already overtime by Article 7); a suspended limit's clock stands. Grouped
    by time, a missed limit is in the group of its completion, a running one in that of the moment
    it fell due (the period's first or last moment when that lies outside the period)."""
    missed = and_(Deadline.state == "missed", w.during(Deadline.completed_at))
    running_at_end = and_(Deadline.started_at < w.hi, Deadline.state != "paused",
                          or_(Deadline.completed_at.is_(None), Deadline.completed_at >= w.hi),
                          or_(Deadline.due_at < w.hi, Deadline.overtime_cause.is_not(None)))
    fell_due = when((Deadline.due_at < w.lo, w.lo), (Deadline.due_at >= w.hi, w.hi - timedelta(seconds=1)),
                    else_=Deadline.due_at)
    anchor = when((missed, Deadline.completed_at), else_=fell_due)
    found = fetch(_key(g, anchor), [func.count(distinct(Deadline.case_id))],
                  _joined(w, g, _lead("handling"), or_(missed, running_at_end), *w.deadline_filters()))
    return [(k, count("overdue_cases", row[0])) for k, row in found.items()]


def extension_rate(w: Window, g: Grouping = Grouping()) -> Figures:
    """延期率: of the cases whose lead handling limit closed in the period, those ever extended. A
    case reopened in the period counts once, in the group of its first such limit (per department).
    The extended cases are few and have their own partial index, so the limits are read alone and
    the case is joined only for a filter or a grouping by one of its columns (measured at 1M cases,
    a month: joining read all 1M cases for their extension counts). The cases closed once are
    counted as rows, the few closed several times with DISTINCT, in two queries: one DISTINCT
    over all rows made PostgreSQL sort a year's 750,000 rows by their group."""
    once, several = _first_closures(w)
    ever_extended = select(Case.id).where(Case.extension_count > 0)
    by_case = any(d in CASE_DIMENSIONS for d in g.dimensions)
    found: dict = {}
    for closed, counted in ((once, lambda c: func.count(c)), (several, lambda c: func.count(distinct(c)))):
        extended = closed.c.case_id.in_(ever_extended)
        part = fetch(g.key(closed.c.at, closed.c.department_id),
                     [counted(closed.c.case_id), counted(closed.c.case_id).filter(extended)],
                     (lambda s, c=closed: s.select_from(c).join(Case, Case.id == c.c.case_id)) if by_case
                     else (lambda s, c=closed: s.select_from(c)))
        for key, (cases, extended_cases) in part.items():
            was = found.get(key, (0, 0))
            found[key] = (was[0] + cases, was[1] + extended_cases)
    return [(k, ratio("extension_rate", row[1], row[0])) for k, row in found.items()]


def _first_closures(w: Window):
    """Subqueries (case_id, department_id, at) of the first lead handling limit closed in the period
    per case and department: of the cases with one such limit, and of the few with several. Rounds
    number a case's handling limits: a case with no second-or-later round closed in the period has
    one such limit in it, taken as it is; only the cases closed several times are grouped."""
    conditions = _closed_lead(w, "handling", CLOSED)

    def limits(*columns):
        query = select(*columns)
        return query.join(Case, Case.id == Deadline.case_id) if w.category or w.channel or w.area_id else query
    again = limits(Deadline.case_id).where(*conditions, Deadline.round > 1).correlate(None)
    keys = (Deadline.case_id.label("case_id"), Deadline.department_id.label("department_id"))
    once = limits(*keys, Deadline.completed_at.label("at")).where(*conditions, Deadline.case_id.not_in(again))
    several = limits(*keys, func.min(Deadline.completed_at).label("at")).where(
        *conditions, Deadline.case_id.in_(again)).group_by(Deadline.case_id, Deadline.department_id)
    return once.subquery(), several.subquery()
