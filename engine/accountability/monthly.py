"""The monthly accountability report: per department, the records found in a Shanghai month by
rule and by decision (undecided ones counted as such). Two grouped queries, never a loop."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from engine.accountability.records import Filters, conditions, decisions
from engine.db import db
from engine.models import AccountabilityRecord, Department
from engine.models.accountability import RULES
from engine.organisation import Actor

UNDECIDED = ""


@dataclass
class Row:
    """One department's counts (or the total when `department_id` is None)."""

    department_id: int | None
    department: str
    by_rule: dict[str, int] = field(default_factory=dict)
    by_decision: dict[str, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class Report:
    month: date
    rules: tuple[str, ...]
    decisions: list[str]          # the admin's list, then any other taken before the list changed, then undecided
    rows: list[Row]
    total: Row


def monthly(actor: Actor, month: date, *, department_id: int | None = None) -> Report:
    """Counts per department of the records found in `month` that the actor may see."""
    where = conditions(actor, Filters(month=month.replace(day=1), department_id=department_id))
    record = AccountabilityRecord
    rule_counts = db.session.execute(select(record.department_id, record.rule, func.count())
                                     .where(*where).group_by(record.department_id, record.rule)).all()
    decision_counts = db.session.execute(select(record.department_id, record.decision, func.count())
                                         .where(*where).group_by(record.department_id, record.decision)).all()
    ids = {d for d, _, _ in rule_counts}
    names = dict(db.session.execute(select(Department.id, Department.name).where(Department.id.in_(ids))).all()) if ids else {}
    rows = {d: Row(d, names.get(d, str(d))) for d in ids}
    total = Row(None, "")
    for department, rule, count in rule_counts:
        for row in (rows[department], total):
            row.by_rule[rule] = row.by_rule.get(rule, 0) + count
            row.total += count
    for department, decision, count in decision_counts:
        for row in (rows[department], total):
            key = decision or UNDECIDED
            row.by_decision[key] = row.by_decision.get(key, 0) + count
    listed = decisions()
    taken = sorted(d for d in total.by_decision if d not in listed and d != UNDECIDED)
    return Report(month=month.replace(day=1), rules=RULES, decisions=listed + taken + [UNDECIDED],
                  rows=sorted(rows.values(), key=lambda r: (r.department, r.department_id)), total=total)
