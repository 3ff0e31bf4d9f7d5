"""One figure: numerator, denominator and value (None when the denominator is 0)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

COUNT_CODES = ("intake", "overdue_cases", "urged_cases")     # figures that are counts, not rates


@dataclass(frozen=True)
class Kpi:
    """A rate (`value` = numerator / denominator), a mean (numerator a total) or a count
    (`denominator` None, `value` the count)."""

    code: str
    numerator: int | float
    denominator: int | None
    value: float | None


def ratio(code: str, numerator, denominator) -> Kpi:
    numerator, denominator = numerator or 0, int(denominator or 0)
    if isinstance(numerator, float):
        numerator = round(numerator, 3)
    value = round(numerator / denominator, 4) if denominator else None
    return Kpi(code, numerator, denominator, value)


def count(code: str, n) -> Kpi:
    return Kpi(code, int(n or 0), None, int(n or 0))


def added(code: str, parts: Iterable[Kpi]) -> Kpi:
    """One figure from its parts (groups, departments, days): numerators and denominators add up
    (docs/STATISTICS.md) and the value is recomputed; no part is zero."""
    parts = list(parts)
    numerator = sum(k.numerator for k in parts)
    if code in COUNT_CODES:
        return count(code, numerator)
    return ratio(code, numerator, sum(k.denominator or 0 for k in parts))
