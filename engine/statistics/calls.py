"""The call center's figures, from call records (every call classified once by the switch side)."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from engine.db import db
from engine.models import CallRecord
from engine.statistics.kpi import Kpi, ratio
from engine.statistics.window import Window, seconds_between

ANSWER_TARGET_SECONDS = 15
# The stages a lost call can end in (engine.models.call.OUTCOMES less `answered`).
LOSS_STAGES = ("trunk", "ivr", "queue", "agent", "overflow", "dissuaded")


def _n(condition):
    return func.count().filter(condition)


def call_kpis(w: Window) -> list[Kpi]:
    """One aggregate query over the calls that arrived in the period."""
    c = CallRecord
    answered = c.outcome == "answered"
    waited = and_(answered, c.answered_at.is_not(None))
    wait = seconds_between(func.coalesce(c.queued_at, c.arrived_at), c.answered_at)
    quick = and_(waited, wait <= ANSWER_TARGET_SECONDS)
    row = db.session.execute(select(
        func.count(), _n(answered), _n(quick), func.sum(wait).filter(waited), _n(waited),
        *[_n(c.outcome == stage) for stage in LOSS_STAGES],
    ).where(w.during(func.coalesce(c.arrived_at, c.created_at)))).one()
    offered, n_answered, n_quick, wait_total, n_waited, *lost = row
    return [ratio("connection_rate", n_answered, offered),
            ratio("answer_rate_15s", n_quick, offered),
            *[ratio(f"call_loss_{stage}", n, offered) for stage, n in zip(LOSS_STAGES, lost)],
            ratio("mean_wait_seconds", float(wait_total or 0), n_waited)]
