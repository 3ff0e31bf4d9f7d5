"""Department evaluation (分类分档考核): each department's KPIs for a month, a weighted score and a
grade band, departments grouped by kind (district governments, streets, functional bureaus …)
and banded within their class. Not a ranking of persons: only departments are scored.

The departments are the ones directly below the scope (the city for the center's roles, the
leader's own department for a department leader, or a chosen department); each is its whole
subtree, rolled up from `breakdown`'s leaf departments by `department.path` (numerators and
denominators add up). Weights and bands are the parameters `evaluation.weights` (points per
KPI) and `evaluation.bands` ([minimum score, label], highest first).

Score = 100 × Σ weight × goodness / Σ weight, over the weighted KPIs that have a value this month
(a rate without cases is left out, not zero); goodness is the rate itself, or 1 − rate for the
rates where less is better (延期率, 退回率). Each KPI's points are its share of that sum, so the
points add up to the score. 超期件数 is shown, unweighted: a late case costs through 按时办结率.
"""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Department
from engine.organisation import Actor, settings
from engine.statistics.breakdown import breakdown
from engine.statistics.custom import summed
from engine.statistics.kpi import Kpi
from engine.statistics.window import ALL_DEPARTMENTS
from forms.messages import msg

CODES = ("sign_for_on_time", "handled_on_time", "overdue_cases", "extension_rate", "return_rate",
         "first_time_resolution", "satisfaction_rate", "visit_rate", "urged_closed_rate")
LOWER_IS_BETTER = ("extension_rate", "return_rate")
# Classes in the order shown; a kind not listed comes last, under its own name.
CLASS_ORDER = ("district", "bureau", "street", "community")
NOT_EVALUATED = ("city", "center")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Part:
    """How one KPI adds to the score."""

    code: str
    value: float | int | None
    weight: float
    points: float | None        # None: not scored (no value this month, or no weight)


@dataclass(frozen=True)
class Line:
    department_id: int | None
    name: str
    kind: str
    kpis: dict[str, Kpi]
    parts: list[Part]
    score: float | None
    band: str | None
    rank: int | None = None     # within the class, by score (equal scores share a rank)


@dataclass(frozen=True)
class Evaluation:
    month: str
    start: date
    end: date
    root_id: int | None
    classes: list[tuple[str, list[Line]]]
    total: Line                                  # the whole scope, scored like a department
    weights: dict = field(default_factory=dict)
    bands: list = field(default_factory=list)


def month_period(month: str) -> tuple[date, date]:
    """'2026-11' → the first and last day of that month."""
    found = _MONTH.fullmatch(str(month or "").strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2999:
        raise ValidationFailed({"month": [msg("not_a_month", "must be a month (YYYY-MM)")]})
    year, number = int(found[1]), int(found[2])
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def score(kpis: dict[str, Kpi], weights: dict, bands: list) -> tuple[list[Part], float | None, str | None]:
    """The parts, the score (0..100, 2 places) and its band (see the module's docstring)."""
    scored = {}
    for code in CODES:
        value, weight = kpis[code].value, float(weights.get(code, 0))
        if code in weights and weight > 0 and value is not None:
            scored[code] = weight * (1 - value if code in LOWER_IS_BETTER else value)
    total_weight = sum(float(weights[c]) for c in scored)
    parts = [Part(c, kpis[c].value, float(weights.get(c, 0)),
                  round(100 * scored[c] / total_weight, 2) if c in scored else None) for c in CODES]
    if not total_weight:
        return parts, None, None
    result = round(100 * sum(scored.values()) / total_weight, 2)
    band = next((label for low, label in sorted(bands, key=lambda b: -b[0]) if result >= low), None)
    return parts, result, band


def _root(actor: Actor, department_id: int | None) -> Department:
    if department_id is not None:
        found = db.session.get(Department, department_id)
        if found is None:
            raise ValidationFailed({"department_id": [msg("unknown_department", "no such department")]})
        return found
    if not actor.has(*ALL_DEPARTMENTS):
        return db.session.get(Department, actor.department_id)
    return db.session.execute(select(Department).where(Department.parent_id.is_(None))
                              .order_by(Department.id)).scalars().first()


def _units(root: Department) -> list[Department]:
    children = db.session.execute(select(Department).where(
        Department.parent_id == root.id, Department.active.is_(True), Department.kind.not_in(NOT_EVALUATED))
        .order_by(Department.id)).scalars().all()
    return list(children) or [root]


def _line(department: Department | None, name: str, kind: str, kpis: dict, weights: dict, bands: list) -> Line:
    parts, result, band = score(kpis, weights, bands)
    return Line(department.id if department else None, name, kind, kpis, parts, result, band)


def evaluate(actor: Actor, *, month: str, department_id: int | None = None) -> Evaluation:
    """The evaluation of the departments directly below the scope for `month` ('YYYY-MM')."""
    start, end = month_period(month)
    root = _root(actor, department_id)
    scoped = department_id if department_id is not None or not actor.has(*ALL_DEPARTMENTS) else None
    groups = breakdown(actor, start=start, end=end, by="department", codes=CODES, department_id=scoped)
    paths = dict(db.session.execute(select(Department.id, Department.path)).all())
    units = _units(root)
    figures: dict[int, list[dict]] = {u.id: [] for u in units}
    for group in groups:
        unit = next((u for u in units if paths.get(group.key, "").startswith(u.path)), None)
        if unit is not None:
            figures[unit.id].append(group.kpis)
    params = settings.snapshot()
    weights, bands = dict(params["evaluation.weights"]), list(params["evaluation.bands"])
    lines = [_line(u, u.name, u.kind, summed(CODES, figures[u.id]), weights, bands) for u in units]
    total = _line(root, root.name, root.kind, summed(CODES, [g.kpis for g in groups]), weights, bands)
    return Evaluation(month=f"{start:%Y-%m}", start=start, end=end, root_id=root.id, classes=_classes(lines),
                      total=total, weights=weights, bands=sorted(bands, key=lambda b: -b[0]))


def _classes(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """Lines grouped by department kind, each class by score (best first) with its rank in the class."""
    kinds = sorted({line.kind for line in lines},
                   key=lambda k: (CLASS_ORDER.index(k) if k in CLASS_ORDER else len(CLASS_ORDER), k))
    found = []
    for kind in kinds:
        members = sorted((line for line in lines if line.kind == kind),
                         key=lambda line: (line.score is None, -(line.score or 0), line.department_id))
        ranked = [Line(**{**line.__dict__, "rank": _rank(line, members)}) for line in members]
        found.append((kind, ranked))
    return found


def _rank(line: Line, members: list[Line]) -> int | None:
    if line.score is None:
        return None
    return 1 + sum(1 for other in members if other.score is not None and other.score > line.score)
