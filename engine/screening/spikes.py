"""Spikes (异常激增): a category, matter or area whose volume in one week exceeds its mean over the
eight weeks before by the factor `screening.spike_percent` (150 = half as much again), with at
least `screening.spike_min_cases` cases that week (so 1 → 2 is no spike).

Weeks run Monday 00:00 to Monday 00:00, Shanghai time, by the case's registration. The mean
counts the weeks without a case as zero: it is the eight weeks' total divided by eight. One
grouped query per dimension over the nine weeks; the comparison is done in integers inside the
query (this × 8 × 100 > before × percent), so it is the same on PostgreSQL and SQLite.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case as when, func, select

from engine.db import db
from engine.errors import ValidationFailed
from engine.localtime import local_midnight
from engine.models import Case
from engine.organisation import Actor, scope, settings
from engine.ports import now as clock_now
from engine.screening.access import VIEW_ROLES, scoped
from engine.screening.period import latest_complete_week, monday_of
from forms.messages import msg

WEEKS_BEFORE = 8
DIMENSIONS = {"category": Case.category, "matter": Case.matter_id, "area": Case.area_id}


@dataclass(frozen=True)
class Spike:
    dimension: str          # category | matter | area
    key: object             # the category code, matter id or area (department) id
    count: int              # cases registered in the week
    before: int             # cases in the eight weeks before
    mean: float             # before / 8
    ratio: float | None     # count / mean (None when nothing came before)


@dataclass(frozen=True)
class SpikeReport:
    week: date              # its Monday
    percent: int
    min_cases: int
    spikes: list[Spike]


def find_spikes(actor: Actor, *, week: date | None = None, dimensions: tuple[str, ...] = tuple(DIMENSIONS)) -> SpikeReport:
    """The spikes of the week holding `week` (default: the latest complete week), largest ratio
    first; a department leader's counts are of the cases led in their subtree."""
    actor.require(*VIEW_ROLES)
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValidationFailed({"dimension": [msg("not_an_option", "must be one of: %(options)s",
                                                  options=", ".join(DIMENSIONS))]})
    monday = monday_of(week) if week else latest_complete_week(clock_now())
    params = settings.snapshot()
    percent, min_cases = int(params["screening.spike_percent"]), int(params["screening.spike_min_cases"])
    found = [s for d in dimensions for s in _spikes(d, monday, percent, min_cases, scoped(actor))]
    found.sort(key=lambda s: (s.ratio is None, s.ratio or 0, s.count), reverse=True)   # new ones first
    return SpikeReport(week=monday, percent=percent, min_cases=min_cases, spikes=found)


def _spikes(dimension: str, monday: date, percent: int, min_cases: int, limited: Actor | None) -> list[Spike]:
    column = DIMENSIONS[dimension]
    lo = local_midnight(monday - timedelta(weeks=WEEKS_BEFORE))
    mid, hi = local_midnight(monday), local_midnight(monday, 7)
    this = func.sum(when((Case.created_at >= mid, 1), else_=0))
    before = func.sum(when((Case.created_at < mid, 1), else_=0))
    where = [Case.created_at >= lo, Case.created_at < hi, column.is_not(None)]
    if limited is not None:
        where.append(Case.lead_department_id.in_(scope.subtree_department_ids(limited)))
    rows = db.session.execute(
        select(column, this, before).where(*where).group_by(column)
        .having(this >= min_cases, this * (WEEKS_BEFORE * 100) > before * percent)).all()
    return [Spike(dimension, key, int(n), int(b), int(b) / WEEKS_BEFORE,
                  (int(n) * WEEKS_BEFORE / int(b)) if b else None) for key, n, b in rows]
