"""breakdown(actor, start=…, end=…, by=…) → the KPIs of docs/STATISTICS.md grouped by a dimension.

Each figure is grouped by the dimension's value at that figure's own anchor moment (a case's
registration, a limit's completion, a visit …): by month, 按时办结率 is in the month the limit
closed. The department of a case figure is the case's lead department, of a limit figure the
department that held the limit; departments and areas are the leaves (roll them up by path).
Summed over the groups, numerators and denominators give compute()'s figure — except the distinct
case counts of 超期件数 by department or time, where a case overdue in two rounds counts in each.
`then_by` groups by a second dimension too (month × department …): each key is then a pair.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from engine.errors import ValidationFailed
from engine.organisation import Actor
from engine.statistics.cases import REPEAT_DAYS
from engine.statistics.grouping import DIMENSIONS, Grouping
from engine.statistics.kpi import Kpi
from engine.statistics.kpis import CALL_CODES, CASE_CODES, figures
from engine.statistics.window import window
from forms.messages import msg


@dataclass(frozen=True)
class Group:
    """One value of the dimension (None: figures without one, e.g. a case with no lead department)."""

    key: str | int | tuple | None       # a pair (by, then_by) when grouped by two dimensions
    kpis: dict[str, Kpi] = field(default_factory=dict)


def _codes(codes: Iterable[str] | None) -> set[str]:
    known = CALL_CODES + CASE_CODES
    if codes is None:
        return set(known)
    asked = set(codes)
    unknown = sorted(asked - set(known))
    if unknown or not asked:
        raise ValidationFailed({"codes": [msg("unknown_measure", "unknown measure: %(codes)s",
                                              codes=", ".join(unknown) or "—")]})
    return asked


def _order(value):
    return (value is None, str(type(value)), value if value is not None else 0)


def _sort_key(group: Group):
    return tuple(_order(v) for v in group.key) if isinstance(group.key, tuple) else _order(group.key)


def _check_dimension(name: str, value: str | None) -> None:
    if value is not None and value not in DIMENSIONS:
        raise ValidationFailed({name: [msg("unknown_dimension", "unknown dimension: %(by)s", by=value)]})


def breakdown(actor: Actor, *, start: date, end: date, by: str, then_by: str | None = None,
              codes: Iterable[str] | None = None, department_id: int | None = None, category: str | None = None,
              channel: str | None = None, area_id: int | None = None, repeat_days: int = REPEAT_DAYS) -> list[Group]:
    """The asked KPIs (all when None) of the Shanghai days start..end, one Group per value of `by`
    (per pair of values of `by` and `then_by`: the key a tuple), sorted by key (None last). Same
    access and filters as compute()."""
    _check_dimension("by", by or "")
    _check_dimension("then_by", then_by)
    if then_by == by:
        raise ValidationFailed({"then_by": [msg("same_dimension", "must differ from the first dimension")]})
    asked = _codes(codes)
    w = window(actor, start=start, end=end, department_id=department_id, category=category, channel=channel,
               area_id=area_id)
    grouped: dict = defaultdict(dict)
    for key, kpi in figures(w, Grouping(by, then_by), asked, repeat_days):
        grouped[key][kpi.code] = kpi
    return sorted((Group(key, kpis) for key, kpis in grouped.items()), key=_sort_key)
