"""The custom report builder (自定义报表): a whitelisted definition (ReportSpec) and its table.

People choose one or two dimensions, some KPIs as measures, filters and a period; every part is
checked against the whitelists here (DIMENSIONS, CALL_CODES + CASE_CODES, the case's categories
and channels) before anything runs, and the table is made by `breakdown` only: no text a user
typed ever reaches SQL. Two dimensions are run as one breakdown per value of the one that is an
exact case filter (category or channel); other pairs need a grouped-twice breakdown (not yet).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date

from engine.db import MAX_ID
from engine.errors import ValidationFailed
from engine.models.case import CATEGORIES, CHANNELS
from engine.organisation import Actor
from engine.statistics.breakdown import Group, breakdown
from engine.statistics.grouping import DIMENSIONS, TIME_DIMENSIONS
from engine.statistics.kpi import Kpi, added
from engine.statistics.kpis import CALL_CODES, CASE_CODES
from forms.messages import msg

MEASURES = CALL_CODES + CASE_CODES
FIELDS = ("dimensions", "measures", "parts", "start", "end", "department_id", "category", "channel", "area_id")
MAX_DAYS = 3 * 366 + 1


@dataclass(frozen=True)
class ReportSpec:
    """What a custom report shows: only codes from the whitelists, checked by from_mapping()."""

    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    start: date
    end: date
    parts: bool = False                  # show each measure's numerator and denominator too
    department_id: int | None = None
    category: str | None = None
    channel: str | None = None
    area_id: int | None = None

    @classmethod
    def from_mapping(cls, data: Mapping) -> ReportSpec:
        """A spec from JSON or query arguments (lists or comma-separated text); ValidationFailed
        names every bad field."""
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(data) - set(FIELDS))
        for name in unknown:
            errors[str(name)[:40]] = [msg("unknown_field", "unknown field")]
        dimensions = _codes(data.get("dimensions"), DIMENSIONS, "dimensions", errors, most=2)
        measures = _codes(data.get("measures"), MEASURES, "measures", errors, most=len(MEASURES))
        start, end = _day(data.get("start"), "start", errors), _day(data.get("end"), "end", errors)
        if start and end and not errors.get("end") and start > end:
            errors["end"] = [msg("end_before_start", "must not be before the start")]
        elif start and end and (end - start).days >= MAX_DAYS:
            errors["end"] = [msg("period_too_long", "a custom report covers at most %(n)s days", n=MAX_DAYS)]
        filters = {"department_id": _id(data.get("department_id"), "department_id", errors),
                   "area_id": _id(data.get("area_id"), "area_id", errors),
                   "category": _choice(data.get("category"), CATEGORIES, "category", errors),
                   "channel": _choice(data.get("channel"), CHANNELS, "channel", errors)}
        _check_combination(dimensions, measures, filters, errors)
        if errors:
            raise ValidationFailed(errors)
        return cls(dimensions=dimensions, measures=measures, start=start, end=end,
                   parts=_flag(data.get("parts")), **filters)

    def to_mapping(self) -> dict:
        """JSON-ready (stored with a saved report, sent back by the API); from_mapping() reads it."""
        found = asdict(self)
        found.update(dimensions=list(self.dimensions), measures=list(self.measures), start=self.start.isoformat(),
                     end=self.end.isoformat())
        return {k: v for k, v in found.items() if v not in (None, False)}

    def filters(self) -> dict:
        return {"department_id": self.department_id, "category": self.category, "channel": self.channel,
                "area_id": self.area_id}


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [part for part in value if part not in (None, "")]
    return [value]


def _codes(value, allowed, name: str, errors: dict, most: int) -> tuple[str, ...]:
    items = _as_list(value)
    bad = [str(item)[:40] for item in items if not isinstance(item, str) or item not in allowed]
    if not items:
        errors[name] = [msg("required", "required")]
    elif bad:
        errors[name] = [msg("not_allowed_codes", "not allowed: %(codes)s", codes=", ".join(bad))]
    elif len(set(items)) != len(items) or len(items) > most:
        errors[name] = [msg("codes_count", "at most %(n)s, each once", n=most)]
    return tuple(items)


def _day(value, name: str, errors: dict) -> date | None:
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value or "").strip())
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        errors[name] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
        return None
    return day


def _id(value, name: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        errors[name] = [msg("not_an_id", "must be an id")]
        return None
    return int(text)


def _choice(value, allowed, name: str, errors: dict) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        errors[name] = [msg("not_allowed_codes", "not allowed: %(codes)s", codes=str(value)[:40])]
        return None
    return value


def _flag(value) -> bool:
    return value in (True, 1, "1", "true", "on", "yes")


def _check_combination(dimensions, measures, filters, errors: dict) -> None:
    """Call figures are the whole center's (only by time, without filters)."""
    calls = [m for m in measures if m in CALL_CODES]
    if calls and not errors.get("dimensions") and not errors.get("measures"):
        if any(d not in TIME_DIMENSIONS for d in dimensions) or any(filters.values()):
            errors["measures"] = [msg("call_measure_needs_time", "call figures (%(codes)s) are the whole center's: "
                                      "only by year, month, day or hour and without filters", codes=", ".join(calls))]


@dataclass(frozen=True)
class Row:
    """One line of the table: the dimension values (None: figures without a value) and each measure."""

    keys: tuple
    kpis: dict[str, Kpi] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    spec: ReportSpec
    rows: list[Row]
    totals: Row           # numerators and denominators summed over the rows, the value recomputed


def _filled(codes, kpis: Mapping[str, Kpi]) -> dict[str, Kpi]:
    """Every measure of a row; a missing one is zero (a count) or has no value (a rate)."""
    return {c: kpis.get(c) or added(c, []) for c in codes}


def summed(codes, parts: list[Mapping[str, Kpi]]) -> dict[str, Kpi]:
    """Totals of figures: numerators and denominators add up (docs/STATISTICS.md), the value is
    recomputed; a missing figure is zero. A case overdue in two parts (departments, months)
    counts in each, so also in the sum."""
    return {c: added(c, [p[c] for p in parts if c in p]) for c in codes}


def _groups(actor: Actor, spec: ReportSpec) -> list[Group]:
    then_by = spec.dimensions[1] if len(spec.dimensions) == 2 else None
    return breakdown(actor, start=spec.start, end=spec.end, by=spec.dimensions[0], then_by=then_by,
                     codes=spec.measures, **spec.filters())


def run(actor: Actor, spec: ReportSpec) -> Table:
    """The table of a checked spec: one row per dimension value (pair) with figures, sorted by key,
    and the totals. Access as breakdown's (403 outside a department leader's subtree)."""
    rows = [Row(g.key if isinstance(g.key, tuple) else (g.key,), _filled(spec.measures, g.kpis))
            for g in _groups(actor, spec)]
    return Table(spec, rows, Row((), summed(spec.measures, [r.kpis for r in rows])))
