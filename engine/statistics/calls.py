"""The call center's figures, from call records (every call classified once by the switch side)."""
from __future__ import annotations

from sqlalchemy import and_, func

from engine.models import CallRecord
from engine.statistics.grouping import Grouping, fetch
from engine.statistics.kpi import Kpi, ratio
from engine.statistics.window import Window, seconds_between

ANSWER_TARGET_SECONDS = 15
# The stages a lost call can end in (engine.models.call.OUTCOMES less `answered`).
LOSS_STAGES = ("trunk", "ivr", "queue", "agent", "overflow", "dissuaded")


def _n(condition):
    return func.count().filter(condition)


def call_kpis(w: Window, g: Grouping = Grouping()) -> list[tuple[object, Kpi]]:
    """One aggregate query over the calls that arrived in the period (grouped by time only: a call
    has no department, category or area)."""
    c = CallRecord
    arrived = func.coalesce(c.arrived_at, c.created_at)
    answered = c.outcome == "answered"
    waited = and_(answered, c.answered_at.is_not(None))
    wait = seconds_between(func.coalesce(c.queued_at, c.arrived_at), c.answered_at)
    quick = and_(waited, wait <= ANSWER_TARGET_SECONDS)
    found = fetch(g.key(arrived), [func.count(), _n(answered), _n(quick), func.sum(wait).filter(waited), _n(waited),
                                   *[_n(c.outcome == stage) for stage in LOSS_STAGES]],
                  lambda s: s.select_from(c).where(w.during(arrived)))
    out = []
    for key, (offered, n_answered, n_quick, wait_total, n_waited, *lost) in found.items():
        out += [(key, k) for k in (
            ratio("connection_rate", n_answered, offered), ratio("answer_rate_15s", n_quick, offered),
            *[ratio(f"call_loss_{stage}", n, offered) for stage, n in zip(LOSS_STAGES, lost)],
            ratio("mean_wait_seconds", float(wait_total or 0), n_waited))]
    return out
