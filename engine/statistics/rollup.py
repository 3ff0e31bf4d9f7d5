"""The daily rollup (kpi_day): the additive figures per Shanghai day × leaf department × category ×
channel, and the call figures per day, written by the raw queries themselves (kpis.raw grouped
by those keys), so the sums compute() and breakdown() read from it equal the raw figures.

`refresh(start, end)` rewrites those days, and the monthly sums of their months (kpi_month), in one
transaction (never today: today is always read live). `upkeep()` is the scheduler's job: at its first run of a Shanghai day it rewrites the last
`statistics.rollup_days` days (late changes — a case reopened, a visit on an old case, a new
lead department — move figures of older days), and between sweeps it fills a missing yesterday.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, delete, func, insert, literal, select

from engine.db import db
from engine.localtime import local_midnight
from engine.models import KpiDay, KpiMonth, RollupState
from engine.organisation import settings
from engine.ports import now
from engine.statistics import rolled
from engine.statistics.cases import REPEAT_DAYS
from engine.statistics.grouping import Grouping
from engine.statistics.kpis import CALL_CODES, raw
from engine.statistics.window import Window

GRAIN = Grouping(by="day", then="department", more=("category", "channel"))
CALL_GRAIN = Grouping(by="day")
DAYS_PARAMETER = "statistics.rollup_days"


def refresh(start: date, end: date, *, sweep: bool = False) -> int:
    """Rewrite the rollup rows of the days start..end (up to yesterday); the number of rows written.
    The state row is locked first, so two refreshes (the job, the CLI) run one after the other."""
    end = min(end, rolled.today() - timedelta(days=1))
    if start > end:
        return 0
    state = _locked_state()
    db.session.execute(delete(KpiDay).where(KpiDay.day >= start, KpiDay.day <= end))
    w = Window(lo=local_midnight(start), hi=local_midnight(end + timedelta(days=1)))
    rows = [_row(day, department, category, channel, k)
            for (day, department, category, channel), k in raw(w, GRAIN, set(rolled.ADDITIVE), REPEAT_DAYS)]
    rows += [_row(day, None, "", "", k) for day, k in raw(w, CALL_GRAIN, set(CALL_CODES), REPEAT_DAYS)]
    if rows:
        db.session.execute(insert(KpiDay), rows)
    sum_months(start, end)
    _extend(state, start, end)
    if sweep:
        state.swept_on = rolled.today()
    state.refreshed_at = now()
    db.session.commit()
    return len(rows)


def sum_months(start: date, end: date) -> None:
    """Rewrite kpi_month for every month the days start..end touch, from kpi_day (in the caller's
    transaction). A month is read from kpi_month only when all its days are held, and each of its
    days was then written by a refresh that rewrote the month's sums after it."""
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        db.session.execute(delete(KpiMonth).where(KpiMonth.month == month))
        keys = (KpiDay.code, KpiDay.department_id, KpiDay.category, KpiDay.channel)
        summed = (select(literal(month, Date), *keys, func.sum(KpiDay.numerator), func.sum(KpiDay.denominator))
                  .where(KpiDay.day >= month, KpiDay.day < following).group_by(*keys))
        db.session.execute(insert(KpiMonth).from_select(
            ["month", "code", "department_id", "category", "channel", "numerator", "denominator"], summed))
        month = following


def upkeep() -> dict[str, int]:
    """The scheduler's job (every 10 minutes): the nightly sweep once a day, else yesterday if missing."""
    today = rolled.today()
    yesterday = today - timedelta(days=1)
    days = int(settings.snapshot()[DAYS_PARAMETER])
    state = db.session.get(RollupState, rolled.STATE_ID)
    if state is None or state.swept_on is None or state.swept_on < today:
        return {"swept_days": days, "rows": refresh(today - timedelta(days=days), yesterday, sweep=True)}
    if state.last_day is None or state.last_day < yesterday:
        start = max(state.last_day + timedelta(days=1), today - timedelta(days=days)) if state.last_day else yesterday
        return {"refreshed_days": (yesterday - start).days + 1, "rows": refresh(start, yesterday)}
    return {}


def _row(day: str, department: int | None, category: str, channel: str, k) -> dict:
    return {"day": date.fromisoformat(day), "code": k.code,
            "department_id": rolled.NO_DEPARTMENT if department is None else department,
            "category": category, "channel": channel, "numerator": k.numerator, "denominator": k.denominator}


def _locked_state() -> RollupState:
    state = db.session.execute(
        select(RollupState).where(RollupState.id == rolled.STATE_ID).with_for_update()).scalar_one_or_none()
    if state is None:
        state = RollupState(id=rolled.STATE_ID)
        db.session.add(state)
        db.session.flush()
    return state


def _extend(state: RollupState, start: date, end: date) -> None:
    """The held days become one stretch: joined with the refreshed days when they touch, else the
    later of the two (the rows of the other stay, unread)."""
    one = timedelta(days=1)
    if state.first_day is None or end < state.first_day - one or start > state.last_day + one:
        if state.first_day is None or end > state.last_day:
            state.first_day, state.last_day = start, end
        return
    state.first_day, state.last_day = min(start, state.first_day), max(end, state.last_day)
