"""compute(actor, start=…, end=…, filters) → every KPI of docs/STATISTICS.md, by code; the same
figures grouped by a dimension are engine.statistics.breakdown. Both read the additive figures of
past days from the daily rollup (engine.statistics.rolled) where it holds them, the rest raw."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from engine.localtime import local_date, local_midnight
from engine.organisation import Actor
from engine.ports import run_all
from engine.statistics import calls, cases, limits, rolled
from engine.statistics.grouping import ALL, Grouping
from engine.statistics.kpi import Kpi, count, ratio
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


ORDER = {code: n for n, code in enumerate(CALL_CODES + CASE_CODES)}
CONCURRENT_FROM = timedelta(days=62)
USE_ROLLUP = True   # False: every figure from the raw queries (the tests compare both ways)


def raw(w: Window, g: Grouping, codes: set[str], repeat_days: int) -> list[tuple[object, Kpi]]:
    """(key, Kpi) of the asked codes from the fact tables; call figures only for the whole center
    and by time."""
    sources = [source for produced, source in _SOURCES
               if not codes.isdisjoint(produced) and (produced is not CALL_CODES or (w.whole_center and g.timed))]
    calls = [lambda source=source: source(w, g, repeat_days) for source in sources]
    # Independent aggregate reads: over a long period they run at once on PostgreSQL (run_all).
    # Measured at 1M cases on 2 cores: a year by department 4.9 → 1.8 s; a month's queries are
    # short and already use PostgreSQL's parallel workers, and there threads cost more (243 → 387 ms).
    results = run_all(calls) if w.hi - w.lo > CONCURRENT_FROM else [call() for call in calls]
    return [(key, k) for found in results for key, k in found if k.code in codes]


def compute(actor: Actor, *, start: date, end: date, department_id: int | None = None, category: str | None = None,
            channel: str | None = None, area_id: int | None = None,
            repeat_days: int = cases.REPEAT_DAYS) -> dict[str, Kpi]:
    """The KPIs of the Shanghai days start..end (inclusive). Call figures are the whole center's:
    they are left out when a department leader asks or any filter narrows the cases."""
    w = window(actor, start=start, end=end, department_id=department_id, category=category, channel=channel,
               area_id=area_id)
    found = figures(w, Grouping(), set(CALL_CODES + CASE_CODES), repeat_days)
    return {k.code: k for key, k in found if key == ALL}


def figures(w: Window, g: Grouping, codes: set[str], repeat_days: int) -> list[tuple[object, Kpi]]:
    """raw()'s figures, the additive ones summed from the rollup for the days it holds and from the
    raw queries for the days it does not (today, days after its last refresh or before its first)."""
    span = _rolled_span(w, g) if USE_ROLLUP else None
    summed = _rolled_codes(w, g, codes, repeat_days) if span else set()
    if not summed:
        return raw(w, g, codes, repeat_days)
    first, last = span
    parts: dict = {}
    for (key, code), (numerator, denominator) in rolled.read(w, g.dimensions, summed, first, last):
        _add(parts, ALL if g.by is None else key, code, numerator, denominator)
    for edge in _edges(w, first, last):
        for key, k in raw(edge, g, summed, repeat_days):
            _add(parts, key, k.code, k.numerator, k.denominator)
    if g.by is None:    # an ungrouped figure is there even when nothing counts
        for code in summed:
            parts.setdefault((ALL, code), [0, None if code in rolled.COUNTS else 0])
    found = raw(w, g, codes - summed, repeat_days) + [(key, _kpi(code, *nd)) for (key, code), nd in parts.items()]
    return sorted(found, key=lambda found_one: ORDER[found_one[1].code])


def _rolled_span(w: Window, g: Grouping) -> tuple[date, date] | None:
    """The days of the window the rollup holds (one stretch), if it can group as asked."""
    held = rolled.held_days() if rolled.serves(w, g.dimensions) else None
    if held is None:
        return None
    start, end = local_date(w.lo), local_date(w.hi) - timedelta(days=1)
    first, last = max(start, held[0]), min(end, held[1])
    return (first, last) if first <= last else None


def _rolled_codes(w: Window, g: Grouping, codes: set[str], repeat_days: int) -> set[str]:
    summed = codes & set(rolled.ADDITIVE)
    if repeat_days != cases.REPEAT_DAYS:    # the rollup's repeat flag looks back the default days
        summed.discard("repeat_call_rate")
    if w.whole_center and g.timed:
        summed |= codes & set(CALL_CODES)
    return summed


def _edges(w: Window, first: date, last: date) -> list[Window]:
    """The window's days before `first` and after `last` (none, one or two windows)."""
    lo, hi = local_midnight(first), local_midnight(last + timedelta(days=1))
    return [edge for edge in (replace(w, hi=lo), replace(w, lo=hi)) if edge.lo < edge.hi]


def _add(parts: dict, key, code: str, numerator, denominator) -> None:
    found = parts.setdefault((key, code), [0, None])
    found[0] += numerator or 0
    if denominator is not None:
        found[1] = (found[1] or 0) + denominator


def _kpi(code: str, numerator, denominator) -> Kpi:
    if code in rolled.COUNTS:
        return count(code, numerator)
    if code in rolled.TOTALS:
        return ratio(code, float(numerator), denominator)
    return ratio(code, int(round(numerator)), denominator)
