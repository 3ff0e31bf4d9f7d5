"""Reading the daily rollup (kpi_day, written by engine.statistics.rollup): the additive figures of
the days it holds, summed by the asked dimensions under the keys the raw queries give them.

An additive figure counts each row of its anchor once (a case registered, a limit closed, a
visit …), so its numerators and denominators add up over days, departments, categories and
channels. The figures that count a case once per period (超期件数, 延期率, 退回率, 督办) do not,
and are never read here.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func

from engine.db import db
from engine.localtime import local_date
from engine.models import KpiDay, KpiMonth, RollupState
from engine.organisation import scope
from engine.ports import now
from engine.statistics.grouping import day_part, fetch
from engine.statistics.window import Window

ADDITIVE = ("intake", "sign_for_on_time", "handled_on_time", "first_time_resolution", "satisfaction_rate",
            "visit_rate", "repeat_call_rate")
COUNTS = ("intake",)                # denominator None
TOTALS = ("mean_wait_seconds",)     # a numerator that is a sum of seconds, not a count
DIMENSIONS = ("department", "category", "channel", "year", "month", "day")
NO_DEPARTMENT = 0                   # kpi_day's department of figures without one (and of calls)
STATE_ID = 1


def today() -> date:
    return local_date(now())


def held_days() -> tuple[date, date] | None:
    """The days kpi_day holds, today never among them (today is always read live)."""
    state = db.session.get(RollupState, STATE_ID)
    if state is None or state.first_day is None or state.last_day is None:
        return None
    last = min(state.last_day, today() - timedelta(days=1))
    return (state.first_day, last) if state.first_day <= last else None


def serves(w: Window, dimensions: tuple[str, ...]) -> bool:
    """kpi_day has no area, hour or dispatch mode."""
    return w.area_id is None and all(d in DIMENSIONS for d in dimensions)


def _key(table, by: str):
    if by == "department":
        return table.department_id
    if by in ("category", "channel"):
        return getattr(table, by)
    return day_part(table.month if table is KpiMonth else table.day, by)


def _filters(table, w: Window) -> list:
    """The window's filters on the rollup's columns (a figure's department is already the lead's
    or the limit holder's, as the raw query chose it)."""
    found = []
    if w.scoped_to is not None:
        found.append(table.department_id.in_(scope.subtree_department_ids(w.scoped_to)))
    if w.department_id:
        found.append(table.department_id.in_(scope.subtree_of(w.department_id)))
    if w.category:
        found.append(table.category == w.category)
    if w.channel:
        found.append(table.channel == w.channel)
    return found


def months_within(first: date, last: date) -> tuple[date, date] | None:
    """The first days of the first and last whole calendar months inside first..last, if any."""
    start = first if first.day == 1 else _next_month(first)
    end = last.replace(day=1) if (last + timedelta(days=1)).day == 1 else _previous_month(last)
    return (start, end) if start <= end else None


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def read(w: Window, dimensions: tuple[str, ...], codes: set[str], first: date, last: date) -> list:
    """[((key, code), (numerator, denominator))] of the days first..last; the key as
    grouping.Grouping makes it (None when ungrouped, one value, or a tuple), department 0 read as
    None. Whole months come from kpi_month (a year: 12 months of rows instead of 365 days), the days
    around them and any grouping by day from kpi_day: a key may come once from each, and the caller
    adds them up as it adds the raw days (kpis.figures)."""
    months = None if "day" in dimensions else months_within(first, last)
    if months is None:
        return list(_read(KpiDay, KpiDay.day, w, dimensions, codes, first, last).items())
    after = _next_month(months[1])
    found = list(_read(KpiMonth, KpiMonth.month, w, dimensions, codes, *months).items())
    if first < months[0]:
        found += _read(KpiDay, KpiDay.day, w, dimensions, codes, first, months[0] - timedelta(days=1)).items()
    if after <= last:
        found += _read(KpiDay, KpiDay.day, w, dimensions, codes, after, last).items()
    return found


def _read(table, moment, w: Window, dimensions: tuple[str, ...], codes: set[str], first: date, last: date) -> dict:
    keys = (*[_key(table, d) for d in dimensions], table.code)
    found = fetch(keys, [func.sum(table.numerator), func.sum(table.denominator)],
                  lambda s: s.select_from(table).where(moment >= first, moment <= last,
                                                       table.code.in_(sorted(codes)), *_filters(table, w)))
    department = dimensions.index("department") if "department" in dimensions else None
    out = {}
    for key, (numerator, denominator) in found.items():
        values = list(key) if isinstance(key, tuple) else [key]
        if department is not None and values[department] == NO_DEPARTMENT:
            values[department] = None
        *group, code = values
        out[(group[0] if len(group) == 1 else tuple(group) if group else None, code)] = (numerator, denominator)
    return out
