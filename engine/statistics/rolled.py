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
from engine.models import KpiDay, RollupState
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


def _key(by: str):
    if by == "department":
        return KpiDay.department_id
    if by in ("category", "channel"):
        return getattr(KpiDay, by)
    return day_part(KpiDay.day, by)


def _filters(w: Window) -> list:
    """The window's filters on the rollup's columns (a figure's department is already the lead's
    or the limit holder's, as the raw query chose it)."""
    found = []
    if w.scoped_to is not None:
        found.append(KpiDay.department_id.in_(scope.subtree_department_ids(w.scoped_to)))
    if w.department_id:
        found.append(KpiDay.department_id.in_(scope.subtree_of(w.department_id)))
    if w.category:
        found.append(KpiDay.category == w.category)
    if w.channel:
        found.append(KpiDay.channel == w.channel)
    return found


def read(w: Window, dimensions: tuple[str, ...], codes: set[str], first: date, last: date) -> dict:
    """{(key, code): (numerator, denominator)} of the days first..last; the key as grouping.Grouping
    makes it (None when ungrouped, one value, or a tuple), department 0 read as None."""
    keys = (*[_key(d) for d in dimensions], KpiDay.code)
    found = fetch(keys, [func.sum(KpiDay.numerator), func.sum(KpiDay.denominator)],
                  lambda s: s.select_from(KpiDay).where(KpiDay.day >= first, KpiDay.day <= last,
                                                        KpiDay.code.in_(sorted(codes)), *_filters(w)))
    department = dimensions.index("department") if "department" in dimensions else None
    out = {}
    for key, (numerator, denominator) in found.items():
        values = list(key) if isinstance(key, tuple) else [key]
        if department is not None and values[department] == NO_DEPARTMENT:
            values[department] = None
        *group, code = values
        out[(group[0] if len(group) == 1 else tuple(group) if group else None, code)] = (numerator, denominator)
    return out
