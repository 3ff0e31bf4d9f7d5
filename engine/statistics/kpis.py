"""compute(actor, start=…, end=…, filters) → every KPI of docs/STATISTICS.md, by code; the same
figures grouped by a dimension are engine.statistics.breakdown."""
from __future__ import annotations

from datetime import date

from engine.organisation import Actor
from engine.statistics import calls, cases, limits
from engine.statistics.grouping import ALL, Grouping
from engine.statistics.kpi import Kpi
from engine.statistics.window import Window, window

CALL_CODES = ("connection_rate", "answer_rate_15s", *[f"call_loss_{s}" for s in calls.LOSS_STAGES],
              "mean_wait_seconds")
CASE_CODES = ("intake", "sign_for_on_time", "handled_on_time", "overdue_cases", "extension_rate", "return_rate",
              "first_time_resolution", "satisfaction_rate", "visit_rate", "repeat_call_rate", "urged_cases",
              "urged_closed_rate")
# Which function computes which codes (one query each, or two for on_time): asking for a few codes
# runs only the queries they need.
_SOURCES = (
    (CALL_CODES, lambda w, g, days: calls.call_kpis(w, g)),
    (("intake",), lambda w, g, days: cases.intake(w, g)),
    (("sign_for_on_time", "handled_on_time"), lambda w, g, days: limits.on_time(w, g)),
    (("overdue_cases",), lambda w, g, days: limits.overdue(w, g)),
    (("extension_rate",), lambda w, g, days: limits.extension_rate(w, g)),
    (("return_rate",), lambda w, g, days: cases.return_rate(w, g)),
    (("first_time_resolution",), lambda w, g, days: cases.first_time_resolution(w, g)),
    (("satisfaction_rate",), lambda w, g, days: cases.satisfaction(w, g)),
    (("visit_rate",), lambda w, g, days: cases.visit_rate(w, g)),
    (("repeat_call_rate",), lambda w, g, days: cases.repeat_call_rate(w, days, g)),
    (("urged_cases", "urged_closed_rate"), lambda w, g, days: cases.urges(w, g)),
)


def figures(w: Window, g: Grouping, codes: set[str], repeat_days: int) -> list[tuple[object, Kpi]]:
    """(key, Kpi) of the asked codes; call figures only for the whole center and by time."""
    found = []
    for produced, source in _SOURCES:
        if codes.isdisjoint(produced) or (produced is CALL_CODES and not (w.whole_center and g.timed)):
            continue
        found += [(key, k) for key, k in source(w, g, repeat_days) if k.code in codes]
    return found


def compute(actor: Actor, *, start: date, end: date, department_id: int | None = None, category: str | None = None,
            channel: str | None = None, area_id: int | None = None,
            repeat_days: int = cases.REPEAT_DAYS) -> dict[str, Kpi]:
    """The KPIs of the Shanghai days start..end (inclusive). Call figures are the whole center's:
    they are left out when a department leader asks or any filter narrows the cases."""
    w = window(actor, start=start, end=end, department_id=department_id, category=category, channel=channel,
               area_id=area_id)
    found = figures(w, Grouping(), set(CALL_CODES + CASE_CODES), repeat_days)
    return {k.code: k for key, k in found if key == ALL}
