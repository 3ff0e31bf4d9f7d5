"""Figures on the statutory limits (`deadline`): on-time sign-for and completion, overdue cases,
extensions. A limit belongs to the department that held it (its round); one row per round."""
from __future__ import annotations

from sqlalchemy import and_, distinct, func, or_, select

from engine.db import db
from engine.models import Case, Deadline
from engine.statistics.kpi import Kpi, count, ratio
from engine.statistics.window import Window

CLOSED = ("met", "missed", "natural")


def _lead(stage: str):
    return and_(Deadline.stage == stage, Deadline.role == "lead")


def _closed_lead(w: Window, stage: str, states) -> list:
    return [_lead(stage), Deadline.state.in_(states), w.during(Deadline.completed_at), *w.deadline_filters()]


def on_time(w: Window) -> list[Kpi]:
    """签收及时率 and 按时办结率: limits closed in the period; cancelled ones never count."""
    sign = db.session.execute(select(func.count(), func.count().filter(Deadline.state == "met"))
                              .join(Case, Case.id == Deadline.case_id)
                              .where(*_closed_lead(w, "sign_for", ("met", "missed")))).one()
    handled = db.session.execute(select(func.count(), func.count().filter(Deadline.state.in_(("met", "natural"))))
                                 .join(Case, Case.id == Deadline.case_id)
                                 .where(*_closed_lead(w, "handling", CLOSED))).one()
    return [ratio("sign_for_on_time", sign[1], sign[0]), ratio("handled_on_time", handled[1], handled[0])]


def overdue(w: Window) -> Kpi:
    """超期件数: cases with a lead handling limit missed in the period, or still running at its end
    and past due then (or already overtime by Article 7); a suspended limit's clock stands."""
    missed = and_(Deadline.state == "missed", w.during(Deadline.completed_at))
    running_at_end = and_(Deadline.started_at < w.hi, Deadline.state != "paused",
                          or_(Deadline.completed_at.is_(None), Deadline.completed_at >= w.hi),
                          or_(Deadline.due_at < w.hi, Deadline.overtime_cause.is_not(None)))
    n = db.session.execute(select(func.count(distinct(Deadline.case_id))).join(Case, Case.id == Deadline.case_id)
                           .where(_lead("handling"), or_(missed, running_at_end), *w.deadline_filters())).scalar()
    return count("overdue_cases", n)


def extension_rate(w: Window) -> Kpi:
    """延期率: of the cases whose lead handling limit closed in the period, those ever extended."""
    closed = select(Deadline.case_id).join(Case, Case.id == Deadline.case_id).where(
        *_closed_lead(w, "handling", CLOSED))
    row = db.session.execute(select(func.count(), func.count().filter(Case.extension_count > 0))
                             .where(Case.id.in_(closed))).one()
    return ratio("extension_rate", row[1], row[0])
