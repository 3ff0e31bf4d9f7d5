"""compute(actor, start=…, end=…, filters) → every KPI of docs/STATISTICS.md, by code."""
from __future__ import annotations

from datetime import date

from engine.organisation import Actor
from engine.statistics import calls, cases, limits
from engine.statistics.kpi import Kpi
from engine.statistics.window import window

CALL_CODES = ("connection_rate", "answer_rate_15s", *[f"call_loss_{s}" for s in calls.LOSS_STAGES],
              "mean_wait_seconds")
CASE_CODES = ("intake", "sign_for_on_time", "handled_on_time", "overdue_cases", "extension_rate", "return_rate",
              "first_time_resolution", "satisfaction_rate", "visit_rate", "repeat_call_rate", "urged_cases",
              "urged_closed_rate")


def compute(actor: Actor, *, start: date, end: date, department_id: int | None = None, category: str | None = None,
            channel: str | None = None, area_id: int | None = None,
            repeat_days: int = cases.REPEAT_DAYS) -> dict[str, Kpi]:
    """The KPIs of the Shanghai days start..end (inclusive). Call figures are the whole center's:
    they are left out when a department leader asks or any filter narrows the cases."""
    w = window(actor, start=start, end=end, department_id=department_id, category=category, channel=channel,
               area_id=area_id)
    found = [*(calls.call_kpis(w) if w.whole_center else []),
             cases.intake(w), *limits.on_time(w), limits.overdue(w), limits.extension_rate(w), cases.return_rate(w),
             cases.first_time_resolution(w), cases.satisfaction(w), cases.visit_rate(w),
             cases.repeat_call_rate(w, repeat_days), *cases.urges(w)]
    return {k.code: k for k in found}
