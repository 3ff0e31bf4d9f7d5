"""The charts' data (统计图表): plain lists assembled from breakdown() and compute(), so a chart and
the table beside it show one figure by one definition.

Every function takes the actor and the period (Shanghai days, both inclusive) and applies the same
access rules as compute(); what comes back is JSON-ready (str/int/float/None) with codes and ids,
never labels: the page names them in the reader's language.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Department
from engine.organisation import Actor
from engine.statistics.breakdown import Group, breakdown
from engine.statistics.calls import LOSS_STAGES
from engine.statistics.kpi import Kpi, added
from engine.statistics.window import ALL_DEPARTMENTS, VIEW_ROLES, window
from forms.messages import msg

GRAINS = ("day", "month", "year")
MAX_DAYS = 400          # a daily trend of more than a year is a month trend: the bars stop being readable
TREND_CODES = ("handled_on_time", "satisfaction_rate", "sign_for_on_time", "first_time_resolution")
CITY_TREND_CODES = ("connection_rate",)          # call figures: only for the whole center (as compute())
DISTRIBUTIONS = ("category", "channel", "department")
__all__ = ["VIEW_ROLES", "GRAINS", "area_ranking", "call_loss", "departments_in_scope", "distribution", "keys",
           "kpi_trends", "scope_department", "trend", "whole_center",
           "with_departments_below", "year_before"]


def year_before(day: date) -> date:
    """The same day a year before; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def keys(start: date, end: date, grain: str) -> list[str]:
    """Every key of the grain from start to end, as breakdown() writes them ('2026', '2026-11', '2026-11-02')."""
    if grain == "year":
        return [f"{y:04d}" for y in range(start.year, end.year + 1)]
    if grain == "month":
        months = range(start.year * 12 + start.month - 1, end.year * 12 + end.month)
        return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months]
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def _shifted(key: str) -> str | None:
    """The key a year before; a 29 February has none (its previous year ends at the 28th)."""
    if key.endswith("-02-29"):
        return None
    return f"{int(key[:4]) - 1:04d}{key[4:]}"


def _numerators(groups: list[Group], code: str) -> dict:
    return {g.key: g.kpis[code].numerator for g in groups if code in g.kpis}


def trend(actor: Actor, *, start: date, end: date, grain: str = "day", department_id: int | None = None,
          code: str = "intake") -> list[dict]:
    """A count (受理量 by default) per day, month or year of the period, beside the same day, month
    or year of the period a year before: [{key, value, previous_key, previous}], every key of the
    period present (0 when nothing happened)."""
    if grain not in GRAINS:
        raise ValidationFailed({"grain": [msg("trend_grain", "must be by day, by month or by year")]})
    if grain == "day" and (end - start).days >= MAX_DAYS:
        raise ValidationFailed({"grain": [msg("daily_trend_too_long",
                                              "by day at most %(days)s days: choose by month", days=MAX_DAYS)]})
    now = _numerators(breakdown(actor, start=start, end=end, by=grain, codes=(code,),
                                department_id=department_id), code)
    before = _numerators(breakdown(actor, start=year_before(start), end=year_before(end), by=grain, codes=(code,),
                                   department_id=department_id), code)
    rows = []
    for key in keys(start, end, grain):
        previous_key = _shifted(key)
        rows.append({"key": key, "value": now.get(key, 0), "previous_key": previous_key,
                     "previous": before.get(previous_key, 0) if previous_key else None})
    return rows


def departments_in_scope(actor: Actor) -> set[int] | None:
    """The ids of the departments whose figures the actor may read (None: all of them)."""
    if actor.has(*ALL_DEPARTMENTS):
        return None
    return set(db.session.execute(select(Department.id).where(
        Department.path.like(actor.department_path + "%"))).scalars())


def with_departments_below(ids) -> set[int]:
    """Those of the ids that have a department below them (their figures roll up a subtree)."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return set()
    return set(db.session.execute(select(Department.parent_id).where(Department.parent_id.in_(ids))).scalars())


def scope_department(actor: Actor, department_id: int | None) -> Department | None:
    """Whose children the department chart shows: the filter, else a department leader's own
    department, else the one root of the tree (None when there are several roots)."""
    if department_id is None and not actor.has(*ALL_DEPARTMENTS):
        department_id = actor.department_id
    if department_id is not None:
        return db.session.get(Department, department_id)
    roots = db.session.execute(select(Department).where(Department.parent_id.is_(None))).scalars().all()
    return roots[0] if len(roots) == 1 else None


def _rolled_up(groups: list[Group], code: str, scope: Department | None) -> dict:
    """{top-level department id below the scope (or the scope itself, or None): [Kpi]} by path."""
    paths = dict(db.session.execute(select(Department.id, Department.path)).all())
    prefix = scope.path if scope is not None else "/"
    parts: dict = {}
    for g in groups:
        if code not in g.kpis:
            continue
        path = paths.get(g.key) if g.key is not None else None
        if path is None or not path.startswith(prefix):
            top = None
        elif path == prefix:
            top = scope.id
        else:
            top = int(path[len(prefix):].strip("/").split("/")[0])
        parts.setdefault(top, []).append(g.kpis[code])
    return parts


def distribution(actor: Actor, *, start: date, end: date, by: str, department_id: int | None = None,
                 code: str = "intake") -> list[dict]:
    """A count split by category, channel or department: [{key, value}], largest first (ties by
    key), None (no value: e.g. a case not dispatched yet) last. By department the leaves are rolled
    up to the departments just below the scope (the scope's own cases under its own id); the values
    add up to the period's total."""
    if by not in DISTRIBUTIONS:
        raise ValidationFailed({"by": [msg("not_an_option", "must be one of: %(options)s",
                                           options=", ".join(DISTRIBUTIONS))]})
    groups = breakdown(actor, start=start, end=end, by=by, codes=(code,), department_id=department_id)
    if by == "department":
        parts = _rolled_up(groups, code, scope_department(actor, department_id))
        totals = {key: added(code, kpis).numerator for key, kpis in parts.items()}
    else:
        totals = _numerators(groups, code)
    ranked = sorted(((key, value) for key, value in totals.items() if key is not None and value),
                    key=lambda kv: (-kv[1], kv[0]))          # one dimension's keys are all str or all int
    rows = [{"key": key, "value": value} for key, value in ranked]
    return rows + ([{"key": None, "value": totals[None]}] if totals.get(None) else [])


def area_ranking(actor: Actor, *, start: date, end: date, department_id: int | None = None, top: int = 10,
                 code: str = "intake") -> list[dict]:
    """The `top` areas (the case's area as registered) by the count, largest first, ties by id:
    [{key, value}]. Cases without an area are not ranked."""
    groups = breakdown(actor, start=start, end=end, by="area", codes=(code,), department_id=department_id)
    counts = {key: value for key, value in _numerators(groups, code).items() if key is not None and value}
    return [{"key": key, "value": value} for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:top]


def _shown(kpi: Kpi | None) -> dict:
    if kpi is None:
        return {"value": None, "numerator": 0, "denominator": 0}
    return {"value": kpi.value, "numerator": kpi.numerator, "denominator": kpi.denominator}


def kpi_trends(actor: Actor, *, start: date, end: date, department_id: int | None = None,
               whole_center: bool = False) -> tuple[tuple[str, ...], list[dict]]:
    """The rates of TREND_CODES by month (接通率 too for the whole center): (codes, [{key, kpis:
    {code: {value, numerator, denominator}}}]), every month of the period present."""
    codes = TREND_CODES + (CITY_TREND_CODES if whole_center else ())
    groups = {g.key: g.kpis for g in breakdown(actor, start=start, end=end, by="month", codes=codes,
                                                department_id=department_id)}
    return codes, [{"key": key, "kpis": {c: _shown(groups.get(key, {}).get(c)) for c in codes}}
                   for key in keys(start, end, "month")]


def whole_center(actor: Actor, *, start: date, end: date, department_id: int | None = None) -> bool:
    """Whether call figures apply (the rule of compute(): no filter, not a department leader)."""
    return window(actor, start=start, end=end, department_id=department_id).whole_center


def call_loss(actor: Actor, *, start: date, end: date) -> list[dict]:
    """呼损 by stage for the whole center: [{stage, count, rate}], rate of the offered calls (None
    when none was offered). The call_loss_* figures of compute(), summed over the years of the
    period (only the call query runs)."""
    codes = tuple(f"call_loss_{s}" for s in LOSS_STAGES)
    groups = breakdown(actor, start=start, end=end, by="year", codes=codes)
    rows = []
    for stage, code in zip(LOSS_STAGES, codes):
        figure = added(code, [g.kpis[code] for g in groups if code in g.kpis])
        rows.append({"stage": stage, "count": figure.numerator, "rate": figure.value})
    return rows
