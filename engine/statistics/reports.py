"""固定报表: the daily, weekly, monthly and yearly report as one object the page, the Excel file
and the PDF all render, so the three show the same numbers.

A report is the headline KPI set of the period (compute()), the same figures of the periods it is
compared with (环比, 同比), breakdowns of the main figures by category, by department (rolled up
to the departments right below the report's scope) and by channel, the intake cohort (registered
in the period: open, closed, merged now) and the 平衡校验 of all of it (`balance.check`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select

from engine.db import db
from engine.models import Case, Department
from engine.organisation import Actor
from engine.ports import run_all
from engine.statistics.balance import Cohort, Imbalance, check
from engine.statistics.breakdown import Group, breakdown
from engine.statistics.kpi import Kpi, added
from engine.statistics.kpis import compute
from engine.statistics.periods import Period, comparisons, period
from engine.statistics.window import ALL_DEPARTMENTS, window

# The figures each breakdown row shows; the headline shows every figure.
REPORT_CODES = ("intake", "handled_on_time", "overdue_cases", "satisfaction_rate", "return_rate")
DIMENSIONS = ("category", "department", "channel")


@dataclass(frozen=True)
class Report:
    """`scope_id`: the department whose subtree the report covers (None: the whole city);
    `compared`: {"previous"|"year_before": (Period, {code: Kpi})}; `sections`: {dimension: [Group]}
    with departments rolled up; `names`: the departments' names, for the department rows."""

    period: Period
    scope_id: int | None
    headline: dict[str, Kpi]
    compared: dict[str, tuple[Period, dict[str, Kpi]]]
    sections: dict[str, list[Group]]
    cohort: Cohort
    imbalances: list[Imbalance] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return not self.imbalances


def report(actor: Actor, *, kind: str | None, value: str | None = None,
           department_id: int | None = None) -> Report:
    """The fixed report of the `kind` ("day", "week", "month", "year") period named by `value`
    (empty: the latest complete one) for the city or a department's subtree. 422 naming `kind` or
    `period`; access as compute() (403 outside a department leader's subtree).

    Its three computes and three breakdowns are independent reads: they run at once on PostgreSQL
    (run_all). Measured at 1M cases on 2 cores, a month's report 1.3 → 0.8-1.0 s once its figures
    were light enough not to fill both cores with PostgreSQL's own parallel workers."""
    chosen = period(kind, value)
    others = comparisons(chosen)
    parts = run_all([lambda: compute(actor, start=chosen.start, end=chosen.end, department_id=department_id),
                     *[lambda p=p: compute(actor, start=p.start, end=p.end, department_id=department_id)
                       for p in others.values()],
                     *[lambda by=by: breakdown(actor, start=chosen.start, end=chosen.end, by=by, codes=REPORT_CODES,
                                               department_id=department_id) for by in DIMENSIONS]])
    headline = parts[0]
    compared = {key: (p, found) for (key, p), found in zip(others.items(), parts[1:1 + len(others)])}
    tree = _departments()
    scope_id = department_id or (None if actor.has(*ALL_DEPARTMENTS) else actor.department_id)
    sections = dict(zip(DIMENSIONS, parts[1 + len(others):]))
    sections["department"] = roll_up(sections["department"], tree, scope_id)
    found = cohort(actor, chosen, department_id, headline["intake"].numerator)
    return Report(period=chosen, scope_id=scope_id, headline=headline, compared=compared, sections=sections,
                  cohort=found, imbalances=check(headline, sections, REPORT_CODES, found),
                  names={id_: name for id_, (_path, name) in tree.items()})


def cohort(actor: Actor, chosen: Period, department_id: int | None, intake: int) -> Cohort:
    """The cases registered in the period, by where they stand now (one aggregate query); the
    three parts are counted on their own conditions, so a case in none or two of them shows."""
    w = window(actor, start=chosen.start, end=chosen.end, department_id=department_id)
    merged = Case.outcome == "merged"
    not_merged = or_(Case.outcome.is_(None), Case.outcome != "merged")
    row = db.session.execute(select(
        func.count().filter(Case.closed_at.is_(None)),
        func.count().filter(and_(Case.closed_at.is_not(None), not_merged)),
        func.count().filter(merged),
    ).where(w.during(Case.created_at), *w.case_filters())).one()
    return Cohort(intake=intake, open=row[0], closed=row[1], merged=row[2])


def _departments() -> dict[int, tuple[str, str]]:
    """{id: (path, name)} of every department (a few hundred rows)."""
    return {id_: (path, name) for id_, path, name in
            db.session.execute(select(Department.id, Department.path, Department.name))}


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _scope_ids(tree: dict, scope_id: int | None) -> list[int]:
    """The path (ids) of the node whose children are the report's department rows: the scope,
    or for the whole city its root when there is one (the city), else nothing (the roots)."""
    if scope_id is not None:
        return _ids(tree[scope_id][0])
    roots = {_ids(path)[0] for path, _name in tree.values() if path.strip("/")}
    return [roots.pop()] if len(roots) == 1 else []


def top_level(tree: dict, scope: list[int], department_id: int | None) -> int | None:
    """The row a (leaf) department's figures go to: the department right below the scope it lies
    under, or the scope itself for figures held there (本级)."""
    if department_id is None or department_id not in tree:
        return department_id
    ids = _ids(tree[department_id][0])
    if ids[:len(scope)] != scope:
        return department_id
    return ids[len(scope)] if len(ids) > len(scope) else ids[-1]


def roll_up(groups: list[Group], tree: dict, scope_id: int | None) -> list[Group]:
    """Leaf-department groups added up into the departments right below the scope (numerators and
    denominators add up); sorted by the department tree, the scope itself and then None last."""
    scope = _scope_ids(tree, scope_id)
    gathered: dict = defaultdict(lambda: defaultdict(list))
    for group in groups:
        for code, kpi in group.kpis.items():
            gathered[top_level(tree, scope, group.key)][code].append(kpi)
    rolled = [Group(key, {code: added(code, kpis) for code, kpis in by_code.items()})
              for key, by_code in gathered.items()]
    own = scope[-1] if scope else None
    return sorted(rolled, key=lambda g: (g.key is None, g.key == own, _ids(tree[g.key][0]) if g.key in tree else []))
